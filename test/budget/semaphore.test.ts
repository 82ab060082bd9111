// The shared in-flight limit: at most N requests of one installation at once across connections (workers).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { ProbotOctokit } from 'probot';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_BUDGET, limitConcurrentRequests, RedisSemaphore } from '../../src/budget/index.js';

const redisUrl = inject('redisUrl');
const connections: Redis[] = [];
const servers: Server[] = [];
function twoWorkers(options = {}): [RedisSemaphore, RedisSemaphore] {
  const prefix = `ts${randomBytes(4).toString('hex')}:`;
  const a = new Redis(redisUrl, { keyPrefix: prefix });
  const b = new Redis(redisUrl, { keyPrefix: prefix });
  connections.push(a, b);
  return [new RedisSemaphore(a, options), new RedisSemaphore(b, options)];
}
afterAll(() => {
  connections.forEach((c) => c.disconnect());
  servers.forEach((s) => s.close());
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until `check` holds or 5 s pass, so a count does not depend on how fast holders arrive on a loaded machine. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check() && Date.now() < deadline) await sleep(5);
}

describe('RedisSemaphore', () => {
  it('lets at most `limit` holders in at once across two connections, and all of them in turn', async () => {
    const [a, b] = twoWorkers();
    let inside = 0;
    let most = 0;
    const done: number[] = [];
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).run('gh-in-flight:1', 3, async () => {
      inside++;
      most = Math.max(most, inside);
      // Held until the limit was reached once: a semaphore letting in too few fails, not a slow machine.
      await until(() => most >= 3);
      await sleep(30);
      inside--;
      done.push(i);
    })));
    expect(most).toBe(3);
    expect(done.sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(await a.held('gh-in-flight:1')).toBe(0);
  });

  it('gives back the place of a holder that never released it when its lease ends', async () => {
    const [a, b] = twoWorkers({ leaseMs: 300 });
    // Before the first acquire: its lease starts no earlier, however slowly Redis answers.
    const started = Date.now();
    await a.acquire('gh-in-flight:2', 1); // a worker that died holding it
    const release = await b.acquire('gh-in-flight:2', 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    await release();
    expect(await b.held('gh-in-flight:2')).toBe(0);
  });

  it('keeps separate installations apart', async () => {
    const [a, b] = twoWorkers();
    await a.acquire('gh-in-flight:3', 1);
    const other = await Promise.race([b.acquire('gh-in-flight:4', 1).then(() => 'granted'), sleep(5_000).then(() => 'waiting')]);
    expect(other).toBe('granted');
  });
});

describe('limitConcurrentRequests', () => {
  it('keeps two workers\' clients of one installation under the limit at a real server', async () => {
    let inFlight = 0;
    let most = 0;
    const server = createServer((_req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      void until(() => most >= 4).then(() => setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }, 40));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const settings = { ...DEFAULT_BUDGET, concurrentRequests: 4 };
    const clients = twoWorkers().map((semaphore) =>
      limitConcurrentRequests(new ProbotOctokit({ baseUrl, throttle: { enabled: false }, retry: { enabled: false } }), 7, semaphore, settings));
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => clients[i % 2]!.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: `r${i}` })));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(most).toBe(4);
  });
});
