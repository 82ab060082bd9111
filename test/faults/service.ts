// Freshen as it is deployed, for the faults suite: a web process and two workers, their own Redis (appendonly),
// each process reaching the GitHub simulation through its own door of a faulty network.
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createQueue, type FreshenQueue } from '../../src/queue/jobs.js';
import { sign } from '../support/app-harness.js';
import { startAppProcess, type AppProcess } from '../support/app-processes.js';
import { FaultyNetwork, GitHubSim } from '../support/github-sim/index.js';
import { appKeys } from '../support/github-sim/testing.js';
import { freePort, waitFor } from '../support/ports.js';
import { startRedis, type RedisInstance } from '../support/redis.js';

export interface Service {
  sim: GitHubSim;
  network: FaultyNetwork;
  redis: RedisInstance;
  queue: FreshenQueue;
  web: AppProcess;
  /** Door name → the worker process behind it. */
  workers: Map<string, AppProcess>;
  /** Every process started, killed ones included (for failure messages and cleanup). */
  started: AppProcess[];
  /** Posts a signed webhook to the web process; resolves with its status. */
  deliver(event: string, payload: unknown): Promise<number>;
  /** SIGKILLs the worker behind `door` and starts another one there (as a supervisor would). */
  replaceWorker(door: string): Promise<void>;
  /** Resolves when no job waits, runs or waits to be retried (job schedulers' next runs do not count). */
  drained(timeoutMs: number): Promise<void>;
  /** Recent output of every process, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export const WORKER_DOORS = ['w1', 'w2'];

export async function startService(opts: { registryHost: string; env?: Record<string, string> }): Promise<Service> {
  const sim = new GitHubSim({ publicKey: appKeys().publicKey });
  const network = new FaultyNetwork(sim);
  const redis = await startRedis({ appendonly: true });
  const prefix = `faults${randomBytes(3).toString('hex')}`;
  const secret = `whsec-${randomBytes(8).toString('hex')}`;
  const webPort = await freePort();
  const started: AppProcess[] = [];
  const env = async (door: string): Promise<Record<string, string>> => ({
    APP_ID: String(sim.app.id), PRIVATE_KEY: appKeys().privateKey, WEBHOOK_SECRET: secret,
    REDIS_URL: redis.url, FRESHEN_REDIS_PREFIX: prefix,
    GHE_HOST: `127.0.0.1:${(await network.door(door)).port}`, GHE_PROTOCOL: 'http',
    FRESHEN_INSECURE_REGISTRIES: opts.registryHost, HOST: '127.0.0.1', PORT: String(webPort), HEALTH_PORT: '0',
    LOG_LEVEL: 'info', FRESHEN_OSV_URL: 'off',
    ...opts.env,
  });
  const launch = async (role: 'web' | 'worker', door: string) => {
    const proc = startAppProcess(role, await env(door));
    started.push(proc);
    return proc;
  };
  const web = await launch('web', 'web');
  const workers = new Map<string, AppProcess>();
  for (const door of WORKER_DOORS) workers.set(door, await launch('worker', door));
  await waitFor(async () => (await fetch(`http://127.0.0.1:${webPort}/healthz`)).ok, 'the web process', 60_000);
  const queueConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = createQueue(queueConnection, prefix);

  return {
    sim, network, redis, queue, web, workers, started,
    async deliver(event, payload) {
      const body = JSON.stringify(payload);
      const res = await fetch(`http://127.0.0.1:${webPort}/api/github/webhooks`, {
        method: 'POST', body,
        headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(body, secret) },
      });
      await res.arrayBuffer();
      return res.status;
    },
    async replaceWorker(door) {
      await workers.get(door)?.stop('SIGKILL');
      workers.set(door, await launch('worker', door));
    },
    async drained(timeoutMs) {
      await waitFor(async () => {
        const counts = await queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
        if (Object.values(counts).some((n) => n > 0)) return false;
        // A job scheduler's next run waits as a delayed job with a `repeat:` id; retries and rate-limit waits do not.
        const delayed = await queue.getJobs(['delayed']);
        return delayed.every((job) => !job || job.id?.startsWith('repeat:'));
      }, 'the queue draining', timeoutMs);
    },
    output: () => started.map((p) => `--- ${p.role} ${p.child.pid}\n${p.output.slice(-40).join('\n')}`).join('\n'),
    async stop() {
      await Promise.all(started.map((p) => p.stop('SIGKILL')));
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close().catch(() => undefined);
      queueConnection.disconnect();
      await network.close();
      await redis.stop();
    },
  };
}
