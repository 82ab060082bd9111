// Git Data API: refs, trees, blobs and commits, with GitHub's validation answers.
import { getCommit, isAncestor, listFiles, listTree, resolveCommitish, writeBlob, writeCommit, writeTree } from '../git-objects.js';
import { gitCommitJson } from '../json.js';
import { failed, json, noContent, notFound, paged, route, str, type Route, type RouteContext } from '../router.js';
import type { GitIdentity, PathEntry, RepoState, Reply } from '../types.js';

const FILE_MODES = new Set(['100644', '100755', '120000', '160000', '040000']);

function repoBase(ctx: RouteContext): string {
  return `${ctx.apiBase}/repos/${ctx.repo.owner.login}/${ctx.repo.name}`;
}

function refJson(ctx: RouteContext, ref: string, sha: string): Record<string, unknown> {
  return {
    ref,
    node_id: `REF_${Buffer.from(ref).toString('base64url')}`,
    url: `${repoBase(ctx)}/git/${ref}`,
    object: { sha, type: 'commit', url: `${repoBase(ctx)}/git/commits/${sha}` },
  };
}

/** Wildcard ref params lose a trailing slash; a prefix such as `heads/freshen/` needs it. */
function refParam(ctx: RouteContext): string {
  return ctx.params.ref! + (ctx.url.pathname.endsWith('/') ? '/' : '');
}

function matching(ctx: RouteContext, prefix: string): [string, string][] {
  return [...ctx.repo.refs.entries()].filter(([ref]) => ref.startsWith(`refs/${prefix}`)).sort(([a], [b]) => a.localeCompare(b));
}

function getRef(ctx: RouteContext): Reply {
  const full = `refs/${ctx.params.ref}`;
  const sha = ctx.repo.refs.get(full);
  return sha ? json(200, refJson(ctx, full, sha)) : notFound();
}

/** Legacy GET /git/refs/<ref>: the ref itself, else every ref under that prefix. */
function getRefsLegacy(ctx: RouteContext): Reply {
  const exact = ctx.repo.refs.get(`refs/${ctx.params.ref}`);
  if (exact) return json(200, refJson(ctx, `refs/${ctx.params.ref}`, exact));
  const hits = matching(ctx, `${ctx.params.ref}/`);
  return hits.length > 0 ? paged(ctx, hits, ([r, s]) => refJson(ctx, r, s)) : notFound();
}

/**
 * Without the `workflows` permission GitHub refuses a ref whose commit has workflow files that
 * differ from the default branch (the message is GitHub's; the status code is our best guess).
 */
export function workflowGuard(ctx: RouteContext, sha: string): Reply | null {
  if (ctx.auth.kind !== 'installation') return null;
  if (ctx.sim.installations.get(ctx.auth.installationId)?.permissions.workflows === 'write') return null;
  const workflows = (commit: string | undefined) =>
    new Map(commit ? listFiles(ctx.repo, getCommit(ctx.repo, commit)!.tree).filter((e) => e.path.startsWith('.github/workflows/')).map((e) => [e.path, e.sha]) : []);
  const mine = workflows(sha);
  const theirs = workflows(ctx.repo.refs.get(`refs/heads/${ctx.repo.defaultBranch}`));
  const changed = [...new Set([...mine.keys(), ...theirs.keys()])].find((p) => mine.get(p) !== theirs.get(p));
  return changed ? failed(422, `refusing to allow a GitHub App to create or update workflow \`${changed}\` without \`workflows\` permission`) : null;
}

function createRef(ctx: RouteContext): Reply {
  const ref = str(ctx.body.ref);
  const sha = str(ctx.body.sha);
  if (!ref || !ref.startsWith('refs/') || ref.split('/').length < 3) {
    return failed(422, "Reference name must start with 'refs/' and have at least two slashes.");
  }
  if (!sha || !getCommit(ctx.repo, sha)) return failed(422, 'Object does not exist');
  if (ctx.repo.refs.has(ref)) return failed(422, 'Reference already exists');
  const guarded = workflowGuard(ctx, sha);
  if (guarded) return guarded;
  ctx.repo.refs.set(ref, sha);
  return json(201, refJson(ctx, ref, sha), { location: `${repoBase(ctx)}/git/${ref}` });
}

function updateRef(ctx: RouteContext): Reply {
  const full = `refs/${ctx.params.ref}`;
  const current = ctx.repo.refs.get(full);
  if (!current) return failed(422, 'Reference does not exist');
  const sha = str(ctx.body.sha);
  if (!sha || !getCommit(ctx.repo, sha)) return failed(422, 'Object does not exist');
  if (ctx.body.force !== true && !isAncestor(ctx.repo, current, sha)) return failed(422, 'Update is not a fast forward');
  const guarded = workflowGuard(ctx, sha);
  if (guarded) return guarded;
  ctx.repo.refs.set(full, sha);
  return json(200, refJson(ctx, full, sha));
}

