// Commit history, single commits, compare and branches (the REST views over the git objects).
import { getCommit, history, listFiles, mergeBase, resolveCommitish } from '../git-objects.js';
import { restCommitJson } from '../json.js';
import { failed, json, notFound, paginate, paged, route, type Route, type RouteContext } from '../router.js';
import type { RepoState, Reply } from '../types.js';

/** Files changed between two trees, in GitHub's `files` shape (no patch text). */
function diffFiles(repo: RepoState, fromTree: string | null, toTree: string): Record<string, unknown>[] {
  const before = new Map(fromTree ? listFiles(repo, fromTree).map((e) => [e.path, e.sha]) : []);
  const after = new Map(listFiles(repo, toTree).map((e) => [e.path, e.sha]));
  const out: Record<string, unknown>[] = [];
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const a = before.get(path);
    const b = after.get(path);
    if (a === b) continue;
    const status = a === undefined ? 'added' : b === undefined ? 'removed' : 'modified';
    out.push({ filename: path, status, sha: b ?? a, additions: 0, deletions: 0, changes: 0 });
  }
  return out;
}

function parentTree(repo: RepoState, sha: string): string | null {
  const parent = getCommit(repo, sha)!.parents[0];
  return parent ? getCommit(repo, parent)!.tree : null;
}

function touches(repo: RepoState, sha: string, path: string): boolean {
  return diffFiles(repo, parentTree(repo, sha), getCommit(repo, sha)!.tree).some((f) => {
    const name = String(f.filename);
    return name === path || name.startsWith(`${path}/`);
  });
}

function listCommits(ctx: RouteContext): Reply {
  const { repo } = ctx;
  const start = ctx.query.get('sha') ?? repo.defaultBranch;
  const head = resolveCommitish(repo, start);
  if (!head) return failed(404, `No commit found for SHA: ${start}`);
  let shas = history(repo, head);
  const path = ctx.query.get('path');
  if (path) shas = shas.filter((s) => touches(repo, s, path.replace(/^\/+/, '')));
  const author = ctx.query.get('author')?.toLowerCase();
  if (author) {
    shas = shas.filter((s) => {
      const c = getCommit(repo, s)!;
      return c.author.email.toLowerCase() === author || ctx.sim.loginForEmail(c.author.email)?.toLowerCase() === author;
    });
  }
  return paged(ctx, shas, (s) => restCommitJson(ctx, repo, s));
}

function getOneCommit(ctx: RouteContext): Reply {
  const { repo } = ctx;
  const sha = resolveCommitish(repo, ctx.params.ref!);
  if (!sha) return failed(422, `No commit found for SHA: ${ctx.params.ref}`);
  if ((ctx.headers.get('accept') ?? '').includes('application/vnd.github.sha')) return { status: 200, text: sha, headers: { 'content-type': 'application/vnd.github.sha; charset=utf-8' } };
  const commit = getCommit(repo, sha)!;
  const files = diffFiles(repo, parentTree(repo, sha), commit.tree);
  const stats = { total: 0, additions: 0, deletions: 0 };
  return json(200, { ...restCommitJson(ctx, repo, sha), files, stats });
}

/** `owner:branch` or `owner:repo:branch` name the head in another repo; we only know this one. */
function stripOwner(side: string): string {
  const parts = side.split(':');
  return parts[parts.length - 1]!;
}

function compare(ctx: RouteContext): Reply {
  const { repo } = ctx;
  const spec = ctx.params.basehead!;
  const sep = spec.includes('...') ? '...' : '..';
  const [baseName, headName] = spec.split(sep) as [string, string | undefined];
  if (headName === undefined) return notFound();
  const base = resolveCommitish(repo, stripOwner(baseName));
  const head = resolveCommitish(repo, stripOwner(headName));
  if (!base || !head) return notFound();
  const fromBase = new Set(history(repo, base));
  const fromHead = new Set(history(repo, head));
  const ahead = history(repo, head).filter((s) => !fromBase.has(s)).reverse();
  const behind = history(repo, base).filter((s) => !fromHead.has(s));
  const status = base === head ? 'identical' : behind.length === 0 ? 'ahead' : ahead.length === 0 ? 'behind' : 'diverged';
  const mb = mergeBase(repo, base, head);
  const html = `${ctx.sim.htmlBase}/${repo.owner.login}/${repo.name}/compare/${spec}`;
  const { page, headers } = paginate(ctx, ahead, 250);
  return json(200, {
    url: `${ctx.apiBase}/repos/${repo.owner.login}/${repo.name}/compare/${spec}`,
    html_url: html,
    permalink_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    status,
    ahead_by: ahead.length,
    behind_by: behind.length,
    total_commits: ahead.length,
    base_commit: restCommitJson(ctx, repo, base),
    merge_base_commit: mb ? restCommitJson(ctx, repo, mb) : null,
    commits: page.map((s) => restCommitJson(ctx, repo, s)),
    files: diffFiles(repo, mb ? getCommit(repo, mb)!.tree : null, getCommit(repo, head)!.tree),
  }, headers);
}

function branchJson(ctx: RouteContext, name: string, sha: string): Record<string, unknown> {
  const { repo } = ctx;
  return {
    name,
    commit: restCommitJson(ctx, repo, sha),
    protected: false,
    protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${ctx.apiBase}/repos/${repo.owner.login}/${repo.name}/branches/${name}/protection`,
    _links: {
      self: `${ctx.apiBase}/repos/${repo.owner.login}/${repo.name}/branches/${name}`,
      html: `${ctx.sim.htmlBase}/${repo.owner.login}/${repo.name}/tree/${name}`,
    },
  };
}

function getBranch(ctx: RouteContext): Reply {
  const sha = ctx.repo.refs.get(`refs/heads/${ctx.params.branch}`);
  return sha ? json(200, branchJson(ctx, ctx.params.branch!, sha)) : failed(404, 'Branch not found');
}

function listBranches(ctx: RouteContext): Reply {
  const heads = [...ctx.repo.refs.entries()].filter(([r]) => r.startsWith('refs/heads/')).sort(([a], [b]) => a.localeCompare(b));
  return paged(ctx, heads, ([ref, sha]) => ({
    name: ref.slice('refs/heads/'.length),
    commit: { sha, url: `${ctx.apiBase}/repos/${ctx.repo.owner.login}/${ctx.repo.name}/commits/${sha}` },
    protected: false,
  }));
}

export const commitRoutes: Route[] = [
  route('GET', '/repos/:owner/:repo/commits', 'repo-read', listCommits),
  route('GET', '/repos/:owner/:repo/commits/*ref', 'repo-read', getOneCommit),
  route('GET', '/repos/:owner/:repo/compare/*basehead', 'repo-read', compare),
  route('GET', '/repos/:owner/:repo/branches', 'repo-read', listBranches),
  route('GET', '/repos/:owner/:repo/branches/*branch', 'repo-read', getBranch),
];
