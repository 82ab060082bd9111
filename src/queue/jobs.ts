// The queue, its job kinds and payloads, and how jobs are added (deduplicated by job id, see run-again.ts).
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CommentCommandJobData, InstallationJobData, PrClosedJobData, RepoJobData, WorkflowRunJobData } from '../jobs/job-data.js';
import { markTriggered } from './run-again.js';

export const QUEUE_NAME = 'freshen';

export type { CommentCommandJobData, InstallationJobData, PrClosedJobData, RepoJobData, WorkflowRunJobData };

export type JobName = 'scan-repo' | 'scan-installation' | 'pr-closed' | 'rebuild-repo' | 'comment-command' | 'workflow-run';
export type JobData = RepoJobData | InstallationJobData | PrClosedJobData | CommentCommandJobData | WorkflowRunJobData;
export type FreshenQueue = Queue<JobData, unknown, JobName>;

/**
 * Job ids derived from what the job does. BullMQ 6 refuses custom ids with a single `:`, so
 * `scan-<repo id>` stands for the design's `scan:<repo id>`.
 */
export const scanJobId = (repoId: number): string => `scan-${repoId}`;
export const rebuildJobId = (repoId: number): string => `rebuild-${repoId}`;
export const schedulerId = (installationId: number): string => `installation-${installationId}`;

export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 30_000 },
  // Removed when done so the same id can be queued again by the next trigger.
  removeOnComplete: true,
  removeOnFail: { age: 24 * 3600, count: 1000 },
};

/** `prefix` namespaces every BullMQ key (one Redis can hold several deployments or test runs). */
export function createQueue(connection: Redis, prefix = 'freshen'): FreshenQueue {
  return new Queue<JobData, unknown, JobName>(QUEUE_NAME, { connection, prefix, defaultJobOptions });
}

/**
 * Queues a scan of one repository. While one is waiting nothing is added (it reads the newest state
 * when it runs); while one runs, one more scan follows it (run-again.ts).
 */
export async function enqueueRepoScan(queue: FreshenQueue, data: RepoJobData): Promise<void> {
  await markTriggered(queue, scanJobId(data.repoId), data);
  await addRepoScan(queue, data);
}

/** Adds the scan job itself (a trigger goes through enqueueRepoScan, which remembers it first). */
export async function addRepoScan(queue: FreshenQueue, data: RepoJobData): Promise<void> {
  const jobId = scanJobId(data.repoId);
  await removeIfFailed(queue, jobId);
  await queue.add('scan-repo', data, { jobId });
}

/** Queues the rebuild of one repository (the gate already let exactly one caller through). */
export async function enqueueRebuild(queue: FreshenQueue, data: RepoJobData): Promise<void> {
  // The gate frees its slot before the running rebuild job ends: a rebuild asked for in between runs after it.
  await markTriggered(queue, rebuildJobId(data.repoId), data);
  await addRebuild(queue, data);
}

/** Adds the rebuild job itself (a `/rebuild` goes through enqueueRebuild). */
export async function addRebuild(queue: FreshenQueue, data: RepoJobData): Promise<void> {
  const jobId = rebuildJobId(data.repoId);
  await removeIfFailed(queue, jobId);
  // Not retried: a failed dispatch is told to the requesters and retried by the next scheduled run.
  await queue.add('rebuild-repo', data, { jobId, attempts: 1 });
}

/** A failed job kept for inspection must not block new triggers of the same repository. */
async function removeIfFailed(queue: FreshenQueue, jobId: string): Promise<void> {
  const previous = await queue.getJob(jobId);
  // Another trigger may have removed it first.
  if (previous && (await previous.isFailed())) await previous.remove().catch(() => undefined);
}

/** One job per comment (a redelivered webhook adds nothing). */
export async function enqueueCommentCommand(queue: FreshenQueue, data: CommentCommandJobData): Promise<void> {
  await queue.add('comment-command', data, { jobId: `command-${data.repoId}-${data.commentId}`, attempts: 2 });
}

export async function enqueueWorkflowRun(queue: FreshenQueue, data: WorkflowRunJobData, ids: { repoId: number; runId: number; attempt: number }): Promise<void> {
  await queue.add('workflow-run', data, { jobId: `workflow-run-${ids.repoId}-${ids.runId}-${ids.attempt}` });
}

export async function enqueuePrClosed(queue: FreshenQueue, data: PrClosedJobData): Promise<void> {
  await queue.add('pr-closed', data, { jobId: `pr-closed-${data.repoId}-${data.prNumber}` });
}

/** Freshen's own keys live under `<prefix>:`; BullMQ refuses connections with a keyPrefix, hence two. */
export function memoryConnectionOptions(prefix: string): { keyPrefix: string } {
  return { keyPrefix: `${prefix}:` };
}
