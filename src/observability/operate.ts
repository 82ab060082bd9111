// What an operator sees of one process: health and readiness, metrics, the queue UI, registry counting.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Queue } from 'bullmq';
import type { ScanContextFactory } from '../jobs/scan-repo.js';
import { adminQueuesHandler } from './admin.js';
import { githubAppCheck, healthRoutes, redisCheck, startHealthServer, type ReadinessCheck } from './health.js';
import { countLookups } from './instrument.js';
import type { FreshenMetrics } from './metrics.js';

export interface OperationsInput {
  metrics: FreshenMetrics;
  queue: Queue;
  /** A connection to ping for readiness. */
  redis: { ping(): Promise<string> };
  /** Calls `GET /app` with the app's JWT. */
  getApp: () => Promise<unknown>;
  adminUser?: string | undefined;
  adminPassword?: string | undefined;
}

export interface Operations {
  checks: ReadinessCheck[];
  /** /healthz, /readyz, /metrics and (when configured) /admin/queues; false for other requests. */
  routes: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** The health routes alone on their own port, for worker processes. */
  startHealthServer(port: number, host: string): Promise<Server>;
}

export function operations(input: OperationsInput): Operations {
  input.metrics.watchQueue(input.queue);
  const checks = [redisCheck(input.redis), githubAppCheck(input.getApp)];
  const health = healthRoutes({ checks, metrics: input.metrics });
  const admin = adminQueuesHandler({ queues: [input.queue], user: input.adminUser, password: input.adminPassword });
  return {
    checks,
    routes: (req, res) => health(req, res) || (admin?.(req, res) ?? false),
    startHealthServer: (port, host) => startHealthServer({ checks, metrics: input.metrics }, port, host),
  };
}

/** The scan context with its image lookups counted (cache hits and misses). */
export function countedScanContext(factory: ScanContextFactory, metrics: FreshenMetrics): ScanContextFactory {
  return (input) => {
    const context = factory(input);
    return { ...context, images: countLookups(context.images, metrics) };
  };
}
