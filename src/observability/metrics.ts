// Prometheus metrics (/metrics): jobs, scans, registry and GitHub traffic, PRs, dispatches, queue depth.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { rateLimitResourceLabel, registryHostLabel, statusLabel } from './metric-labels.js';

/** What the queue-depth gauge asks at scrape time (a BullMQ Queue fits). */
export interface QueueCounts {
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

export type JobOutcome = 'completed' | 'failed' | 'retried';
export type PrAction = 'opened' | 'updated' | 'closed';

export interface FreshenMetrics {
  readonly registry: Registry;
  job(type: string, outcome: JobOutcome): void;
  scanSeconds(seconds: number): void;
  registryResponse(host: string, status: number | 'error'): void;
  lookup(result: 'hit' | 'miss'): void;
  githubResponse(method: string, status: number | 'error'): void;
  githubRateLimit(resource: string, remaining: number): void;
  pullRequests(action: PrAction, count: number): void;
  rebuildDispatch(kind: string, result: 'accepted' | 'refused'): void;
  /** Reports this queue's depth at each scrape. */
  watchQueue(queue: QueueCounts): void;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop, GC): on by default. */
  processMetrics?: boolean;
  /**
   * Registry hosts the app's settings name (configuredRegistryHosts): they and the public
   * registries get their own `host` label; every other host counts as `other`.
   */
  registryHosts?: readonly string[];
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

/** One registry per process (never prom-client's global one, so tests can make several). */
export function createMetrics(options: MetricsOptions = {}): FreshenMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'freshen_' });
  const registers = [registry];
  const hostLabel = registryHostLabel(options.registryHosts ?? []);
  const jobs = new Counter({ name: 'freshen_jobs_total', help: 'Jobs finished, by type and outcome (completed, failed, retried).', labelNames: ['type', 'outcome'], registers });
  const scans = new Histogram({
    name: 'freshen_scan_duration_seconds',
    help: 'Time one repository scan job took, from start to finish.',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  });
  const registryRequests = new Counter({ name: 'freshen_registry_requests_total', help: 'HTTP requests to container registries, by host and status.', labelNames: ['host', 'status'], registers });
  const lookups = new Counter({ name: 'freshen_lookup_cache_total', help: 'Image lookups answered from the cache (hit) or by a registry (miss).', labelNames: ['result'], registers });
  new Gauge({
    name: 'freshen_lookup_cache_hit_ratio',
    help: 'Share of image lookups answered from the cache since start.',
    registers,
    async collect() {
      const values = (await lookups.get()).values;
      const hits = values.find((v) => v.labels.result === 'hit')?.value ?? 0;
      const total = values.reduce((sum, v) => sum + v.value, 0);
      this.set(total === 0 ? 0 : hits / total);
    },
  });
  const githubRequests = new Counter({ name: 'freshen_github_requests_total', help: 'GitHub API requests, by method and status.', labelNames: ['method', 'status'], registers });
  const rateLimit = new Gauge({ name: 'freshen_github_rate_limit_remaining', help: 'Requests left in the current GitHub rate-limit window, as last reported.', labelNames: ['resource'], registers });
  const prs = new Counter({ name: 'freshen_pull_requests_total', help: 'Pull requests opened, updated and closed by Freshen.', labelNames: ['action'], registers });
  const dispatches = new Counter({ name: 'freshen_rebuild_dispatches_total', help: 'Rebuild dispatches sent, by kind and whether GitHub accepted them.', labelNames: ['kind', 'result'], registers });
  let queue: QueueCounts | undefined;
  new Gauge({
    name: 'freshen_queue_jobs',
    help: 'Jobs in the queue, by state.',
    labelNames: ['state'],
    registers,
    async collect() {
      if (!queue) return;
      const counts = await queue.getJobCounts(...QUEUE_STATES);
      for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  return {
    registry,
    contentType: registry.contentType,
    job: (type, outcome) => jobs.inc({ type, outcome }),
    scanSeconds: (seconds) => scans.observe(seconds),
    registryResponse: (host, status) => registryRequests.inc({ host: hostLabel(host), status: statusLabel(status) }),
    lookup: (result) => lookups.inc({ result }),
    githubResponse: (method, status) => githubRequests.inc({ method: method.toUpperCase(), status: statusLabel(status) }),
    githubRateLimit: (resource, remaining) => rateLimit.set({ resource: rateLimitResourceLabel(resource) }, remaining),
    pullRequests: (action, count) => {
      if (count > 0) prs.inc({ action }, count);
    },
    rebuildDispatch: (kind, result) => dispatches.inc({ kind, result }),
    watchQueue: (watched) => {
      queue = watched;
    },
    render: () => registry.metrics(),
  };
}
