// Registry host budgets through the real HTTP client: configured windows and a host's Retry-After, shared by all workers in Redis.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { budgetSettingsFromEnv, registryBudget, RequestBudget } from '../../src/budget/index.js';
import { createHttpClient, RateLimitError } from '../../src/http/index.js';

const connections: Redis[] = [];
let server: Server;
let host: string;
let hits = 0;
let answer429 = false;

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits++;
    if (answer429) return void res.writeHead(429, { 'retry-after': '120' }).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  connections.forEach((c) => c.disconnect());
  await new Promise((resolve) => server.close(resolve));
});

/** Two workers: each its own Redis connection and HTTP client, one ledger. */
function workers(windows: Record<string, { windowMs: number; limit: number }[]>) {
  const prefix = `rb${randomBytes(4).toString('hex')}:`;
  return [0, 1].map(() => {
    const redis = new Redis(inject('redisUrl'), { keyPrefix: prefix });
    connections.push(redis);
    const hostBudget = registryBudget(new RequestBudget(redis), windows, 0);
    return createHttpClient({ insecureHosts: [host], hostBudget, retries: 0 });
  });
}

describe('registry budgets', () => {
  it('refuses a request past the configured window on any worker, without sending it', async () => {
    answer429 = false;
    const [a, b] = workers({ [host]: [{ windowMs: 3_600_000, limit: 2 }] });
    const before = hits;
    await a!.request(`http://${host}/v2/`);
    await b!.request(`http://${host}/v2/`);
    const third = await a!.request(`http://${host}/v2/`).catch((err: unknown) => err);
    expect(third).toBeInstanceOf(RateLimitError);
    expect((third as RateLimitError).retryAfterMs).toBeGreaterThan(3_500_000);
    expect(hits - before).toBe(2);
  });

  it("pauses every worker for a host's Retry-After", async () => {
    const [a, b] = workers({});
    answer429 = true;
    await a!.request(`http://${host}/v2/`).catch(() => undefined);
    answer429 = false;
    const before = hits;
    const next = await b!.request(`http://${host}/v2/`).catch((err: unknown) => err);
    expect(next).toBeInstanceOf(RateLimitError);
    expect(hits).toBe(before);
  });

  it('reads FRESHEN_REGISTRY_BUDGETS, and names it when it is not the expected JSON', () => {
    const settings = budgetSettingsFromEnv({ FRESHEN_REGISTRY_BUDGETS: '{"docker.io": [{"windowSeconds": 21600, "limit": 100}]}' });
    expect(settings.registryWindows).toEqual({ 'docker.io': [{ windowMs: 21_600_000, limit: 100 }] });
    expect(() => budgetSettingsFromEnv({ FRESHEN_REGISTRY_BUDGETS: '[1]' })).toThrow(/FRESHEN_REGISTRY_BUDGETS: must be JSON/);
  });
});
