// GET /repos/:owner/:repo/contents/:path — files (base64 or raw), directories, 404s, as Probot's config loader reads them.
import { findPath, getCommit, listTree, resolveCommitish } from '../git-objects.js';
import { failed, json, notFound, route, type Route, type RouteContext } from '../router.js';
import type { PathEntry, Reply } from '../types.js';

const KIND: Record<PathEntry['type'], string> = { blob: 'file', tree: 'dir', commit: 'submodule' };

function entryJson(ctx: RouteContext, ref: string, e: PathEntry): Record<string, unknown> {
  const { repo } = ctx;
  const base = `${ctx.apiBase}/repos/${repo.owner.login}/${repo.name}`;
  const obj = repo.objects.get(e.sha);
  const type = e.mode === '120000' ? 'symlink' : KIND[e.type];
  const html = `${ctx.sim.htmlBase}/${repo.owner.login}/${repo.name}/${e.type === 'tree' ? 'tree' : 'blob'}/${ref}/${e.path}`;
  const url = `${base}/contents/${e.path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${base}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`;
  return {
    type,
    name: e.path.slice(e.path.lastIndexOf('/') + 1),
    path: e.path,
    sha: e.sha,
    size: obj?.type === 'blob' ? obj.content.length : 0,
    url,
    git_url: gitUrl,
    html_url: html,
    download_url: e.type === 'blob' ? `${ctx.sim.htmlBase}/${repo.owner.login}/${repo.name}/raw/${ref}/${e.path}` : null,
    _links: { self: url, git: gitUrl, html },
  };
}

function getContents(ctx: RouteContext): Reply {
  const { repo } = ctx;
  const ref = ctx.query.get('ref') ?? repo.defaultBranch;
  const commit = resolveCommitish(repo, ref);
  if (!commit) return failed(404, `No commit found for the ref ${ref}`);
  const path = (ctx.params.path ?? '').replace(/\/+$/, '');
  const entry = findPath(repo, getCommit(repo, commit)!.tree, path);
  if (!entry) return notFound();
  if (entry.type === 'tree') {
    return json(200, listTree(repo, entry.sha, false, path).map((e) => entryJson(ctx, ref, e)));
  }
  const obj = repo.objects.get(entry.sha);
  if (entry.type === 'commit' || obj?.type !== 'blob') return json(200, entryJson(ctx, ref, entry));
  const accept = ctx.headers.get('accept') ?? '';
  if (/\.raw\b|\+raw\b/.test(accept)) return { status: 200, text: obj.content.toString('utf8') };
  const content = obj.content.toString('base64').replace(/.{60}/g, '$&\n');
  return json(200, { ...entryJson(ctx, ref, entry), encoding: 'base64', content });
}

export const contentRoutes: Route[] = [
  route('GET', '/repos/:owner/:repo/contents', 'repo-read', getContents),
  route('GET', '/repos/:owner/:repo/contents/*path', 'repo-read', getContents),
];
