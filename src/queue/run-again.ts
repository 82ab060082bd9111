// Triggers that land while a repository's scan or rebuild runs: remembered, so one more run follows it.
import type { Redis } from 'ioredis';
import type { FreshenQueue, RepoJobData } from './jobs.js';

/*
 * BullMQ drops an add whose job id is taken, also when the job holding it is already running, so
 * a push during a scan would be lost. Each job id therefore has a "run again" flag:
 * - a trigger sets the flag, then adds the job;
 * - a run clears the flag when it starts (it reads the repository after that, so it covers every
 *   trigger whose flag it cleared);
 * - when a run has finished (its id is free again), a flag still set means a trigger came during
 *   it: the job is added once more. Ten triggers during one run set one flag: one more run.
 * The flag is only ever cleared by a run that starts, so an add dropped for any reason (the id
 * still taken by a job that has not finished, several workers finishing at once) loses nothing.
 */

/** A forgotten flag (a worker killed between finishing and adding the next run) goes after this. */
const FLAG_TTL_SECONDS = 7 * 24 * 3600;
const REASON = 'reason:';

/** Under the queue's own prefix, so one deployment's flags sit beside its jobs (one hash slot on a cluster). */
export const runAgainKey = (queue: FreshenQueue, jobId: string): string => queue.toKey(`run-again:${jobId}`);

/** The ioredis connection `createQueue` gave the queue: the flags live next to its jobs. */
function connectionOf(queue: FreshenQueue): Redis {
  const connection = queue.opts.connection as Partial<Redis> | undefined;
  if (typeof connection?.hset !== 'function') throw new Error('the queue must be made with an ioredis connection (createQueue)');
  return connection as Redis;
}

/** A trigger: the newest trigger's data is kept, and every reason since the last run started. */
export async function markTriggered(queue: FreshenQueue, jobId: string, data: RepoJobData): Promise<void> {
  const key = runAgainKey(queue, jobId);
  await connectionOf(queue).multi().hset(key, 'data', JSON.stringify(data), `${REASON}${data.reason}`, '1').expire(key, FLAG_TTL_SECONDS).exec();
}

/** A run starts: every trigger so far is covered by what it reads next. */
export async function clearTriggers(queue: FreshenQueue, jobId: string): Promise<void> {
  await connectionOf(queue).del(runAgainKey(queue, jobId));
}

/** The run to add after a finished one, when a trigger came during it: the newest data, the reasons merged. */
export async function triggeredSince(queue: FreshenQueue, jobId: string): Promise<RepoJobData | null> {
  const flag = await connectionOf(queue).hgetall(runAgainKey(queue, jobId));
  if (!flag.data) return null;
  const data = JSON.parse(flag.data) as RepoJobData;
  const reasons = Object.keys(flag).filter((f) => f.startsWith(REASON)).map((f) => f.slice(REASON.length)).sort();
  return { ...data, reason: `again after a run: ${reasons.join(', ')}` };
}
