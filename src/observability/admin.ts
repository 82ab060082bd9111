// The queue UI (bull-board) at /admin/queues, behind basic auth; not mounted without credentials.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express from 'express';

export const ADMIN_PATH = '/admin/queues';

export interface AdminOptions {
  queues: Queue[];
  user?: string | undefined;
  password?: string | undefined;
  basePath?: string;
}

/** Compares digests so the time taken says nothing about how much of the value matched. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** True when the request's Basic credentials are exactly `user`/`password`. */
export function basicAuthAccepts(header: string | undefined, user: string, password: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Both compared every time, so a wrong user name takes as long as a wrong password.
  const userOk = sameSecret(decoded.slice(0, colon), user);
  const passwordOk = sameSecret(decoded.slice(colon + 1), password);
  return userOk && passwordOk;
}

/**
 * A request handler for the queue UI that returns false for other paths; null (nothing mounted)
 * unless both ADMIN_USER and ADMIN_PASSWORD are set.
 */
export function adminQueuesHandler(options: AdminOptions): ((req: IncomingMessage, res: ServerResponse) => boolean) | null {
  const { user, password } = options;
  if (!user || !password) return null;
  const basePath = options.basePath ?? ADMIN_PATH;
  const serverAdapter = new ExpressAdapter().setBasePath(basePath);
  createBullBoard({ queues: options.queues.map((q) => new BullMQAdapter(q)), serverAdapter });
  const app = express();
  app.disable('x-powered-by');
  app.use(basePath, serverAdapter.getRouter());
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return false;
    if (!basicAuthAccepts(req.headers.authorization, user, password)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="freshen admin", charset="UTF-8"', 'content-type': 'text/plain' }).end('authentication required');
      return true;
    }
    app(req as express.Request, res as express.Response);
    return true;
  };
}
