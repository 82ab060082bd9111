// BullMQ workers: run jobs by kind, delay on rate limits, recover stalled jobs, stop gracefully.
import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GitHub } from '../github/types.js';
import { scrubSecrets, withJobFields, type JobFields } from '../observability/logging.js';
import type { Logger } from '../types.js';
import { budgetSettingsFromEnv, type BudgetSettings } from '../budget/index.js';
import type { PlannedUpdate } from '../engine/types.js';
import { budgetedGitHub, writeGate, type WriteBudget } from '../jobs/budgets.js';
import { RateLimitedError, rateLimitWaitMs } from '../budget/errors.js';
import { repoSchedule } from '../config/repo-config.js';
import { runCommentCommands } from '../jobs/comment-command.js';
import {
  QUEUE_NAME, addRebuild, addRepoScan, enqueueRepoScan, rebuildJobId, scanJobId, type CommentCommandJobData, type FreshenQueue, type InstallationJobData, type JobData, type JobName,
  type PrClosedJobData, type RepoJobData, type WorkflowRunJobData,
} from './jobs.js';
import { recordDeclinedPr } from '../jobs/pr-closed.js';
import { jobQueue } from './job-queue.js';
import { clearTriggers, triggeredSince } from './run-again.js';
import { rebuildRepository } from '../jobs/rebuild-repo.js';
import { recordWorkflowRun } from '../jobs/workflow-run.js';
import { scanRepository, type ScanContextFactory } from '../jobs/scan-repo.js';
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
  /** The app's bot login (`freshen[bot]`), to recognise the workflow runs it dispatched. */
  appLogin?: string;
  /** GitHub write pacing shared by all workers (default: FRESHEN_* budget env); false turns it off. */
  budgets?: BudgetSettings | false;
  /** Asked around a repository's new PRs (set from `budgets`). */
  writeBudget?: WriteBudget;
  /** The service's secret values: removed from a failed job's message and stack, which BullMQ stores and the admin pages show. */
  secrets?: readonly string[];
}

export type FreshenWorker = Worker<JobData, unknown, JobName>;

export function startWorker(deps: WorkerDeps): FreshenWorker {
  const budgets = deps.budgets ?? budgetSettingsFromEnv();
  if (budgets) deps = { ...deps, github: budgetedGitHub(deps.github, deps.redis, budgets), writeBudget: writeGate(deps.redis, budgets) };
  const lockDuration = deps.lockDurationMs ?? 60_000;
  const worker = new Worker<JobData, unknown, JobName>(QUEUE_NAME, (job, token) => withJobFields(jobFields(job), () => runJob(deps, job, token)), {
    connection: deps.connection,
    prefix: deps.prefix ?? 'freshen',
    concurrency: deps.concurrency ?? 2,
    lockDuration,
    stalledInterval: Math.max(1_000, Math.floor(lockDuration / 2)),
    maxStalledCount: 2,
  });
  worker.on('failed', (job, err) => {
    deps.log.error({ job: job?.id, name: job?.name, attempt: job?.attemptsMade, err: err.message }, 'job failed');
    // A job that will be retried is still queued under its id: adding it again does nothing, its retry clears the flag.
    if (job) void runAgainIfTriggered(deps, job);
  });
  worker.on('completed', (job) => void runAgainIfTriggered(deps, job));
  worker.on('error', (err) => deps.log.error({ err: err.message }, 'worker error'));
  return worker;
}

/** Installation, repository and job id: on every log line written while the job runs. */
function jobFields(job: Job<JobData, unknown, JobName>): JobFields {
  const data = job.data as Partial<RepoJobData>;
  return {
    installation: data.installationId,
    ...(data.owner && data.repo ? { repo: `${data.owner}/${data.repo}` } : {}),
    job: job.id,
    jobName: job.name,
  };
}

/** Scans and rebuilds of a repository: a trigger during one is remembered, and one more run follows (run-again.ts). */
const runsAgain: Partial<Record<JobName, { jobId: (repoId: number) => string; add: (queue: FreshenQueue, data: RepoJobData) => Promise<void> }>> = {
  'scan-repo': { jobId: scanJobId, add: addRepoScan },
  'rebuild-repo': { jobId: rebuildJobId, add: addRebuild },
};

