// A job that fails is stored by BullMQ with its message and stack, and the admin pages show them: no secret survives there.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { addRebuild } from '../../src/queue/jobs.js';
import { startWorker, stopWorker, type FreshenWorker } from '../../src/queue/worker.js';
import { silentLogger } from '../../src/types.js';
import { redisNamespace, type RedisNamespace } from '../support/app-harness.js';

const PASSWORD = 'S3CRET-REGISTRY-PASSWORD-123';
const TOKEN = 'npm-operator-token-456789';

let ns: RedisNamespace | undefined;
let worker: FreshenWorker | undefined;
afterEach(async () => {
  if (worker) await stopWorker(worker, 5_000);
  await ns?.close();
  worker = ns = undefined;
});

describe('failed jobs', () => {
  it("a failure whose text carries the operator's secrets and a URL password is stored without them", async () => {
    ns = redisNamespace(inject('redisUrl'));
    const failing = async (): Promise<never> => {
      // What a hostile repository can make an error say: a registry it names, echoing what it was sent.
      throw new Error(`https://ci:${PASSWORD}@registry.corp.example/v2/ answered 500: saw //registry.corp.example/:_authToken=${TOKEN}`);
    };
    worker = startWorker({
      connection: ns.connection, redis: ns.memory, queue: ns.queue, prefix: ns.prefix, log: silentLogger, budgets: false,
      github: failing, scanContext: () => { throw new Error('not used'); },
      secrets: [PASSWORD, TOKEN],
    });
    await addRebuild(ns.queue, { installationId: 1, repoId: 7, owner: 'acme', repo: 'app', reason: 'test' });
    const deadline = Date.now() + 20_000;
    let failed = await ns.queue.getJobs(['failed']);
    while (failed.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      failed = await ns.queue.getJobs(['failed']);
    }
    const job = failed[0]!;
    const stored = JSON.stringify({ reason: job.failedReason, stack: job.stacktrace });
    expect(job.failedReason).toContain('registry.corp.example/v2/ answered 500');
    expect(stored).not.toContain(PASSWORD);
    expect(stored).not.toContain(TOKEN);
  });
});
