// POST /graphql: the slice of GitHub's GraphQL schema Freshen uses (createCommitOnBranch, updateRefs), executed by graphql-js.
import { buildSchema, graphql, GraphQLError } from 'graphql';
import { getCommit, isAncestor, listFiles, writeBlob, writeCommit, writeTree } from '../git-objects.js';
import { json, route, type Route, type RouteContext } from '../router.js';
import type { PathEntry, RepoState } from '../types.js';
import { repoAccessError } from '../dispatch.js';
import { workflowGuard } from './git.js';

const SDL = `
  scalar GitObjectID
  scalar GitRefname
  scalar Base64String
  scalar URI

  input CommittableBranch { id: ID, repositoryNameWithOwner: String, branchName: String }
  input FileAddition { path: String!, contents: Base64String! }
  input FileDeletion { path: String! }
  input FileChanges { additions: [FileAddition!], deletions: [FileDeletion!] }
  input CommitMessage { headline: String!, body: String }
  input CreateCommitOnBranchInput {
    branch: CommittableBranch!
    clientMutationId: String
    expectedHeadOid: GitObjectID!
    fileChanges: FileChanges
    message: CommitMessage!
  }

  input RefUpdate { name: GitRefname!, afterOid: GitObjectID!, beforeOid: GitObjectID, force: Boolean = false }
  input UpdateRefsInput { clientMutationId: String, repositoryId: ID!, refUpdates: [RefUpdate!]! }

  type Commit { oid: GitObjectID!, url: URI!, messageHeadline: String! }
  type UpdateRefsPayload { clientMutationId: String }
  type Ref { name: String!, prefix: String! }
  type CreateCommitOnBranchPayload { clientMutationId: String, commit: Commit, ref: Ref }

  type Query { viewerLogin: String }
`;
const schema = buildSchema(`${SDL}
  type Mutation {
    createCommitOnBranch(input: CreateCommitOnBranchInput!): CreateCommitOnBranchPayload
    updateRefs(input: UpdateRefsInput!): UpdateRefsPayload
  }`);
// An older server: other mutations, not these (graphql-js then answers "Cannot query field ...").
const schemaWithoutMutation = buildSchema(`${SDL}
  type Mutation { addStar(starrableId: ID!): String }`);

interface CommitInput {
  branch: { id?: string; repositoryNameWithOwner?: string; branchName?: string };
  clientMutationId?: string;
  expectedHeadOid: string;
  fileChanges?: { additions?: { path: string; contents: string }[]; deletions?: { path: string }[] };
  message: { headline: string; body?: string };
}

/** GitHub puts a machine-readable `type` beside each error message. */
function fail(type: string, message: string): never {
  throw new GraphQLError(message, { extensions: { type } });
}

function createCommitOnBranch(ctx: RouteContext, input: CommitInput): Record<string, unknown> {
  const { repositoryNameWithOwner: nameWithOwner, branchName } = input.branch;
  if (!nameWithOwner || !branchName) fail('INVALID', 'github-sim: give the branch as repositoryNameWithOwner and branchName');
  const [owner = '', name = ''] = nameWithOwner.split('/');
  const repo = ctx.sim.findRepo(owner, name);
  const denied = repo ? repoAccessError(ctx.sim, ctx.auth, repo, 'contents') : 'not found';
  if (!repo || denied === 'not found') fail('NOT_FOUND', `Could not resolve to a Repository with the name '${nameWithOwner}'.`);
  if (denied) fail('FORBIDDEN', 'Resource not accessible by integration');
  const ref = `refs/heads/${branchName.replace(/^refs\/heads\//, '')}`;
  const head = repo.refs.get(ref);
  if (!head) fail('NOT_FOUND', `A ref named "${ref}" does not exist.`);
  if (head !== input.expectedHeadOid) fail('STALE_DATA', `Expected branch to point to "${input.expectedHeadOid}" but it did not. Pull and try again.`);
  const tree = applyChanges(repo, head, input.fileChanges ?? {});
  const message = input.message.body ? `${input.message.headline}\n\n${input.message.body}` : input.message.headline;
  const actor = ctx.sim.identity(ctx.actor ?? repo.owner.login);
  // Like the web editor: authored by whoever's credential this is, and signed by GitHub.
  const sha = writeCommit(repo, { tree, parents: [head], message, verified: true, author: actor, committer: actor });
  const guarded = workflowGuard({ ...ctx, repo }, sha);
  if (guarded) fail('FORBIDDEN', String((guarded.body as { message: string }).message));
  repo.refs.set(ref, sha);
  return {
    clientMutationId: input.clientMutationId ?? null,
    commit: { oid: sha, url: `${ctx.sim.htmlBase}/${repo.owner.login}/${repo.name}/commit/${sha}`, messageHeadline: input.message.headline },
    ref: { name: ref.slice('refs/heads/'.length), prefix: 'refs/heads/' },
  };
}

