// Issues (PRs included, as on GitHub), comments, labels and reactions.
import { commentJson, issueJson, labelJson, reactionJson } from '../json.js';
import { failed, invalid, json, noContent, notFound, paged, route, str, type Route, type RouteContext } from '../router.js';
import type { CommentRecord, IssueRecord, ReactionContent, ReactionRecord, RepoState, Reply } from '../types.js';
import { BODY_LIMIT } from './pulls.js';

const REACTIONS = new Set<string>(['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes']);
const WRITE = 'issues|pull_requests';

function issueOf(ctx: RouteContext): IssueRecord | null {
  return ctx.repo.issues.get(Number(ctx.params.number)) ?? null;
}

function commentOf(ctx: RouteContext): CommentRecord | null {
  return ctx.repo.comments.get(Number(ctx.params.id)) ?? null;
}

function tooLong(resource: string, body: unknown): Reply | null {
  if (typeof body !== 'string' || body.length <= BODY_LIMIT) return null;
  return invalid(resource, 'body', 'custom', `body is too long (maximum is ${BODY_LIMIT} characters)`);
}

/** Labels named on an issue are created in the repo when missing, as GitHub does. */
function ensureLabels(ctx: RouteContext, names: string[]): void {
  for (const name of names) {
    if (!ctx.repo.labels.has(name)) ctx.repo.labels.set(name, { id: ctx.sim.nextId(), name, color: 'ededed', description: null });
  }
}

function labelNames(raw: unknown): string[] | null {
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' && Array.isArray((raw as { labels?: unknown }).labels) ? (raw as { labels: unknown[] }).labels : null;
  if (!list) return null;
  const names = list.map((l) => (typeof l === 'string' ? l : typeof l === 'object' && l && 'name' in l ? String((l as { name: unknown }).name) : null));
  return names.every((n): n is string => typeof n === 'string' && n.length > 0) ? names : null;
}

function listIssues(ctx: RouteContext): Reply {
  const state = ctx.query.get('state') ?? 'open';
  const creator = ctx.query.get('creator')?.toLowerCase();
  const labels = ctx.query.get('labels')?.split(',').map((l) => l.trim()).filter(Boolean) ?? [];
  const since = ctx.query.get('since');
  let issues = [...ctx.repo.issues.values()].filter((i) => state === 'all' || i.state === state);
  if (creator) issues = issues.filter((i) => i.user.toLowerCase() === creator);
  if (labels.length > 0) issues = issues.filter((i) => labels.every((l) => i.labels.includes(l)));
  if (since) issues = issues.filter((i) => i.updatedAt >= since);
  const asc = ctx.query.get('direction') === 'asc';
  const key = ctx.query.get('sort') === 'updated' ? (i: IssueRecord) => i.updatedAt : (i: IssueRecord) => String(i.number).padStart(10, '0');
  issues.sort((a, b) => (asc ? key(a).localeCompare(key(b)) : key(b).localeCompare(key(a))));
  return paged(ctx, issues, (i) => issueJson(ctx, ctx.repo, i));
}

function createIssue(ctx: RouteContext): Reply {
  const title = str(ctx.body.title);
  if (!title) return invalid('Issue', 'title', 'missing_field');
  const long = tooLong('Issue', ctx.body.body);
  if (long) return long;
  const issue = ctx.sim.newIssue(ctx.repo, ctx.actor ?? ctx.repo.owner.login, title, str(ctx.body.body) ?? null);
  const names = ctx.body.labels === undefined ? [] : labelNames(ctx.body.labels);
  if (!names) return invalid('Issue', 'labels', 'invalid');
  ensureLabels(ctx, names);
  issue.labels = [...new Set(names)];
  const out = issueJson(ctx, ctx.repo, issue);
  return json(201, out, { location: String(out.url) });
}

