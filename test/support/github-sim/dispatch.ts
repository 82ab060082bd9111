// The request pipeline: auth, limits, routing, access checks, ETags, rate headers and the request log.
import { createHash, randomUUID } from 'node:crypto';
import type { AuthResult } from './auth.js';
import { failed, matchPath, notFound, type Route, type RouteContext } from './router.js';
import { routes } from './routes/index.js';
import type { GitHubSim } from './sim.js';
import type { Auth, RepoState, Reply } from './types.js';

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

function bucketKey(auth: AuthResult): string {
  if (auth.kind === 'installation') return `installation:${auth.installationId}`;
  return auth.kind === 'app' ? 'app' : 'anonymous';
}

export async function handleRequest(sim: GitHubSim, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const onApiV3 = url.pathname === '/api/v3' || url.pathname.startsWith('/api/v3/');
  // GitHub Enterprise serves GraphQL at /api/graphql, beside /api/v3.
  const path = onApiV3 ? url.pathname.slice('/api/v3'.length) || '/' : url.pathname === '/api/graphql' ? '/graphql' : url.pathname;
  const apiBase = url.origin + (onApiV3 ? '/api/v3' : '');
  const method = request.method.toUpperCase();
  const auth = sim.authenticate(request.headers.get('authorization'));
  const installation = auth.kind === 'installation' ? auth.installationId : null;
  const contentCreating = installation !== null && WRITE_METHODS.has(method);
  if (installation !== null) sim.limits.enter(installation);
  try {
    if (sim.latencyMs > 0) await new Promise((r) => setTimeout(r, sim.latencyMs));
    const reply = await answer(sim, request, { url, path, apiBase, method, auth, contentCreating });
    const counted = reply.status !== 304 && !reply.headers?.['retry-after'] && auth.kind !== 'invalid';
    if (counted) sim.limits.count(bucketKey(auth));
    sim.requests.push({
      method, path, query: url.search, installation, status: reply.status, counted,
      contentCreating: contentCreating && counted, unhandled: reply.unhandled === true, at: sim.now(),
    });
    return toResponse(reply, { ...sim.limits.headers(bucketKey(auth)), 'x-github-request-id': randomUUID() });
  } finally {
    if (installation !== null) sim.limits.leave(installation);
  }
}

interface Incoming {
  url: URL;
  path: string;
  apiBase: string;
  method: string;
  auth: AuthResult;
  contentCreating: boolean;
}

async function answer(sim: GitHubSim, request: Request, inc: Incoming): Promise<Reply> {
  const { auth } = inc;
  if (auth.kind === 'invalid') return failed(401, auth.message);
  if (auth.kind === 'installation') {
    const wait = sim.limits.secondaryRetryAfter(auth.installationId, inc.contentCreating);
    if (wait !== null) {
      sim.secondaryLimitAnswers += 1;
      const reply = failed(403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.');
      return { ...reply, headers: { 'retry-after': String(wait) } };
    }
  }
  if (sim.limits.exhausted(bucketKey(auth))) {
    const who = auth.kind === 'installation' ? `installation ID ${auth.installationId}` : auth.kind;
    return { ...failed(403, `API rate limit exceeded for ${who}.`), headers: { 'retry-after': '60' } };
  }
  const found = findRoute(inc.method, inc.path);
  if (!found) {
    return { ...failed(404, `Not Found (github-sim has no route for ${inc.method} ${inc.path})`), unhandled: true };
  }
  const ctx = await buildContext(sim, request, inc, auth, found.params);
  if ('status' in ctx) return ctx;
  const denied = checkAccess(sim, found.route, ctx);
  if (denied) return denied;
  const reply = await found.route.handler(ctx);
  return withEtag(inc.method, request, reply);
}

function findRoute(method: string, path: string): { route: Route; params: Record<string, string> } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchPath(route.pattern, path);
    if (params) return { route, params };
  }
  return null;
}

