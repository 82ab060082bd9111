// BullMQ workers: run jobs by kind, delay on rate limits, recover stalled jobs, stop gracefully.
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GitHub } from '../github/types.js';
import type { Logger } from '../types.js';
import { rateLimitWaitMs } from './errors.js';
import {
  QUEUE_NAME, enqueueRepoScan, type FreshenQueue, type InstallationJobData, type JobData, type JobName,
  type PrClosedJobData, type RepoJobData,
} from './jobs.js';
import { recordDeclinedPr } from './pr-closed.js';
import { scanRepository, type ScanContextFactory } from './scan-repo.js';
import { reposWithOwnSchedule, syncRepoSchedule } from './schedule.js';

export interface WorkerDeps {
  /** A connection with `maxRetriesPerRequest: null`, as BullMQ workers need. */
  connection: Redis;
  /** A connection for Freshen's own keys, created with ioredis `keyPrefix` (see memoryConnection). */
  redis: Redis;
  queue: FreshenQueue;
  github: (installationId: number) => Promise<GitHub>;
  scanContext: ScanContextFactory;
  log: Logger;
  concurrency?: number;
  /** BullMQ key prefix; must match the queue's. */
  prefix?: string;
  /** How long a job's lock lasts without renewal; a killed worker's job is recovered after it. */
  lockDurationMs?: number;
}

export type FreshenWorker = Worker<JobData, unknown, JobName>;

export function startWorker(deps: WorkerDeps): FreshenWorker {
  const lockDuration = deps.lockDurationMs ?? 60_000;
  const worker = new Worker<JobData, unknown, JobName>(QUEUE_NAME, (job, token) => runJob(deps, job, token), {
    connection: deps.connection,
    prefix: deps.prefix ?? 'freshen',
    concurrency: deps.concurrency ?? 2,
    lockDuration,
    stalledInterval: Math.max(1_000, Math.floor(lockDuration / 2)),
    maxStalledCount: 2,
  });
  worker.on('failed', (job, err) => {
    deps.log.error({ job: job?.id, name: job?.name, attempt: job?.attemptsMade, err: err.message }, 'job failed');
  });
  worker.on('error', (err) => deps.log.error({ err: err.message }, 'worker error'));
  return worker;
}

async function runJob(deps: WorkerDeps, job: Job<JobData, unknown, JobName>, token?: string): Promise<unknown> {
  const log = deps.log.child?.({ job: job.id, name: job.name }) ?? deps.log;
  try {
    return await dispatch({ ...deps, log }, job);
  } catch (err) {
    const waitMs = rateLimitWaitMs(err);
    if (waitMs === null || !token) throw err;
    // Waiting out a rate limit is not a failed attempt: the job goes back to delayed as is.
    log.warn({ waitMs }, 'rate limited: job delayed until the limit resets');
    await job.moveToDelayed(Date.now() + waitMs, token);
    throw new DelayedError();
  }
}

async function dispatch(deps: WorkerDeps, job: Job<JobData, unknown, JobName>): Promise<unknown> {
  switch (job.name) {
    case 'scan-repo':
      return scanRepository(
        { ...deps, onConfig: (data, config) => syncRepoSchedule(deps.queue, deps.redis, data, config) },
        job.data as RepoJobData,
      );
    case 'scan-installation':
      return fanOut(deps, job.data as InstallationJobData);
    case 'pr-closed':
      return recordDeclinedPr(deps, job.data as PrClosedJobData);
    default:
      throw new Error(`unknown job kind ${String(job.name)}`);
  }
}

/** The installation's scheduled run: one scan job per repository it can see. */
async function fanOut(deps: WorkerDeps, data: InstallationJobData): Promise<{ queued: number }> {
  const gh = await deps.github(data.installationId);
  const repos = await gh.paginate(gh.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
  const own = await reposWithOwnSchedule(deps.redis, data.installationId);
  let queued = 0;
  for (const repo of repos) {
    if (repo.archived || own.has(repo.id)) continue;
    await enqueueRepoScan(deps.queue, {
      installationId: data.installationId,
      repoId: repo.id,
      owner: repo.owner.login,
      repo: repo.name,
      reason: 'schedule',
    });
    queued += 1;
  }
  return { queued };
}

/** Lets running jobs finish, but not longer than `graceMs`; then the process may exit. */
export async function stopWorker(worker: FreshenWorker, graceMs: number): Promise<'drained' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const closed = worker.close().then(() => 'drained' as const);
  const outcome = await Promise.race([closed, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') await worker.close(true).catch(() => undefined);
  return outcome;
}