interface RefsInput {
  clientMutationId?: string;
  repositoryId: string;
  refUpdates: { name: string; afterOid: string; beforeOid?: string | null; force?: boolean }[];
}

const ZERO_OID = '0'.repeat(40);

/** All updates or none: each ref must be at beforeOid (zeros: must not exist); without force a move must fast-forward. */
function updateRefs(ctx: RouteContext, input: RefsInput): Record<string, unknown> {
  const repo = [...ctx.sim.repos.values()].find((r) => `R_${r.id}` === input.repositoryId);
  const denied = repo ? repoAccessError(ctx.sim, ctx.auth, repo, 'contents') : 'not found';
  if (!repo || denied === 'not found') fail('NOT_FOUND', `Could not resolve to a node with the global id of '${input.repositoryId}'`);
  if (denied) fail('FORBIDDEN', 'Resource not accessible by integration');
  for (const update of input.refUpdates) {
    const current = repo.refs.get(update.name) ?? ZERO_OID;
    if (!update.name.startsWith('refs/')) fail('UNPROCESSABLE', `Invalid ref name: ${update.name}`);
    if (update.beforeOid && update.beforeOid !== current) fail('STALE_DATA', `Ref ${update.name} is at ${current}, not ${update.beforeOid}`);
    if (update.afterOid !== ZERO_OID && !getCommit(repo, update.afterOid)) fail('NOT_FOUND', `Object ${update.afterOid} does not exist`);
    const fastForward = current === ZERO_OID || update.afterOid === ZERO_OID || isAncestor(repo, current, update.afterOid);
    if (!update.force && !fastForward) fail('UNPROCESSABLE', `Update of ${update.name} is not a fast forward`);
    const guarded = update.afterOid === ZERO_OID ? null : workflowGuard({ ...ctx, repo }, update.afterOid);
    if (guarded) fail('FORBIDDEN', String((guarded.body as { message: string }).message));
  }
  for (const update of input.refUpdates) {
    if (update.afterOid === ZERO_OID) repo.refs.delete(update.name);
    else repo.refs.set(update.name, update.afterOid);
  }
  return { clientMutationId: input.clientMutationId ?? null };
}

/** The head's files with deletions and additions applied. Added files are written as regular files (mode 100644). */
function applyChanges(repo: RepoState, head: string, changes: NonNullable<CommitInput['fileChanges']>): string {
  const commit = repo.objects.get(head);
  if (commit?.type !== 'commit') fail('NOT_FOUND', `Commit ${head} does not exist`);
  const files = new Map<string, PathEntry>(listFiles(repo, commit.tree).map((e) => [e.path, e]));
  for (const { path } of changes.deletions ?? []) {
    if (!files.delete(path)) fail('UNPROCESSABLE', `A path was requested for deletion which does not exist as of commit oid \`${head}\``);
  }
  for (const { path, contents } of changes.additions ?? []) {
    if (path === '' || path.startsWith('/') || path.split('/').includes('..')) fail('UNPROCESSABLE', `Invalid path: ${path}`);
    files.set(path, { path, mode: '100644', type: 'blob', sha: writeBlob(repo, Buffer.from(contents, 'base64')) });
  }
  return writeTree(repo, [...files.values()]);
}

async function execute(ctx: RouteContext) {
  const query = typeof ctx.body.query === 'string' ? ctx.body.query : '';
  const variables = (ctx.body.variables ?? {}) as Record<string, unknown>;
  const result = await graphql({
    schema: ctx.sim.commitOnBranchMutation ? schema : schemaWithoutMutation,
    source: query,
    variableValues: variables,
    rootValue: {
      createCommitOnBranch: ({ input }: { input: CommitInput }) => createCommitOnBranch(ctx, input),
      updateRefs: ({ input }: { input: RefsInput }) => updateRefs(ctx, input),
    },
  });
  const errors = result.errors?.map((e) => ({ ...(e.extensions.type ? { type: e.extensions.type } : {}), message: e.message, path: e.path, locations: e.locations }));
  // GitHub answers 200 with `errors` for failed mutations, like any GraphQL server.
  return json(200, errors ? { data: result.data ?? null, errors } : { data: result.data });
}

export const graphqlRoutes: Route[] = [route('POST', '/graphql', 'installation', execute)];
