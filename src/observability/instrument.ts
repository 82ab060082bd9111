// Feeds the metrics from the places things happen: BullMQ worker events, Octokit hooks, image lookups.
import type { FreshenMetrics } from './metrics.js';

/** The worker events counted (a BullMQ Worker fits). */
interface JobLike {
  name: string;
  attemptsMade: number;
  opts: { attempts?: number };
  processedOn?: number;
  finishedOn?: number;
  returnvalue?: unknown;
}
interface WorkerEvents {
  on(event: 'completed', listener: (job: JobLike) => void): unknown;
  on(event: 'failed', listener: (job: JobLike | undefined, err: Error) => void): unknown;
}

export function instrumentWorker(worker: WorkerEvents, metrics: FreshenMetrics): void {
  worker.on('completed', (job) => {
    metrics.job(job.name, 'completed');
    if (job.name === 'scan-repo') observeScan(job, metrics);
  });
  worker.on('failed', (job) => {
    if (!job) return;
    const willRetry = job.attemptsMade < (job.opts.attempts ?? 1);
    metrics.job(job.name, willRetry ? 'retried' : 'failed');
    if (job.name === 'scan-repo' && !willRetry) observeScan(job, metrics);
  });
}

function observeScan(job: JobLike, metrics: FreshenMetrics): void {
  if (job.processedOn && job.finishedOn) metrics.scanSeconds((job.finishedOn - job.processedOn) / 1000);
  const result = job.returnvalue as { opened?: unknown[]; updated?: unknown[]; closed?: unknown[] } | undefined;
  if (!result || typeof result !== 'object') return;
  metrics.pullRequests('opened', result.opened?.length ?? 0);
  metrics.pullRequests('updated', result.updated?.length ?? 0);
  metrics.pullRequests('closed', result.closed?.length ?? 0);
}

interface RequestOptions {
  method?: string;
  url?: string;
}
interface OctokitResponse {
  status: number;
  headers: Record<string, string | number | undefined>;
}
/** The part of Octokit's hook API used here. */
export interface HookableOctokit {
  hook: {
    after(name: 'request', hook: (response: OctokitResponse, options: RequestOptions) => void): void;
    error(name: 'request', hook: (error: Error & { status?: number; response?: OctokitResponse }, options: RequestOptions) => unknown): void;
  };
}

const instrumented = new WeakSet<object>();

/** Counts every request of this client by method and status, and keeps the rate limit gauge current. */
export function instrumentOctokit<T extends object>(octokit: T, metrics: FreshenMetrics): T {
  if (instrumented.has(octokit)) return octokit;
  instrumented.add(octokit);
  const hooks = (octokit as unknown as HookableOctokit).hook;
  const seen = (response: OctokitResponse | undefined, options: RequestOptions, status: number | 'error') => {
    const method = options.method ?? 'GET';
    metrics.githubResponse(method, status);
    const remaining = Number(response?.headers['x-ratelimit-remaining']);
    if (response && Number.isFinite(remaining)) metrics.githubRateLimit(String(response.headers['x-ratelimit-resource'] ?? 'core'), remaining);
    const dispatch = dispatchKind(method, options.url);
    if (dispatch) metrics.rebuildDispatch(dispatch, typeof status === 'number' && status < 300 ? 'accepted' : 'refused');
  };
  hooks.after('request', (response, options) => seen(response, options, response.status));
  hooks.error('request', (error, options) => {
    seen(error.response, options, error.status ?? 'error');
    throw error;
  });
  return octokit;
}

function dispatchKind(method: string, url: string | undefined): string | null {
  if (method.toUpperCase() !== 'POST' || !url) return null;
  if (/\/actions\/workflows\/[^/]+\/dispatches$/.test(url)) return 'workflow_dispatch';
  if (/\/repos\/[^/]+\/[^/]+\/dispatches$/.test(url)) return 'repository_dispatch';
  return null;
}

/** Wraps an installation-client factory so each client it hands out is counted. */
export function instrumentClients<T extends object>(clients: (installationId: number) => Promise<T>, metrics: FreshenMetrics): (installationId: number) => Promise<T> {
  return async (installationId) => instrumentOctokit(await clients(installationId), metrics);
}

/**
 * Counts lookups answered again within one scan (the lookup client remembers its answers) as
 * hits, first asks as misses. A shared cache would report through the same counter.
 */
export function countLookups<T extends object>(lookup: T, metrics: FreshenMetrics): T {
  const asked = new Set<string>();
  return new Proxy(lookup, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || !property.startsWith('get')) return value;
      return (...args: unknown[]) => {
        const key = `${property} ${JSON.stringify(args)}`;
        metrics.lookup(asked.has(key) ? 'hit' : 'miss');
        asked.add(key);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