async function buildContext(sim: GitHubSim, request: Request, inc: Incoming, auth: Auth, params: Record<string, string>): Promise<RouteContext | Reply> {
  const text = inc.method === 'GET' || inc.method === 'HEAD' ? '' : await request.text();
  let rawBody: unknown = {};
  if (text.trim() !== '') {
    try {
      rawBody = JSON.parse(text);
    } catch {
      return failed(400, 'Problems parsing JSON');
    }
  }
  const body = rawBody && typeof rawBody === 'object' && !Array.isArray(rawBody) ? (rawBody as Record<string, unknown>) : {};
  return {
    sim, params, query: inc.url.searchParams, body, rawBody, headers: request.headers, auth,
    repo: undefined as unknown as RepoState, apiBase: inc.apiBase, url: inc.url,
    actor: auth.kind === 'installation' ? sim.botLogin : null,
  };
}

/** Sets ctx.repo for /repos/:owner/:repo routes; answers like GitHub when the caller may not. */
function checkAccess(sim: GitHubSim, route: Route, ctx: RouteContext): Reply | null {
  const { auth } = ctx;
  if (route.access === 'any') return null;
  if (route.access === 'app') return auth.kind === 'app' ? null : failed(401, 'A JSON web token could not be decoded');
  if (route.access === 'installation') {
    return auth.kind === 'installation' ? null : failed(403, 'You must authenticate with an installation access token in order to use this endpoint.');
  }
  const repo = sim.findRepo(ctx.params.owner ?? '', ctx.params.repo ?? '');
  if (!repo) return notFound();
  ctx.repo = repo;
  const reading = route.access === 'repo-read';
  if (auth.kind === 'installation') {
    const inst = sim.installations.get(auth.installationId);
    const granted = inst?.repoIds.has(repo.id) === true && (auth.token.repoIds?.has(repo.id) ?? true);
    if (granted) return lacksPermission(route, inst!.permissions);
    if (!repo.private) return reading ? null : failed(403, 'Resource not accessible by integration');
    return notFound();
  }
  if (auth.kind === 'app') return failed(403, 'Resource not accessible by integration');
  if (!repo.private) return reading ? null : failed(401, 'Requires authentication');
  return notFound();
}

/** Why this caller may not write to `repo` with `permission` ('not found' when it may not even see it), or null. */
export function repoAccessError(sim: GitHubSim, auth: Auth, repo: RepoState, permission: string): string | null {
  const ctx = { auth, params: { owner: repo.owner.login, repo: repo.name } } as unknown as RouteContext;
  const denied = checkAccess(sim, { method: 'POST', pattern: '', access: 'repo-write', permission, handler: () => ({ status: 204 }) }, ctx);
  if (!denied) return null;
  return denied.status === 404 ? 'not found' : String((denied.body as { message?: string }).message);
}

function lacksPermission(route: Route, permissions: Record<string, string>): Reply | null {
  if (!route.permission) return null;
  if (route.permission.split('|').some((p) => permissions[p] === 'write')) return null;
  return failed(403, 'Resource not accessible by integration');
}

/** GitHub sends an ETag on GETs and answers a matching If-None-Match with 304 (not rate counted). */
function withEtag(method: string, request: Request, reply: Reply): Reply {
  if (method !== 'GET' || reply.status !== 200) return reply;
  const payload = reply.bytes ?? reply.text ?? JSON.stringify(reply.body ?? null);
  const etag = `W/"${createHash('sha1').update(payload).digest('hex')}"`;
  const sent = request.headers.get('if-none-match');
  const matches = sent?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag.replace(/^W\//, '')) === true;
  if (matches) return { status: 304, headers: { ...reply.headers, etag } };
  return { ...reply, headers: { ...reply.headers, etag } };
}

function toResponse(reply: Reply, base: Record<string, string>): Response {
  const headers = new Headers({ ...base, ...reply.headers });
  if (reply.status === 204 || reply.status === 304) return new Response(null, { status: reply.status, headers });
  if (reply.bytes !== undefined) {
    if (!headers.has('content-type')) headers.set('content-type', 'application/octet-stream');
    return new Response(new Uint8Array(reply.bytes), { status: reply.status, headers });
  }
  if (reply.text !== undefined) {
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
    return new Response(reply.text, { status: reply.status, headers });
  }
  headers.set('content-type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(reply.body ?? {}), { status: reply.status, headers });
}
