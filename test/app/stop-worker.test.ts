// SIGTERM's drain: running jobs may finish, but the wait is bounded so the process can always exit.
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { stopWorker, type FreshenWorker } from '../../src/queue/worker.js';
import { waitFor } from '../support/ports.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A queue and a worker whose job takes `jobMs` (forever when null). */
async function busyWorker(jobMs: number | null) {
  const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const prefix = `stop${randomBytes(4).toString('hex')}`;
  const queue = new Queue('freshen', { connection, prefix });
  let finished = 0;
  const worker = new Worker('freshen', async () => {
    await new Promise((resolve) => (jobMs === null ? undefined : setTimeout(resolve, jobMs)));
    finished += 1;
  }, { connection, prefix });
  worker.on('error', () => {}); // the forced stop closes the connection under a job
  closers.push(() => connection.quit(), () => queue.close());
  await queue.add('scan-repo', {});
  await waitFor(async () => (await queue.getJobCounts('active')).active === 1, 'the job starting', 5_000);
  return { worker: worker as unknown as FreshenWorker, queue, finished: () => finished };
}

describe('stopWorker', () => {
  it('lets the running job finish, then reports drained', async () => {
    const { worker, queue, finished } = await busyWorker(300);
    expect(await stopWorker(worker, 5_000)).toBe('drained');
    expect(finished()).toBe(1);
    expect((await queue.getJobCounts('completed')).completed).toBe(1);
  });

  it('gives up on a job that never ends once the grace period is over', async () => {
    const { worker, finished } = await busyWorker(null);
    const started = Date.now();
    expect(await stopWorker(worker, 300)).toBe('timeout');
    // The 300 ms grace, not the never-ending job (generous for a loaded machine).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(finished()).toBe(0);
  });
});
