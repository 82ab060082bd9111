// Route table, path matching and GitHub-shaped replies (errors, pagination) for the simulation.
import type { Auth, RepoState, Reply } from './types.js';
import type { GitHubSim } from './sim.js';

/**
 * Who may call a route. `app`: app JWT. `installation`: an installation token. `repo-read` /
 * `repo-write`: an installation token whose installation has the repo (public repos are readable
 * by anyone). `any`: no check.
 */
export type Access = 'app' | 'installation' | 'repo-read' | 'repo-write' | 'any';

export interface RouteContext {
  sim: GitHubSim;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** The raw JSON body when it is not an object (POST /issues/:n/labels accepts an array). */
  rawBody: unknown;
  headers: Headers;
  auth: Auth;
  /** Set for /repos/:owner/:repo/... routes after the access check. */
  repo: RepoState;
  /** Base of API URLs as the client reached us, e.g. http://127.0.0.1:1234/api/v3. */
  apiBase: string;
  /** The full request URL (for Link headers). */
  url: URL;
  /** Login of the caller: the app's bot for installation tokens, null otherwise. */
  actor: string | null;
}

export interface Route {
  method: string;
  pattern: string;
  access: Access;
  handler: (ctx: RouteContext) => Reply | Promise<Reply>;
  /** Installation permission a write needs (`contents`, `issues`...): 403 without it. */
  permission?: string;
}

export function route(method: string, pattern: string, access: Access, handler: Route['handler'], permission?: string): Route {
  return permission ? { method, pattern, access, handler, permission } : { method, pattern, access, handler };
}

/** `:name` matches one segment, `*name` the rest of the path (at least one segment). */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith('*')) {
      if (got.length <= i) return null;
      params[w.slice(1)] = got.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const g = got[i];
    if (g === undefined) return null;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(g);
    else if (w !== g) return null;
  }
  return got.length === want.length ? params : null;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

export function noContent(): Reply {
  return { status: 204 };
}

export function notFound(): Reply {
  return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
}

export function failed(status: number, message: string): Reply {
  return json(status, { message, documentation_url: 'https://docs.github.com/rest' });
}

/** GitHub's 422 "Validation Failed" with one error entry. */
export function invalid(resource: string, field: string, code: string, message?: string): Reply {
  const error: Record<string, string> = { resource, field, code };
  if (message) error.message = message;
  return json(422, {
    message: 'Validation Failed',
    errors: [error],
    documentation_url: 'https://docs.github.com/rest',
  });
}

/** Slices a list by `page`/`per_page` (max 100) and adds GitHub's `Link` header. */
export function paginate<T>(ctx: RouteContext, items: T[], defaultPerPage = 30): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get('per_page')) || defaultPerPage));
  const pageNo = Math.max(1, Number(ctx.query.get('page')) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const page = items.slice((pageNo - 1) * perPage, pageNo * perPage);
  const link = (n: number, rel: string): string => {
    const u = new URL(ctx.url);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(n));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (pageNo > 1) links.push(link(pageNo - 1, 'prev'), link(1, 'first'));
  if (pageNo < last) links.push(link(pageNo + 1, 'next'), link(last, 'last'));
  return { page, headers: links.length > 0 ? { link: links.join(', ') } : {} };
}

export function paged<T>(ctx: RouteContext, items: T[], render: (item: T) => unknown): Reply {
  const { page, headers } = paginate(ctx, items);
  return json(200, page.map(render), headers);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
