// Pull requests: list with filters, create, get, update, list commits — numbers shared with issues.
import { getCommit, history } from '../git-objects.js';
import { issueJson, loginJson, repoJson, restCommitJson } from '../json.js';
import { failed, invalid, json, notFound, paginate, paged, route, str, type Route, type RouteContext } from '../router.js';
import type { IssueRecord, RepoState, Reply } from '../types.js';

export const BODY_LIMIT = 65536;

function headSha(repo: RepoState, issue: IssueRecord): string {
  return repo.refs.get(`refs/heads/${issue.pull!.head}`) ?? issue.pull!.lastHeadSha;
}

function aheadCommits(repo: RepoState, issue: IssueRecord): string[] {
  const base = repo.refs.get(`refs/heads/${issue.pull!.base}`) ?? issue.pull!.baseSha;
  const fromBase = new Set(history(repo, base));
  return history(repo, headSha(repo, issue)).filter((s) => !fromBase.has(s)).reverse();
}

function sideJson(ctx: RouteContext, ref: string, sha: string): Record<string, unknown> {
  const { repo } = ctx;
  return { label: `${repo.owner.login}:${ref}`, ref, sha, user: loginJson(ctx, repo.owner.login), repo: repoJson(ctx, repo) };
}

export function pullJson(ctx: RouteContext, issue: IssueRecord): Record<string, unknown> {
  const { repo } = ctx;
  const pull = issue.pull!;
  const base = `${ctx.apiBase}/repos/${repo.owner.login}/${repo.name}`;
  const { pull_request: _ignored, ...asIssue } = issueJson(ctx, repo, issue);
  const commits = aheadCommits(repo, issue).length;
  return {
    ...asIssue,
    url: `${base}/pulls/${issue.number}`,
    issue_url: `${base}/issues/${issue.number}`,
    commits_url: `${base}/pulls/${issue.number}/commits`,
    head: sideJson(ctx, pull.head, headSha(repo, issue)),
    base: sideJson(ctx, pull.base, repo.refs.get(`refs/heads/${pull.base}`) ?? pull.baseSha),
    draft: pull.draft,
    merged: pull.merged,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    mergeable: issue.state === 'open' ? true : null,
    mergeable_state: issue.state === 'open' ? 'clean' : 'unknown',
    maintainer_can_modify: pull.maintainerCanModify,
    auto_merge: null,
    requested_reviewers: [],
    commits,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

function pullOf(ctx: RouteContext): IssueRecord | null {
  const issue = ctx.repo.issues.get(Number(ctx.params.number));
  return issue?.pull ? issue : null;
}

function listPulls(ctx: RouteContext): Reply {
  const state = ctx.query.get('state') ?? 'open';
  const head = ctx.query.get('head');
  const base = ctx.query.get('base');
  let pulls = [...ctx.repo.issues.values()].filter((i) => i.pull && (state === 'all' || i.state === state));
  // Like GitHub, `head` filters only in the `owner:branch` form; a bare branch name is ignored.
  if (head?.includes(':')) {
    const [owner, branch] = head.split(':', 2) as [string, string];
    pulls = pulls.filter((i) => owner.toLowerCase() === ctx.repo.owner.login.toLowerCase() && i.pull!.head === branch);
  }
  if (base) pulls = pulls.filter((i) => i.pull!.base === base);
  const asc = ctx.query.get('direction') === 'asc';
  pulls.sort((a, b) => (asc ? a.number - b.number : b.number - a.number));
  return paged(ctx, pulls, (i) => pullJson(ctx, i));
}

function createPull(ctx: RouteContext): Reply {
  const { repo } = ctx;
  const title = str(ctx.body.title);
  const head = str(ctx.body.head)?.split(':').pop();
  const base = str(ctx.body.base);
  const body = str(ctx.body.body) ?? null;
  if (!title) return invalid('PullRequest', 'title', 'missing_field');
  if (!base || !repo.refs.has(`refs/heads/${base}`)) return invalid('PullRequest', 'base', 'invalid');
  if (!head || !repo.refs.has(`refs/heads/${head}`)) return invalid('PullRequest', 'head', 'invalid');
  if (body && body.length > BODY_LIMIT) return invalid('PullRequest', 'body', 'custom', `body is too long (maximum is ${BODY_LIMIT} characters)`);
  const open = [...repo.issues.values()].find((i) => i.pull && i.state === 'open' && i.pull.head === head && i.pull.base === base);
  if (open) return invalid('PullRequest', 'head', 'custom', `A pull request already exists for ${repo.owner.login}:${head}.`);
  const headCommit = repo.refs.get(`refs/heads/${head}`)!;
  const baseCommit = repo.refs.get(`refs/heads/${base}`)!;
  if (history(repo, baseCommit).includes(headCommit)) return invalid('PullRequest', 'head', 'custom', `No commits between ${base} and ${head}`);
  const issue = ctx.sim.newIssue(repo, ctx.actor ?? repo.owner.login, title, body);
  issue.pull = {
    head, base, lastHeadSha: headCommit, baseSha: baseCommit, merged: false, mergedAt: null, mergeCommitSha: null,
    draft: ctx.body.draft === true, maintainerCanModify: ctx.body.maintainer_can_modify !== false,
  };
  const out = pullJson(ctx, issue);
  return json(201, out, { location: String(out.url) });
}

function updatePull(ctx: RouteContext): Reply {
  const issue = pullOf(ctx);
  if (!issue) return notFound();
  const { title, body, state, base } = ctx.body;
  if (typeof body === 'string' && body.length > BODY_LIMIT) return invalid('PullRequest', 'body', 'custom', `body is too long (maximum is ${BODY_LIMIT} characters)`);
  if (state !== undefined && state !== 'open' && state !== 'closed') return invalid('PullRequest', 'state', 'invalid');
  if (state === 'open' && issue.state === 'closed') {
    if (issue.pull!.merged) return failed(422, 'state cannot be changed. The pull request has been merged.');
    if (!ctx.repo.refs.has(`refs/heads/${issue.pull!.head}`)) return failed(422, 'state cannot be changed. The head branch was deleted.');
  }
  if (typeof base === 'string') {
    if (!ctx.repo.refs.has(`refs/heads/${base}`)) return invalid('PullRequest', 'base', 'invalid');
    issue.pull!.base = base;
  }
  if (typeof title === 'string') issue.title = title;
  if (typeof body === 'string' || body === null) issue.body = body;
  if (state === 'closed' && issue.state === 'open') {
    issue.pull!.lastHeadSha = headSha(ctx.repo, issue);
    issue.closedAt = ctx.sim.isoNow();
  }
  if (state === 'open') issue.closedAt = null;
  if (state === 'open' || state === 'closed') issue.state = state;
  if (typeof ctx.body.maintainer_can_modify === 'boolean') issue.pull!.maintainerCanModify = ctx.body.maintainer_can_modify;
  issue.updatedAt = ctx.sim.isoNow();
  return json(200, pullJson(ctx, issue));
}

function pullCommits(ctx: RouteContext): Reply {
  const issue = pullOf(ctx);
  if (!issue) return notFound();
  const shas = aheadCommits(ctx.repo, issue).filter((s) => getCommit(ctx.repo, s));
  const { page, headers } = paginate(ctx, shas.slice(0, 250));
  return json(200, page.map((s) => restCommitJson(ctx, ctx.repo, s)), headers);
}

export const pullRoutes: Route[] = [
  route('GET', '/repos/:owner/:repo/pulls', 'repo-read', listPulls),
  route('POST', '/repos/:owner/:repo/pulls', 'repo-write', createPull, 'pull_requests'),
  route('GET', '/repos/:owner/:repo/pulls/:number', 'repo-read', (ctx) => {
    const issue = pullOf(ctx);
    return issue ? json(200, pullJson(ctx, issue)) : notFound();
  }),
  route('PATCH', '/repos/:owner/:repo/pulls/:number', 'repo-write', updatePull, 'pull_requests'),
  route('GET', '/repos/:owner/:repo/pulls/:number/commits', 'repo-read', pullCommits),
];
