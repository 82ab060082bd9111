// A worker process killed mid-job: the job is recovered by another worker, one PR, no stray branch.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { enqueueRepoScan } from '../../src/queue/jobs.js';
import { redisNamespace, type RedisNamespace } from '../support/app-harness.js';
import { GitHubSim, startSimServer, type SimServer } from '../support/github-sim/index.js';
import { appKeys } from '../support/github-sim/testing.js';
import { pushIndex } from '../support/oci-push.js';
import { waitFor } from '../support/ports.js';

const registryHost = inject('registryHost');
let sim: GitHubSim;
let server: SimServer;
let ns: RedisNamespace;
const children: ChildProcess[] = [];

function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      FRESHEN_ROLE: 'worker',
      APP_ID: String(sim.app.id),
      PRIVATE_KEY: appKeys().privateKey,
      WEBHOOK_SECRET: 'crash-test',
      REDIS_URL: inject('redisUrl'),
      FRESHEN_REDIS_PREFIX: ns.prefix,
      GHE_HOST: `127.0.0.1:${server.port}`,
      GHE_PROTOCOL: 'http',
      FRESHEN_INSECURE_REGISTRIES: registryHost,
      FRESHEN_JOB_LOCK_SECONDS: '2',
      FRESHEN_SHUTDOWN_GRACE_SECONDS: '10',
      LOG_LEVEL: 'fatal',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  return child;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

beforeAll(async () => {
  // Slow answers make "mid-job" a wide window.
  sim = new GitHubSim({ publicKey: appKeys().publicKey, latencyMs: 150 });
  server = await startSimServer(sim);
  ns = redisNamespace(inject('redisUrl'));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await ns.queue.obliterate({ force: true }).catch(() => undefined);
  await ns.close();
  await server.close();
});

it('recovers a job whose worker was killed with SIGKILL, and SIGTERM exits 0', async () => {
  const image = `crash${randomBytes(4).toString('hex')}/app`;
  for (const tag of ['1.0.0', '1.0.1']) {
    await pushIndex(`http://${registryHost}`, image, tag, [{ files: [{ 'v.txt': `${tag}\n` }] }]);
  }
  const inst = sim.createInstallation({ account: 'acme' });
  const repo = sim.createRepo({ owner: 'acme', name: 'svc', installationId: inst.id, files: { Dockerfile: `FROM ${registryHost}/${image}:1.0.0\n` } });

  const first = startWorkerProcess();
  await enqueueRepoScan(ns.queue, { installationId: inst.id, repoId: repo.id, owner: 'acme', repo: 'svc', reason: 'test' });
  const refWritten = () => sim.requests.some((r) => r.method === 'POST' && r.path === '/repos/acme/svc/git/refs');
  await waitFor(async () => refWritten(), 'the first worker creating the branch', 25_000);
  first.kill('SIGKILL');
  await exitOf(first);
  expect(sim.pulls('acme', 'svc')).toHaveLength(0);

  const second = startWorkerProcess();
  await waitFor(async () => sim.pulls('acme', 'svc').length > 0, 'the recovered job opening the PR', 25_000);
  await waitFor(async () => (await ns.queue.getJobCounts('active', 'waiting')).active === 0, 'the job finishing', 10_000);

  const pulls = sim.pulls('acme', 'svc');
  expect(pulls).toHaveLength(1);
  const branches = Object.keys(sim.branches('acme', 'svc')).sort();
  expect(branches).toEqual(['freshen/container-images', 'main']);
  expect(sim.readFile('acme', 'svc', 'freshen/container-images', 'Dockerfile')).toMatch(new RegExp(`:1\\.0\\.1@sha256:[0-9a-f]{64}\\n$`));

  second.kill('SIGTERM');
  expect(await exitOf(second)).toBe(0);
}, 60_000);
