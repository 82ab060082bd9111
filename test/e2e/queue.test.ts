// Queue behaviour with the real Redis: rate limits delay instead of failing, schedules and fan-out.
import { randomBytes } from 'node:crypto';
import { afterEach, expect, inject, it } from 'vitest';
import { enqueueRepoScan, scanJobId, schedulerId } from '../../src/queue/jobs.js';
import { repoSchedulerId } from '../../src/queue/schedule.js';
import { installationCreated, startAppStack, type AppStack } from '../support/app-stack.js';
import { pushIndex } from '../support/oci-push.js';
import { waitFor } from '../support/ports.js';

const registryHost = inject('registryHost');
let stack: AppStack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

it('a GitHub rate limit moves the job to delayed until the reset, without using an attempt', async () => {
  stack = await startAppStack({ redisUrl: inject('redisUrl'), registryHost, sim: { rateLimit: 3 } });
  const inst = stack.sim.createInstallation({ account: 'acme' });
  const repo = stack.sim.createRepo({ owner: 'acme', name: 'web', installationId: inst.id, files: { Dockerfile: 'FROM scratch\n' } });
  const queued = Date.now();
  await enqueueRepoScan(stack.ns.queue, { installationId: inst.id, repoId: repo.id, owner: 'acme', repo: 'web', reason: 'test' });
  const job = () => stack!.ns.queue.getJob(scanJobId(repo.id));
  await waitFor(async () => (await (await job())?.getState()) === 'delayed', 'the job being delayed');
  const delayed = (await job())!;
  expect(delayed.attemptsMade).toBe(0);
  expect(stack.failures).toEqual([]);
  // The sim's window resets within the hour; the job waits for it, not for a backoff of seconds.
  const runAt = delayed.timestamp + delayed.delay;
  expect(runAt - queued).toBeGreaterThan(60_000);
  expect(runAt - queued).toBeLessThanOrEqual(3600_000 + 5_000);
});

it('fans a scheduled installation run out to its repositories and keeps per-repository schedules', async () => {
  stack = await startAppStack({ redisUrl: inject('redisUrl'), registryHost });
  const image = `sched${randomBytes(4).toString('hex')}/app`;
  await pushIndex(`http://${registryHost}`, image, '1.0.0', [{ files: [{ 'a.txt': 'a\n' }] }]);
  const inst = stack.sim.createInstallation({ account: 'acme' });
  const plain = stack.sim.createRepo({ owner: 'acme', name: 'plain', installationId: inst.id, files: { Dockerfile: `FROM ${registryHost}/${image}:1.0.0\n` } });
  const own = stack.sim.createRepo({
    owner: 'acme', name: 'own', installationId: inst.id,
    files: { Dockerfile: `FROM ${registryHost}/${image}:1.0.0\n`, '.github/freshen.yml': 'schedule: "15 3 * * 2"\ntimezone: Europe/Berlin\n' },
  });
  await stack.deliver('installation', installationCreated(stack.sim, inst.id, [
    { id: plain.id, name: 'plain', owner: 'acme' },
    { id: own.id, name: 'own', owner: 'acme' },
  ]));
  await stack.settle();
  // Both got a pin PR from the first scan.
  expect(stack.sim.pulls('acme', 'plain')).toHaveLength(1);
  expect(stack.sim.pulls('acme', 'own')).toHaveLength(1);
  const repoScheduler = await stack.ns.queue.getJobScheduler(repoSchedulerId(own.id));
  expect(repoScheduler).toMatchObject({ pattern: '15 3 * * 2', tz: 'Europe/Berlin' });
  expect(await stack.ns.queue.getJobScheduler(repoSchedulerId(plain.id))).toBeUndefined();

  // The installation's scheduled run scans only the repositories without their own schedule.
  stack.completed.length = 0;
  await stack.ns.queue.add('scan-installation', { installationId: inst.id });
  await waitFor(async () => stack!.completed.some((j) => j.name === 'scan-repo'), 'the fanned-out scan');
  await stack.settle();
  expect(stack.completed.map((j) => `${j.name} ${j.data.repo ?? ''} ${j.data.reason ?? ''}`.trim())).toEqual([
    'scan-installation',
    'scan-repo plain schedule',
  ]);

  // Uninstall removes every scheduler of the installation.
  await stack.deliver('installation', { ...installationCreated(stack.sim, inst.id, []), action: 'deleted' });
  expect(await stack.ns.queue.getJobScheduler(schedulerId(inst.id))).toBeUndefined();
  expect(await stack.ns.queue.getJobScheduler(repoSchedulerId(own.id))).toBeUndefined();
});