function updateIssue(ctx: RouteContext): Reply {
  const issue = issueOf(ctx);
  if (!issue) return notFound();
  const { title, body, state } = ctx.body;
  const long = tooLong('Issue', body);
  if (long) return long;
  if (state !== undefined && state !== 'open' && state !== 'closed') return invalid('Issue', 'state', 'invalid');
  if (ctx.body.labels !== undefined) {
    const names = labelNames(ctx.body.labels);
    if (!names) return invalid('Issue', 'labels', 'invalid');
    ensureLabels(ctx, names);
    issue.labels = [...new Set(names)];
  }
  if (typeof title === 'string') issue.title = title;
  if (typeof body === 'string' || body === null) issue.body = body;
  if (state === 'closed' && issue.state === 'open') {
    issue.closedAt = ctx.sim.isoNow();
    issue.stateReason = str(ctx.body.state_reason) ?? 'completed';
  }
  if (state === 'open' && issue.state === 'closed') Object.assign(issue, { closedAt: null, stateReason: 'reopened' });
  if (state === 'open' || state === 'closed') issue.state = state;
  issue.updatedAt = ctx.sim.isoNow();
  return json(200, issueJson(ctx, ctx.repo, issue));
}

function createComment(ctx: RouteContext): Reply {
  const issue = issueOf(ctx);
  if (!issue) return notFound();
  const body = str(ctx.body.body);
  if (!body) return invalid('IssueComment', 'body', 'missing_field');
  const long = tooLong('IssueComment', body);
  if (long) return long;
  const record = ctx.sim.newComment(ctx.repo, issue.number, ctx.actor ?? ctx.repo.owner.login, body);
  issue.updatedAt = record.createdAt;
  const out = commentJson(ctx, ctx.repo, record);
  return json(201, out, { location: String(out.url) });
}

function updateComment(ctx: RouteContext): Reply {
  const comment = commentOf(ctx);
  if (!comment) return notFound();
  const body = str(ctx.body.body);
  if (!body) return invalid('IssueComment', 'body', 'missing_field');
  const long = tooLong('IssueComment', body);
  if (long) return long;
  Object.assign(comment, { body, updatedAt: ctx.sim.isoNow() });
  return json(200, commentJson(ctx, ctx.repo, comment));
}

function issueLabelsReply(ctx: RouteContext, issue: IssueRecord): Reply {
  return json(200, issue.labels.map((n) => labelJson(ctx, ctx.repo, ctx.repo.labels.get(n)!)));
}

function changeLabels(ctx: RouteContext, replace: boolean): Reply {
  const issue = issueOf(ctx);
  if (!issue) return notFound();
  const names = labelNames(ctx.rawBody);
  if (!names) return invalid('Label', 'labels', 'invalid');
  ensureLabels(ctx, names);
  issue.labels = [...new Set([...(replace ? [] : issue.labels), ...names])];
  issue.updatedAt = ctx.sim.isoNow();
  return issueLabelsReply(ctx, issue);
}

function removeLabel(ctx: RouteContext): Reply {
  const issue = issueOf(ctx);
  if (!issue) return notFound();
  if (!issue.labels.includes(ctx.params.name!)) return failed(404, 'Label does not exist');
  issue.labels = issue.labels.filter((l) => l !== ctx.params.name);
  return issueLabelsReply(ctx, issue);
}

function createLabel(ctx: RouteContext): Reply {
  const name = str(ctx.body.name);
  if (!name) return invalid('Label', 'name', 'missing_field');
  if (ctx.repo.labels.has(name)) return invalid('Label', 'name', 'already_exists');
  const label = { id: ctx.sim.nextId(), name, color: str(ctx.body.color) ?? 'ededed', description: str(ctx.body.description) ?? null };
  ctx.repo.labels.set(name, label);
  return json(201, labelJson(ctx, ctx.repo, label));
}

function react(ctx: RouteContext, target: ReactionRecord['target'], exists: boolean): Reply {
  if (!exists) return notFound();
  const content = str(ctx.body.content);
  if (!content || !REACTIONS.has(content)) return invalid('Reaction', 'content', 'invalid');
  const user = ctx.actor ?? ctx.repo.owner.login;
  const same = (r: ReactionRecord) => r.user === user && r.content === content && JSON.stringify(r.target) === JSON.stringify(target);
  const existing = ctx.repo.reactions.find(same);
  if (existing) return json(200, reactionJson(ctx, existing));
  const record: ReactionRecord = { id: ctx.sim.nextId(), user, content: content as ReactionContent, createdAt: ctx.sim.isoNow(), target };
  ctx.repo.reactions.push(record);
  return json(201, reactionJson(ctx, record));
}

