// Liveness (/healthz), readiness (/readyz) and /metrics over HTTP, for the web server and worker processes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FreshenMetrics } from './metrics.js';

/** One thing the process needs to do its work: Redis reachable, app credentials accepted... */
export interface ReadinessCheck {
  name: string;
  /** Resolves when fine; rejects with a short reason. */
  check(): Promise<void>;
}

export interface HealthRoutes {
  checks: ReadinessCheck[];
  metrics?: FreshenMetrics;
  /** Longest a readiness check may take. */
  timeoutMs?: number;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

export async function readiness(checks: readonly ReadinessCheck[], timeoutMs = 3_000): Promise<Readiness> {
  const results = await Promise.all(checks.map(async (c) => [c.name, await runCheck(c, timeoutMs)] as const));
  return { ready: results.every(([, r]) => r === 'ok'), checks: Object.fromEntries(results) };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([check.check().then(() => 'ok'), timeout]);
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : 'failed';
  } finally {
    clearTimeout(timer);
  }
}

/** Answers the three routes and returns true; returns false for any other request. */
export function healthRoutes(routes: HealthRoutes): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return true;
    }
    if (path === '/readyz') {
      void readiness(routes.checks, routes.timeoutMs).then((result) => {
        res.writeHead(result.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      });
      return true;
    }
    if (path === '/metrics' && routes.metrics) {
      const metrics = routes.metrics;
      metrics.render().then(
        (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}`),
      );
      return true;
    }
    return false;
  };
}

/** A small server with only the health routes: what worker processes expose on HEALTH_PORT. */
export async function startHealthServer(routes: HealthRoutes, port: number, host: string): Promise<Server> {
  const answer = healthRoutes(routes);
  const server = createServer((req, res) => {
    if (!answer(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** Redis answers PING. */
export function redisCheck(redis: { ping(): Promise<string> }): ReadinessCheck {
  return { name: 'redis', check: async () => void (await redis.ping()) };
}

/**
 * The app's credentials work: its JWT can read its own app record (`GET /app`). The answer is
 * kept for `cacheMs` so a probe every few seconds does not spend the app's rate limit.
 */
export function githubAppCheck(getApp: () => Promise<unknown>, cacheMs = 60_000, now = Date.now): ReadinessCheck {
  let okUntil = 0;
  return {
    name: 'github',
    async check() {
      if (now() < okUntil) return;
      try {
        await getApp();
      } catch (err) {
        const status = (err as { status?: number }).status;
        throw new Error(status ? `GET /app answered ${status}: the app id or private key is not accepted` : `GET /app failed: ${(err as Error).message}`);
      }
      okUntil = now() + cacheMs;
    },
  };
}
