// Writes Freshen's commits: a new branch in two writes (ref, then one GraphQL commit), otherwise the
// Git Data API (tree with inline contents → commit → ref, the ref moved only last).
import { createHash } from 'node:crypto';
import type { GitHub, RepoRef } from './types.js';

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: number }).status === 404;
}

export interface BranchState {
  sha: string;
  /** Parent of the head commit (Freshen's branches are one commit on top of the default branch). */
  parentShas: string[];
  treeSha: string;
}

export async function readBranch(gh: GitHub, repo: RepoRef, branch: string): Promise<BranchState | null> {
  try {
    const { data: ref } = await gh.rest.git.getRef({ owner: repo.owner, repo: repo.repo, ref: `heads/${branch}` });
    const { data: commit } = await gh.rest.git.getCommit({ owner: repo.owner, repo: repo.repo, commit_sha: ref.object.sha });
    return { sha: commit.sha, parentShas: commit.parents.map((p) => p.sha), treeSha: commit.tree.sha };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/**
 * Creates one commit on `parentSha` holding the changed files. No author or committer is given, so
 * GitHub signs it as the app (shown as Verified). The commit is unreachable until a ref points at it.
 */
export async function createCommit(
  gh: GitHub,
  repo: RepoRef,
  input: { parentSha: string; baseTreeSha: string; files: Map<string, string>; modes: Map<string, string>; message: string },
): Promise<{ sha: string; treeSha: string }> {
  const tree = [...input.files].map(([path, content]) => ({
    path,
    mode: (input.modes.get(path) ?? '100644') as '100644' | '100755',
    type: 'blob' as const,
    content,
  }));
  const { data: newTree } = await gh.rest.git.createTree({
    owner: repo.owner,
    repo: repo.repo,
    base_tree: input.baseTreeSha,
    tree,
  });
  const { data: commit } = await gh.rest.git.createCommit({
    owner: repo.owner,
    repo: repo.repo,
    message: input.message,
    tree: newTree.sha,
    parents: [input.parentSha],
  });
  return { sha: commit.sha, treeSha: newTree.sha };
}

const UPDATE_REFS = `mutation FreshenMoveBranch($input: UpdateRefsInput!) {
  updateRefs(input: $input) { clientMutationId }
}`;

/**
 * Points the branch at `sha`. With `expectedSha` null the branch is created (GitHub refuses when it
 * appeared meanwhile). Otherwise it is moved only from `expectedSha` (Freshen's own commit, as the
 * caller checked): with the repository's node id, GraphQL's updateRefs moves it only if it is still
 * there (`beforeOid`), so a push at any moment is never overwritten. Servers without updateRefs get
 * REST's force move right after reading the ref again (a window of one request); `fastForwardOnly`
 * closes even that where the new commit descends from the expected one. Returns false when it moved.
 */
export async function pointBranch(
  gh: GitHub, repo: RepoRef, branch: string, sha: string, expectedSha: string | null, opts: { fastForwardOnly?: boolean; repoNodeId?: string } = {},
): Promise<boolean> {
  if (expectedSha === null) {
    await gh.rest.git.createRef({ owner: repo.owner, repo: repo.repo, ref: `refs/heads/${branch}`, sha });
    return true;
  }
  if (opts.repoNodeId && !clientsWithout.updateRefs.has(gh)) {
    const moved = await moveFrom(gh, repo, branch, sha, expectedSha, { ...opts, repoNodeId: opts.repoNodeId });
    if (moved !== 'unavailable') return moved;
  }
  const current = await readBranch(gh, repo, branch);
  if (current?.sha !== expectedSha) return false;
  try {
    await gh.rest.git.updateRef({ owner: repo.owner, repo: repo.repo, ref: `heads/${branch}`, sha, force: !opts.fastForwardOnly });
  } catch (err) {
    // A fast-forward GitHub refuses: someone pushed since the read.
    if (opts.fastForwardOnly && (err as { status?: number }).status === 422) return false;
    throw err;
  }
  return true;
}

/** updateRefs from `expectedSha` to `sha`: moved, refused because the branch is elsewhere, or not on this server. */
async function moveFrom(
  gh: GitHub, repo: RepoRef, branch: string, sha: string, expectedSha: string, opts: { fastForwardOnly?: boolean; repoNodeId: string },
): Promise<boolean | 'unavailable'> {
  try {
    await gh.graphql(UPDATE_REFS, {
      input: { repositoryId: opts.repoNodeId, refUpdates: [{ name: `refs/heads/${branch}`, beforeOid: expectedSha, afterOid: sha, force: !opts.fastForwardOnly }] },
      request: { retries: 0 },
    });
    return true;
  } catch (err) {
    if (isMutationUnavailable(err, 'updateRefs')) {
      clientsWithout.updateRefs.add(gh);
      return 'unavailable';
    }
    // Refused, or the answer was lost: the branch says which.
    const now = await readBranch(gh, repo, branch);
    if (now?.sha === sha) return true;
    if (now?.sha !== expectedSha) return false;
    throw err;
  }
}

export async function deleteBranch(gh: GitHub, repo: RepoRef, branch: string): Promise<void> {
  try {
    await gh.rest.git.deleteRef({ owner: repo.owner, repo: repo.repo, ref: `heads/${branch}` });
  } catch (err) {
    if (!isNotFound(err) && (err as { status?: number }).status !== 422) throw err;
  }
}

const COMMIT_ON_BRANCH = `mutation FreshenCommit($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid } }
}`;

export interface NewBranchInput {
  branch: string;
  /** The repository's GraphQL node id (see pointBranch). */
  repoNodeId?: string;
  /** The default branch head the commit goes on. */
  baseSha: string;
  baseTreeSha: string;
  files: Map<string, string>;
  modes: Map<string, string>;
  message: string;
  /** Called with each commit before a ref points at it. */
  remember: (sha: string) => Promise<void>;
  /**
   * Called before the branch is created at the base with the change the commit will make (see
   * changeId): if the commit never lands, the next run may move the branch; if it lands but its
   * answer is lost (the worker killed, the connection cut), the next run knows it by that change.
   */
  rememberEmptyBranch: (sha: string, change: string) => Promise<void>;
}

/**
 * Creates `branch` holding one commit on `baseSha` with the changed files. With only regular files it
 * costs two content-creating requests: the ref at the base, then GraphQL's createCommitOnBranch, which
 * writes blobs, tree and commit in one go and moves the ref only if it still points at the base.
 * createCommitOnBranch writes every file as a regular file, so an executable file (or a server
 * without the mutation) takes the Git Data path. Returns false when the branch appeared meanwhile.
 */
export async function commitOnNewBranch(gh: GitHub, repo: RepoRef, input: NewBranchInput): Promise<boolean> {
  const regularFilesOnly = [...input.files.keys()].every((path) => (input.modes.get(path) ?? '100644') === '100644');
  // The Git Data path: the commit made (and remembered) before any ref points at it.
  const commitWithGitData = async () => {
    const commit = await createCommit(gh, repo, { parentSha: input.baseSha, baseTreeSha: input.baseTreeSha, files: input.files, modes: input.modes, message: input.message });
    await input.remember(commit.sha);
    return commit.sha;
  };
  if (!regularFilesOnly || clientsWithout.createCommitOnBranch.has(gh)) return createBranch(gh, repo, input.branch, await commitWithGitData());
  await input.rememberEmptyBranch(input.baseSha, changeId([...input.files].map(([path, text]) => [path, gitBlobId(text)])));
  if (!(await createBranch(gh, repo, input.branch, input.baseSha))) return false;
  const [headline = '', ...rest] = input.message.split('\n');
  try {
    const result = await gh.graphql<{ createCommitOnBranch: { commit: { oid: string } } }>(COMMIT_ON_BRANCH, {
      input: {
        branch: { repositoryNameWithOwner: `${repo.owner}/${repo.repo}`, branchName: input.branch },
        expectedHeadOid: input.baseSha,
        message: { headline, body: rest.join('\n').trim() },
        fileChanges: { additions: [...input.files].map(([path, text]) => ({ path, contents: Buffer.from(text).toString('base64') })) },
      },
      // Not retried blindly: a lost answer may hide a commit that landed (see below).
      request: { retries: 0 },
    });
    await input.remember(result.createCommitOnBranch.commit.oid);
    return true;
  } catch (err) {
    if (isMutationUnavailable(err, 'createCommitOnBranch')) {
      // An older GitHub Enterprise: the Git Data path, still moving the branch only from the base.
      clientsWithout.createCommitOnBranch.add(gh);
      return pointBranch(gh, repo, input.branch, await commitWithGitData(), input.baseSha, { fastForwardOnly: true, ...(input.repoNodeId ? { repoNodeId: input.repoNodeId } : {}) });
    }
    // The outcome is unknown (a timeout, a 5xx, a push in between): the branch says what happened.
    const landed = await ownCommitOn(gh, repo, input).catch(() => null);
    if (landed) {
      await input.remember(landed);
      return true;
    }
    if (graphqlErrorTypes(err)?.includes('STALE_DATA')) return false;
    await deleteIfStillAt(gh, repo, input.branch, input.baseSha);
    throw err;
  }
}

/** Clients whose server refused a mutation once as unknown: they go straight to the REST API. */
const clientsWithout = { createCommitOnBranch: new WeakSet<GitHub>(), updateRefs: new WeakSet<GitHub>() };

/** GraphQL refused the request because its schema has no such mutation (not a refusal of this change). */
function isMutationUnavailable(err: unknown, mutation: keyof typeof clientsWithout): boolean {
  if (!(err instanceof Error) || err.name !== 'GraphqlResponseError') return false;
  const errors = (err as Error & { errors?: { message?: string; extensions?: { code?: string } }[] }).errors ?? [];
  const unknown = new RegExp(`${mutation}.*(doesn't exist|does not exist)|Cannot query field "${mutation}"|not configured (for|to execute) mutation`, 'i');
  return errors.some((e) => e.extensions?.code === 'undefinedField' || unknown.test(e.message ?? ''));
}

/**
 * The head of `branch` when it is exactly the commit Freshen asked for: one commit on the base whose
 * tree holds each file's new content (compared by git blob id). Whoever made it, nothing of anyone's is lost.
 */
async function ownCommitOn(gh: GitHub, repo: RepoRef, input: NewBranchInput): Promise<string | null> {
  const state = await readBranch(gh, repo, input.branch);
  if (!state || state.parentShas.length !== 1 || state.parentShas[0] !== input.baseSha) return null;
  const { data: tree } = await gh.rest.git.getTree({ owner: repo.owner, repo: repo.repo, tree_sha: state.treeSha, recursive: 'true' });
  const blobs = new Map(tree.tree.map((entry) => [entry.path, entry.sha]));
  return [...input.files].every(([path, text]) => blobs.get(path) === gitBlobId(text)) ? state.sha : null;
}

/** One id for a commit's change: the paths it adds or modifies with their git blob ids (order does not matter). */
export function changeId(files: [path: string, blobId: string][]): string {
  const lines = files.map(([path, blob]) => `${path}\0${blob}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** The change `state`'s head makes to its one parent (changeId), or null when it also deletes or renames files. */
export async function changeOf(gh: GitHub, repo: RepoRef, state: BranchState): Promise<string | null> {
  const [parent] = state.parentShas;
  if (state.parentShas.length !== 1 || !parent) return null;
  const { data } = await gh.rest.repos.compareCommits({ owner: repo.owner, repo: repo.repo, base: parent, head: state.sha });
  const files = data.files ?? [];
  if (files.some((f) => f.status !== 'added' && f.status !== 'modified')) return null;
  return changeId(files.map((f) => [f.filename, f.sha ?? '']));
}

function gitBlobId(text: string): string {
  const content = Buffer.from(text);
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Removes the empty branch a failed commit left behind; best effort (the next run may reuse it). */
async function deleteIfStillAt(gh: GitHub, repo: RepoRef, branch: string, sha: string): Promise<void> {
  try {
    if ((await readBranch(gh, repo, branch))?.sha === sha) await deleteBranch(gh, repo, branch);
  } catch {
    // Left for the next run, which may move it: it was remembered as Freshen's empty branch.
  }
}

/** Creates the branch at `sha`; false when it exists already (GitHub answers 422). */
async function createBranch(gh: GitHub, repo: RepoRef, branch: string, sha: string): Promise<boolean> {
  try {
    await gh.rest.git.createRef({ owner: repo.owner, repo: repo.repo, ref: `refs/heads/${branch}`, sha });
    return true;
  } catch (err) {
    if ((err as { status?: number }).status === 422 && /already exists/i.test((err as Error).message)) return false;
    throw err;
  }
}

/** The `type`s of a GraphQL answer's errors (GitHub refused the request), or null for any other failure. */
function graphqlErrorTypes(err: unknown): string[] | null {
  if (!(err instanceof Error) || err.name !== 'GraphqlResponseError') return null;
  const errors = (err as Error & { errors?: { type?: string }[] }).errors ?? [];
  return errors.map((e) => e.type ?? '');
}