function reactionsOf(ctx: RouteContext, repo: RepoState, target: ReactionRecord['target']): Reply {
  const key = JSON.stringify(target);
  return paged(ctx, repo.reactions.filter((r) => JSON.stringify(r.target) === key), (r) => reactionJson(ctx, r));
}

const P = '/repos/:owner/:repo';
export const issueRoutes: Route[] = [
  route('GET', `${P}/issues`, 'repo-read', listIssues),
  route('POST', `${P}/issues`, 'repo-write', createIssue, 'issues'),
  route('GET', `${P}/issues/comments`, 'repo-read', (ctx) => paged(ctx, [...ctx.repo.comments.values()], (c) => commentJson(ctx, ctx.repo, c))),
  route('GET', `${P}/issues/comments/:id`, 'repo-read', (ctx) => {
    const c = commentOf(ctx);
    return c ? json(200, commentJson(ctx, ctx.repo, c)) : notFound();
  }),
  route('PATCH', `${P}/issues/comments/:id`, 'repo-write', updateComment, WRITE),
  route('DELETE', `${P}/issues/comments/:id`, 'repo-write', (ctx) => (ctx.repo.comments.delete(Number(ctx.params.id)) ? noContent() : notFound()), WRITE),
  route('GET', `${P}/issues/comments/:id/reactions`, 'repo-read', (ctx) => reactionsOf(ctx, ctx.repo, { commentId: Number(ctx.params.id) })),
  route('POST', `${P}/issues/comments/:id/reactions`, 'repo-write', (ctx) => react(ctx, { commentId: Number(ctx.params.id) }, commentOf(ctx) !== null), WRITE),
  route('GET', `${P}/issues/:number`, 'repo-read', (ctx) => {
    const i = issueOf(ctx);
    return i ? json(200, issueJson(ctx, ctx.repo, i)) : notFound();
  }),
  route('PATCH', `${P}/issues/:number`, 'repo-write', updateIssue, WRITE),
  route('GET', `${P}/issues/:number/comments`, 'repo-read', (ctx) => {
    const issue = issueOf(ctx);
    if (!issue) return notFound();
    const since = ctx.query.get('since');
    const list = [...ctx.repo.comments.values()].filter((c) => c.issueNumber === issue.number && (!since || c.updatedAt >= since));
    return paged(ctx, list, (c) => commentJson(ctx, ctx.repo, c));
  }),
  route('POST', `${P}/issues/:number/comments`, 'repo-write', createComment, WRITE),
  route('GET', `${P}/issues/:number/labels`, 'repo-read', (ctx) => {
    const issue = issueOf(ctx);
    return issue ? issueLabelsReply(ctx, issue) : notFound();
  }),
  route('POST', `${P}/issues/:number/labels`, 'repo-write', (ctx) => changeLabels(ctx, false), WRITE),
  route('PUT', `${P}/issues/:number/labels`, 'repo-write', (ctx) => changeLabels(ctx, true), WRITE),
  route('DELETE', `${P}/issues/:number/labels/:name`, 'repo-write', removeLabel, WRITE),
  route('GET', `${P}/issues/:number/reactions`, 'repo-read', (ctx) => reactionsOf(ctx, ctx.repo, { issueNumber: Number(ctx.params.number) })),
  route('POST', `${P}/issues/:number/reactions`, 'repo-write', (ctx) => react(ctx, { issueNumber: Number(ctx.params.number) }, issueOf(ctx) !== null), WRITE),
  route('GET', `${P}/labels`, 'repo-read', (ctx) => paged(ctx, [...ctx.repo.labels.values()], (l) => labelJson(ctx, ctx.repo, l))),
  route('GET', `${P}/labels/:name`, 'repo-read', (ctx) => {
    const label = ctx.repo.labels.get(ctx.params.name!);
    return label ? json(200, labelJson(ctx, ctx.repo, label)) : notFound();
  }),
  route('POST', `${P}/labels`, 'repo-write', createLabel, WRITE),
];
