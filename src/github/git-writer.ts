// Writes with the Git Data API: tree with inline contents → commit → ref, the ref moved only last.
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

/**
 * Points the branch at `sha`. With `expectedSha` null the branch is created (GitHub refuses when it
 * appeared meanwhile). Otherwise it is moved with force only while it still points at `expectedSha`
 * (Freshen's own commit, as the caller checked): the ref is read again right before the move, so a
 * push that arrived while the update was prepared is never overwritten. Returns false when it moved.
 */
export async function pointBranch(gh: GitHub, repo: RepoRef, branch: string, sha: string, expectedSha: string | null): Promise<boolean> {
  if (expectedSha === null) {
    await gh.rest.git.createRef({ owner: repo.owner, repo: repo.repo, ref: `refs/heads/${branch}`, sha });
    return true;
  }
  const current = await readBranch(gh, repo, branch);
  if (current?.sha !== expectedSha) return false;
  await gh.rest.git.updateRef({ owner: repo.owner, repo: repo.repo, ref: `heads/${branch}`, sha, force: true });
  return true;
}

export async function deleteBranch(gh: GitHub, repo: RepoRef, branch: string): Promise<void> {
  try {
    await gh.rest.git.deleteRef({ owner: repo.owner, repo: repo.repo, ref: `heads/${branch}` });
  } catch (err) {
    if (!isNotFound(err) && (err as { status?: number }).status !== 422) throw err;
  }
}