/** After a scan or rebuild finished (its id is free again): one more run if something triggered it meanwhile. */
async function runAgainIfTriggered(deps: WorkerDeps, job: Job<JobData, unknown, JobName>): Promise<void> {
  const kind = runsAgain[job.name];
  if (!kind) return;
  try {
    const again = await triggeredSince(deps.queue, kind.jobId((job.data as RepoJobData).repoId));
    if (!again) return;
    deps.log.info({ job: job.id, name: job.name, reason: again.reason }, 'triggered while running: queued once more');
    await kind.add(deps.queue, again);
  } catch (err) {
    // The flag stays: the next trigger's run clears it, or the next finished run adds the job.
    deps.log.error({ job: job.id, name: job.name, err: (err as Error).message }, 'could not queue the run asked for during this one');
  }
}

async function runJob(deps: WorkerDeps, job: Job<JobData, unknown, JobName>, token?: string): Promise<unknown> {
  const log = deps.log.child?.({ job: job.id, name: job.name }) ?? deps.log;
  const kind = runsAgain[job.name];
  // Before anything is read: what this run reads covers every trigger until now.
  if (kind) await clearTriggers(deps.queue, kind.jobId((job.data as RepoJobData).repoId));
  try {
    return await dispatch({ ...deps, log }, job);
  } catch (err) {
    const waitMs = rateLimitWaitMs(err);
    if (waitMs === null || !token) throw scrubbed(err, deps.secrets ?? []);
    // Waiting out a rate limit is not a failed attempt: the job goes back to delayed as is.
    log.warn({ waitMs }, 'rate limited: job delayed until the limit resets');
    // Delayed writes come back in order of value (security fixes first).
    if (err instanceof RateLimitedError && err.priority !== undefined) await job.changePriority({ priority: err.priority }).catch(() => undefined);
    await job.moveToDelayed(Date.now() + waitMs, token);
    throw new DelayedError();
  }
}

/** The error with secrets and URL passwords removed from its message and stack (kept as the same object, so its kind still decides retries). */
function scrubbed(err: unknown, secrets: readonly string[]): unknown {
  if (!(err instanceof Error)) return new Error(scrubSecrets(String(err), secrets));
  try {
    err.message = scrubSecrets(err.message, secrets);
    if (err.stack) err.stack = scrubSecrets(err.stack, secrets);
  } catch {
    return new Error(scrubSecrets(err.message, secrets));
  }
  return err;
}

async function dispatch(deps: WorkerDeps, job: Job<JobData, unknown, JobName>): Promise<unknown> {
  // The job services see the queue only through JobQueue.
  const services = { ...deps, queue: jobQueue(deps.queue) };
  switch (job.name) {
    case 'scan-repo':
      return scanRepository(
        {
          ...services,
          // Nightly by default when any image follows the rebuild process.
          onConfig: (data, config) =>
            syncRepoSchedule(deps.queue, deps.redis, data, { schedule: repoSchedule(config, data.repoId), timezone: config.timezone }),
        },
        job.data as RepoJobData,
      );
    case 'scan-installation':
      return fanOut(deps, job.data as InstallationJobData);
    case 'pr-closed':
      return recordDeclinedPr(services, job.data as PrClosedJobData);
    case 'rebuild-repo':
      return rebuildRepository(services, job.data as RepoJobData);
    case 'comment-command':
      return runCommentCommands(services, job.data as CommentCommandJobData);
    case 'workflow-run':
      return recordWorkflowRun(services, job.data as WorkflowRunJobData);
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
  const closed = worker.close().then(() => 'drained' as const, () => 'drained' as const);
  const outcome = await Promise.race([closed, timeout]);
  clearTimeout(timer);
  // Not close(true): BullMQ would hand back the same pending close. The caller disconnects instead,
  // so a stuck job's lock lapses and another worker recovers it as stalled.
  return outcome;
}