function deleteRef(ctx: RouteContext): Reply {
  const full = `refs/${ctx.params.ref}`;
  const sha = ctx.repo.refs.get(full);
  if (!sha) return failed(422, 'Reference does not exist');
  ctx.repo.refs.delete(full);
  // GitHub closes open pull requests whose head branch is deleted.
  for (const issue of ctx.repo.issues.values()) {
    if (issue.pull && issue.state === 'open' && `refs/heads/${issue.pull.head}` === full) {
      issue.pull.lastHeadSha = sha;
      Object.assign(issue, { state: 'closed', closedAt: ctx.sim.isoNow(), updatedAt: ctx.sim.isoNow() });
    }
  }
  return noContent();
}

/** A tree sha, or anything naming a commit (sha, branch, tag): the tree sha. */
function resolveTree(repo: RepoState, treeish: string): string | null {
  if (repo.objects.get(treeish)?.type === 'tree') return treeish;
  const commit = resolveCommitish(repo, treeish);
  return commit ? getCommit(repo, commit)!.tree : null;
}

function treeReply(ctx: RouteContext, treeSha: string, recursive: boolean, status = 200): Reply {
  const entries = listTree(ctx.repo, treeSha, recursive).map((e) => {
    const obj = ctx.repo.objects.get(e.sha);
    const kind = e.type === 'tree' ? 'trees' : 'blobs';
    const out: Record<string, unknown> = { path: e.path, mode: e.mode, type: e.type, sha: e.sha };
    if (obj?.type === 'blob') out.size = obj.content.length;
    if (e.type !== 'commit') out.url = `${repoBase(ctx)}/git/${kind}/${e.sha}`;
    return out;
  });
  const body = { sha: treeSha, url: `${repoBase(ctx)}/git/trees/${treeSha}`, tree: entries, truncated: false };
  return status === 201 ? json(201, body, { location: body.url }) : json(200, body);
}

function getTree(ctx: RouteContext): Reply {
  const sha = resolveTree(ctx.repo, ctx.params.sha!);
  if (!sha) return notFound();
  const recursive = ctx.query.has('recursive') && !['0', 'false'].includes(ctx.query.get('recursive')!);
  return treeReply(ctx, sha, recursive);
}

function badPath(path: string): boolean {
  return path === '' || path.startsWith('/') || path.endsWith('/') || path.split('/').some((p) => p === '' || p === '.' || p === '..' || p === '.git');
}

function createTree(ctx: RouteContext): Reply {
  const { repo } = ctx;
  const entries = ctx.body.tree;
  if (!Array.isArray(entries)) return failed(422, 'Invalid tree info');
  const baseTree = str(ctx.body.base_tree);
  if (baseTree !== undefined && repo.objects.get(baseTree)?.type !== 'tree') return failed(422, 'base_tree is not a valid tree oid');
  const files = new Map<string, PathEntry>(baseTree ? listFiles(repo, baseTree).map((e) => [e.path, e]) : []);
  for (const raw of entries as Record<string, unknown>[]) {
    const problem = applyTreeEntry(repo, files, raw);
    if (problem) return failed(422, problem);
  }
  return treeReply(ctx, writeTree(repo, [...files.values()]), false, 201);
}

function removeUnder(files: Map<string, PathEntry>, path: string): void {
  for (const key of [...files.keys()]) if (key === path || key.startsWith(`${path}/`)) files.delete(key);
}

