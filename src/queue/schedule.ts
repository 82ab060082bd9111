// One job scheduler per installation: weekly by default, spread over the week by installation id.
import type { Redis } from 'ioredis';
import type { FreshenQueue, InstallationJobData, JobName, RepoJobData } from './jobs.js';
import { schedulerId } from './jobs.js';

const MINUTES_PER_WEEK = 7 * 24 * 60;

/** A weekly cron whose minute, hour and weekday are derived from the installation id. */
export function defaultWeeklyCron(installationId: number): string {
  // Knuth's multiplicative hash spreads consecutive ids far apart over the week.
  const slot = Number((BigInt(installationId) * 2654435761n) % BigInt(MINUTES_PER_WEEK));
  const day = Math.floor(slot / (24 * 60));
  const hour = Math.floor((slot % (24 * 60)) / 60);
  const minute = slot % 60;
  return `${minute} ${hour} * * ${day}`;
}

export interface ScheduleOptions {
  /** Cron from the org's config; default weekly, spread by installation id. */
  cron?: string;
  timezone?: string;
}

export async function upsertInstallationSchedule(
  queue: FreshenQueue,
  installationId: number,
  options: ScheduleOptions = {},
): Promise<void> {
  const data: InstallationJobData = { installationId };
  await queue.upsertJobScheduler(
    schedulerId(installationId) as JobName,
    { pattern: options.cron ?? defaultWeeklyCron(installationId), tz: options.timezone ?? 'UTC' },
    { name: 'scan-installation', data },
  );
}

export async function removeInstallationSchedule(queue: FreshenQueue, installationId: number): Promise<void> {
  await queue.removeJobScheduler(schedulerId(installationId));
}

const ownScheduleKey = (installationId: number): string => `own-schedule:${installationId}`;
export const repoSchedulerId = (repoId: number): string => `repo-${repoId}`;

/**
 * A repository whose config sets `schedule` gets its own scheduler; the installation's fan-out
 * then skips it. Without `schedule` the repository follows the installation's.
 */
export async function syncRepoSchedule(
  queue: FreshenQueue,
  redis: Redis,
  data: RepoJobData,
  config: { schedule?: string | undefined; timezone: string },
): Promise<void> {
  if (!config.schedule) {
    if ((await redis.srem(ownScheduleKey(data.installationId), String(data.repoId))) === 1) {
      await queue.removeJobScheduler(repoSchedulerId(data.repoId));
    }
    return;
  }
  await redis.sadd(ownScheduleKey(data.installationId), String(data.repoId));
  await queue.upsertJobScheduler(
    repoSchedulerId(data.repoId) as JobName,
    { pattern: config.schedule, tz: config.timezone },
    { name: 'scan-repo', data: { ...data, reason: 'schedule' } },
  );
}

export async function reposWithOwnSchedule(redis: Redis, installationId: number): Promise<Set<number>> {
  return new Set((await redis.smembers(ownScheduleKey(installationId))).map(Number));
}

/** Uninstall: the installation's scheduler and every repository scheduler under it go. */
export async function removeAllSchedules(queue: FreshenQueue, redis: Redis, installationId: number): Promise<void> {
  await removeInstallationSchedule(queue, installationId);
  for (const repoId of await reposWithOwnSchedule(redis, installationId)) {
    await queue.removeJobScheduler(repoSchedulerId(repoId));
  }
  await redis.del(ownScheduleKey(installationId));
}
