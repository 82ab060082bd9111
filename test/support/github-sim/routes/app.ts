// App and installation endpoints: /app, installations, access tokens, /installation/repositories, repo lookups.
import { installationJson, repoJson } from '../json.js';
import { failed, json, notFound, paged, paginate, route, type Route, type RouteContext } from '../router.js';
import type { Installation, Reply } from '../types.js';

function appJson(ctx: RouteContext): Record<string, unknown> {
  const { app } = ctx.sim;
  return {
    id: app.id,
    slug: app.slug,
    node_id: `A_${app.id}`,
    name: app.name,
    owner: null,
    description: 'Keeps container base images and dependencies fresh and pinned',
    html_url: `${ctx.sim.htmlBase}/apps/${app.slug}`,
    permissions: { contents: 'write', pull_requests: 'write', issues: 'write', metadata: 'read', actions: 'write', checks: 'write' },
    events: app.events,
    installations_count: ctx.sim.installations.size,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
  };
}

function byAccount(ctx: RouteContext, login: string): Installation | undefined {
  return [...ctx.sim.installations.values()].find((i) => i.account.login.toLowerCase() === login.toLowerCase());
}

function createToken(ctx: RouteContext): Reply {
  const inst = ctx.sim.installations.get(Number(ctx.params.id));
  if (!inst) return notFound();
  const repos = [...ctx.sim.repos.values()].filter((r) => inst.repoIds.has(r.id));
  const names = ctx.body.repositories;
  const ids = ctx.body.repository_ids;
  let narrowed: Set<number> | null = null;
  if (Array.isArray(names) || Array.isArray(ids)) {
    const wanted = repos.filter((r) => (Array.isArray(names) && names.includes(r.name)) || (Array.isArray(ids) && ids.includes(r.id)));
    const asked = (Array.isArray(names) ? names.length : 0) + (Array.isArray(ids) ? ids.length : 0);
    if (wanted.length < asked) return failed(422, 'There is at least one repository that does not exist or is not accessible to the parent installation.');
    narrowed = new Set(wanted.map((r) => r.id));
  }
  const token = ctx.sim.issueToken(inst.id, narrowed);
  const body: Record<string, unknown> = {
    token: token.token,
    expires_at: new Date(token.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    permissions: inst.permissions,
    repository_selection: 'selected',
  };
  if (narrowed) body.repositories = repos.filter((r) => narrowed.has(r.id)).map((r) => repoJson(ctx, r));
  return json(201, body);
}

function installationRepos(ctx: RouteContext): Reply {
  if (ctx.auth.kind !== 'installation') return notFound();
  const { installationId, token } = ctx.auth;
  const inst = ctx.sim.installations.get(installationId)!;
  const repos = [...ctx.sim.repos.values()]
    .filter((r) => inst.repoIds.has(r.id) && (token.repoIds?.has(r.id) ?? true))
    .sort((a, b) => a.id - b.id);
  const { page, headers } = paginate(ctx, repos);
  return json(200, { total_count: repos.length, repository_selection: 'selected', repositories: page.map((r) => repoJson(ctx, r)) }, headers);
}

function repoInstallation(ctx: RouteContext): Reply {
  const repo = ctx.sim.findRepo(ctx.params.owner!, ctx.params.repo!);
  const inst = repo && [...ctx.sim.installations.values()].find((i) => i.repoIds.has(repo.id));
  return inst ? json(200, installationJson(ctx, inst)) : notFound();
}

export const appRoutes: Route[] = [
  route('GET', '/app', 'app', (ctx) => json(200, appJson(ctx))),
  route('GET', '/app/installations', 'app', (ctx) =>
    paged(ctx, [...ctx.sim.installations.values()].sort((a, b) => a.id - b.id), (i) => installationJson(ctx, i)),
  ),
  route('GET', '/app/installations/:id', 'app', (ctx) => {
    const inst = ctx.sim.installations.get(Number(ctx.params.id));
    return inst ? json(200, installationJson(ctx, inst)) : notFound();
  }),
  route('POST', '/app/installations/:id/access_tokens', 'app', createToken),
  route('GET', '/installation/repositories', 'installation', installationRepos),
  route('GET', '/repos/:owner/:repo/installation', 'app', repoInstallation),
  route('GET', '/users/:login/installation', 'app', (ctx) => {
    const inst = byAccount(ctx, ctx.params.login!);
    return inst ? json(200, installationJson(ctx, inst)) : notFound();
  }),
  route('GET', '/orgs/:login/installation', 'app', (ctx) => {
    const inst = byAccount(ctx, ctx.params.login!);
    return inst ? json(200, installationJson(ctx, inst)) : notFound();
  }),
  route('GET', '/repos/:owner/:repo', 'repo-read', (ctx) => json(200, repoJson(ctx, ctx.repo))),
];