/** Applies one POST /git/trees entry to the flat file map; returns an error message or null. */
function applyTreeEntry(repo: RepoState, files: Map<string, PathEntry>, raw: Record<string, unknown>): string | null {
  const path = str(raw.path);
  const mode = str(raw.mode);
  if (!path || badPath(path)) return `tree.path contains a malformed path component: ${JSON.stringify(raw.path)}`;
  if (!mode || !FILE_MODES.has(mode)) return `tree.mode must be one of 100644, 100755, 040000, 160000, 120000 (at ${path})`;
  const type = str(raw.type) ?? (mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob');
  if (raw.sha === null) {
    removeUnder(files, path);
    return null;
  }
  if (typeof raw.content === 'string') {
    if (type !== 'blob') return `tree.content is only allowed for blobs (at ${path})`;
    removeUnder(files, path);
    files.set(path, { path, mode, type: 'blob', sha: writeBlob(repo, Buffer.from(raw.content)) });
    return null;
  }
  const sha = str(raw.sha);
  if (!sha) return `tree.sha or tree.content is required (at ${path})`;
  removeUnder(files, path);
  if (type === 'commit') {
    files.set(path, { path, mode: '160000', type: 'commit', sha });
    return null;
  }
  const obj = repo.objects.get(sha);
  if (obj?.type !== type) return `tree.sha ${sha} is not a valid ${type}`;
  if (type === 'tree') {
    for (const e of listFiles(repo, sha)) files.set(`${path}/${e.path}`, { ...e, path: `${path}/${e.path}` });
    return null;
  }
  files.set(path, { path, mode, type: 'blob', sha });
  return null;
}

function getBlob(ctx: RouteContext): Reply {
  const obj = ctx.repo.objects.get(ctx.params.sha!);
  if (obj?.type !== 'blob') return notFound();
  if (/\.raw\b|\+raw\b/.test(ctx.headers.get('accept') ?? '')) return { status: 200, text: obj.content.toString('utf8') };
  const base64 = obj.content.toString('base64').replace(/.{60}/g, '$&\n');
  return json(200, { sha: ctx.params.sha, node_id: `B_${ctx.params.sha}`, size: obj.content.length, url: `${repoBase(ctx)}/git/blobs/${ctx.params.sha}`, content: base64, encoding: 'base64' });
}

function createBlob(ctx: RouteContext): Reply {
  const content = ctx.body.content;
  const encoding = str(ctx.body.encoding) ?? 'utf-8';
  if (typeof content !== 'string') return failed(422, 'Invalid request.\n\n"content" wasn\'t supplied.');
  if (!['utf-8', 'utf8', 'base64'].includes(encoding)) return failed(422, `encoding must be utf-8 or base64, not ${encoding}`);
  const sha = writeBlob(ctx.repo, Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'));
  const url = `${repoBase(ctx)}/git/blobs/${sha}`;
  return json(201, { sha, url }, { location: url });
}

function identityFrom(ctx: RouteContext, raw: unknown): GitIdentity | null | 'bad' {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object') return 'bad';
  const { name, email, date } = raw as Record<string, unknown>;
  if (typeof name !== 'string' || typeof email !== 'string') return 'bad';
  return { name, email, date: typeof date === 'string' ? date : ctx.sim.isoNow() };
}

function createCommit(ctx: RouteContext): Reply {
  const { repo } = ctx;
  const message = str(ctx.body.message);
  const tree = str(ctx.body.tree);
  const parents = ctx.body.parents ?? [];
  if (message === undefined) return failed(422, 'Invalid request.\n\n"message" wasn\'t supplied.');
  if (!tree || repo.objects.get(tree)?.type !== 'tree') return failed(422, 'Tree SHA does not exist');
  if (!Array.isArray(parents) || parents.some((p) => typeof p !== 'string' || !getCommit(repo, p))) {
    return failed(422, 'Parent SHA does not exist or is not a commit object');
  }
  const author = identityFrom(ctx, ctx.body.author);
  const committer = identityFrom(ctx, ctx.body.committer);
  if (author === 'bad' || committer === 'bad') return failed(422, 'Invalid request.\n\nauthor and committer need name and email.');
  const actor = ctx.sim.identity(ctx.actor ?? ctx.repo.owner.login);
  // GitHub signs commits an app makes through the API when it lets GitHub fill in the identity.
  const verified = ctx.actor !== null && author === null && committer === null;
  const sha = writeCommit(repo, {
    tree, parents: parents as string[], message, verified,
    author: author ?? committer ?? actor, committer: committer ?? author ?? actor,
  });
  return json(201, gitCommitJson(ctx, repo, sha), { location: `${repoBase(ctx)}/git/commits/${sha}` });
}

export const gitRoutes: Route[] = [
  route('GET', '/repos/:owner/:repo/git/ref/*ref', 'repo-read', getRef),
  route('GET', '/repos/:owner/:repo/git/refs', 'repo-read', (ctx) => paged(ctx, matching(ctx, ''), ([r, s]) => refJson(ctx, r, s))),
  route('GET', '/repos/:owner/:repo/git/refs/*ref', 'repo-read', getRefsLegacy),
  route('GET', '/repos/:owner/:repo/git/matching-refs/*ref', 'repo-read', (ctx) => paged(ctx, matching(ctx, refParam(ctx)), ([r, s]) => refJson(ctx, r, s))),
  route('POST', '/repos/:owner/:repo/git/refs', 'repo-write', createRef, 'contents'),
  route('PATCH', '/repos/:owner/:repo/git/refs/*ref', 'repo-write', updateRef, 'contents'),
  route('DELETE', '/repos/:owner/:repo/git/refs/*ref', 'repo-write', deleteRef, 'contents'),
  route('GET', '/repos/:owner/:repo/git/trees/*sha', 'repo-read', getTree),
  route('POST', '/repos/:owner/:repo/git/trees', 'repo-write', createTree, 'contents'),
  route('GET', '/repos/:owner/:repo/git/blobs/:sha', 'repo-read', getBlob),
  route('POST', '/repos/:owner/:repo/git/blobs', 'repo-write', createBlob, 'contents'),
  route('GET', '/repos/:owner/:repo/git/commits/:sha', 'repo-read', (ctx) =>
    getCommit(ctx.repo, ctx.params.sha!) ? json(200, gitCommitJson(ctx, ctx.repo, ctx.params.sha!)) : notFound(),
  ),
  route('POST', '/repos/:owner/:repo/git/commits', 'repo-write', createCommit, 'contents'),
];
