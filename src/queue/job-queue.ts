// The job services' view of the queue (JobQueue in jobs/job-data.ts), over BullMQ.
import type { JobQueue } from '../jobs/job-data.js';
import { enqueueRebuild, enqueueRepoScan, schedulerId, type FreshenQueue } from './jobs.js';
import { repoSchedulerId } from './schedule.js';

export function jobQueue(queue: FreshenQueue): JobQueue {
  return {
    enqueueRepoScan: (data) => enqueueRepoScan(queue, data),
    enqueueRebuild: (data) => enqueueRebuild(queue, data),
    async scanScheduler(repo) {
      const own = await queue.getJobScheduler(repoSchedulerId(repo.repoId));
      return own ?? (await queue.getJobScheduler(schedulerId(repo.installationId))) ?? null;
    },
  };
}
