// Redis Sentinel and Cluster: real processes on loopback (started here, stopped after), BullMQ round trips.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { createQueue, enqueueRepoScan, memoryConnectionOptions, QUEUE_NAME } from '../../src/queue/jobs.js';
import { connectRedis, keyPrefixFor, type RedisTarget } from '../../src/cache/redis-connection.js';
import { sharedRegistryState } from '../../src/jobs/scan-context.js';
import { appKeys } from '../support/github-sim/testing.js';
import { freePort, waitFor } from '../support/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'freshen-ha-'));
const processes: ChildProcess[] = [];
const cli = (port: number, ...args: string[]) => execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

async function redisServer(args: string[], ready: (port: number) => boolean, port: number): Promise<void> {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  processes.push(child);
  await waitFor(async () => ready(port), `redis-server on ${port}`);
}
const pongs = (port: number) => cli(port, 'ping').trim() === 'PONG';
const base = (port: number) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];

function envFor(extra: Record<string, string>): RedisTarget {
  return loadEnv({ APP_ID: '1', PRIVATE_KEY: appKeys().privateKey, WEBHOOK_SECRET: 'x-secret', ...extra }).redis;
}

/** Queues a scan through Freshen's queue code and has a BullMQ worker on the same target run it. */
async function roundTrip(target: RedisTarget, prefix: string): Promise<unknown> {
  const queueConnection = connectRedis(target);
  const workerConnection = connectRedis(target, { maxRetriesPerRequest: null });
  const queue = createQueue(queueConnection, prefix);
  let resolveDone!: (value: unknown) => void;
  const done = new Promise((resolve) => (resolveDone = resolve));
  const worker = new Worker(QUEUE_NAME, async (job) => ({ ran: job.name, repo: job.data.repo }), { connection: workerConnection, prefix });
  worker.on('completed', (_job, result) => resolveDone(result));
  try {
    await enqueueRepoScan(queue, { installationId: 1, repoId: 42, owner: 'acme', repo: 'web', reason: 'test' });
    return await done;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    queueConnection.disconnect();
    workerConnection.disconnect();
  }
}

/** Two workers' shared registry state on the target: a lookup loads once for both, and first-seen dates agree. */
async function sharedStateWorks(target: RedisTarget, prefix: string): Promise<void> {
  const [a, b] = [sharedRegistryState(target, prefix), sharedRegistryState(target, prefix)];
  let loads = 0;
  const load = async () => {
    loads++;
    await new Promise((r) => setTimeout(r, 50));
    return { tags: ['1.0', '1.1'] };
  };
  const key = `lookup:public:tags:${Math.random().toString(36).slice(2)}`;
  const answers = await Promise.all([a.cache.getOrLoad(key, 60, load), b.cache.getOrLoad(key, 60, load)]);
  expect(answers).toEqual([{ tags: ['1.0', '1.1'] }, { tags: ['1.0', '1.1'] }]);
  expect(loads).toBe(1);
  const first = await a.firstSeen.firstSeen(`${key}:first`, new Date('2026-01-01T00:00:00Z'));
  expect(await b.firstSeen.firstSeen(`${key}:first`, new Date('2026-02-01T00:00:00Z'))).toEqual(first);
}

afterAll(() => {
  for (const child of processes) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('Redis Sentinel', () => {
  let sentinelPort: number;
  beforeAll(async () => {
    const masterPort = await freePort();
    await redisServer(base(masterPort), pongs, masterPort);
    const replicaPort = await freePort();
    await redisServer([...base(replicaPort), '--replicaof', '127.0.0.1', String(masterPort)], pongs, replicaPort);
    sentinelPort = await freePort();
    const conf = join(dir, `sentinel-${sentinelPort}.conf`);
    writeFileSync(conf, [`port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor freshen-main 127.0.0.1 ${masterPort} 1`, 'sentinel down-after-milliseconds freshen-main 1000', ''].join('\n'));
    await redisServer([conf, '--sentinel'], (p) => cli(p, 'sentinel', 'get-master-addr-by-name', 'freshen-main').includes(String(masterPort)), sentinelPort);
  }, 20_000);

  it('finds the master through REDIS_SENTINELS and runs a queued job there', async () => {
    const target = envFor({ REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`, REDIS_SENTINEL_NAME: 'freshen-main' });
    expect(target).toEqual({ kind: 'sentinel', sentinels: [{ host: '127.0.0.1', port: sentinelPort }], name: 'freshen-main', password: undefined });
    expect(keyPrefixFor(target, 'freshen')).toBe('freshen');
    expect(await roundTrip(target, 'sentinel-test')).toEqual({ ran: 'scan-repo', repo: 'web' });
    const memory = connectRedis(target, memoryConnectionOptions('sentinel-test'));
    await memory.set('k', 'v');
    expect(await memory.get('k')).toBe('v');
    memory.disconnect();
  });

  it('shares the registry lookup cache between workers through Sentinel', async () => {
    await sharedStateWorks(envFor({ REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`, REDIS_SENTINEL_NAME: 'freshen-main' }), 'sentinel-test');
  });
});

describe('Redis Cluster', () => {
  let ports: number[];
  beforeAll(async () => {
    ports = [await freePort(), await freePort(), await freePort()];
    for (const port of ports) {
      await redisServer([...base(port), '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000'], pongs, port);
    }
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore' });
    await waitFor(async () => ports.every((p) => cli(p, 'cluster', 'info').includes('cluster_state:ok')), 'cluster', 15_000);
  }, 30_000);

  it('puts the queue prefix in a hash tag and runs a queued job across the three nodes', async () => {
    const target = envFor({ REDIS_CLUSTER_NODES: ports.map((p) => `127.0.0.1:${p}`).join(',') });
    expect(target.kind).toBe('cluster');
    const prefix = keyPrefixFor(target, 'freshen');
    expect(prefix).toBe('{freshen}');
    expect(await roundTrip(target, prefix)).toEqual({ ran: 'scan-repo', repo: 'web' });
  });

  it("keeps Freshen's own multi-key writes in one slot", async () => {
    const target = envFor({ REDIS_CLUSTER_NODES: `127.0.0.1:${ports[0]}` });
    const memory = connectRedis(target, memoryConnectionOptions(keyPrefixFor(target, 'freshen')));
    await memory.multi().set('repo:1:a', '1').set('repo:2:b', '2').exec();
    expect(await memory.mget('repo:1:a', 'repo:2:b')).toEqual(['1', '2']);
    memory.disconnect();
  });

  it('shares the registry lookup cache between workers on a cluster', async () => {
    await sharedStateWorks(envFor({ REDIS_CLUSTER_NODES: ports.map((p) => `127.0.0.1:${p}`).join(',') }), 'freshen');
  });

  it('shows why: without the hash tag BullMQ cannot add a job on a cluster', async () => {
    const target = envFor({ REDIS_CLUSTER_NODES: `127.0.0.1:${ports[0]}` });
    const connection = connectRedis(target);
    const queue = createQueue(connection, 'plain');
    await expect(queue.add('scan-repo', { installationId: 1, repoId: 1, owner: 'a', repo: 'b', reason: 't' })).rejects.toThrow(/CROSSSLOT|same slot/i);
    await queue.close();
    connection.disconnect();
  });
});
