// Worker health port, readiness that fails for the right reason, and the queue UI left unmounted.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { start, type Running } from '../../src/main.js';
import { basicAuthAccepts, sameSecret } from '../../src/observability/admin.js';
import { githubAppCheck, readiness } from '../../src/observability/health.js';
import { createLogger } from '../../src/observability/logging.js';
import { redisNamespace, type RedisNamespace } from '../support/app-harness.js';
import { GitHubSim, startSimServer, type SimServer } from '../support/github-sim/index.js';
import { appKeys } from '../support/github-sim/testing.js';

const quiet = createLogger({ level: 'silent' });
let sim: GitHubSim;
let server: SimServer;
let ns: RedisNamespace;
const running: Running[] = [];

function env(extra: Record<string, string>) {
  return loadEnv({
    APP_ID: String(sim.app.id), WEBHOOK_SECRET: 'health-secret', REDIS_URL: inject('redisUrl'), FRESHEN_REDIS_PREFIX: ns.prefix,
    PORT: '0', HEALTH_PORT: '0', HOST: '127.0.0.1', GHE_HOST: `127.0.0.1:${server.port}`, GHE_PROTOCOL: 'http', LOG_LEVEL: 'silent',
    PRIVATE_KEY: appKeys().privateKey, ...extra,
  });
}
const noScans = () => {
  throw new Error('no scans here');
};

beforeAll(async () => {
  sim = new GitHubSim({ publicKey: appKeys().publicKey });
  server = await startSimServer(sim);
  ns = redisNamespace(inject('redisUrl'));
});
afterAll(async () => {
  for (const r of running) await r.stop();
  await ns.close();
  await server.close();
});

describe('worker role', () => {
  it('serves /healthz, /readyz and /metrics on HEALTH_PORT', async () => {
    const worker = await start(env({ FRESHEN_ROLE: 'worker' }), noScans, { log: quiet, throttle: false });
    running.push(worker);
    expect(worker.port).toBeUndefined();
    const url = `http://127.0.0.1:${worker.healthPort}`;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, checks: { redis: 'ok', github: 'ok' } }]);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^freshen_queue_jobs\{state="waiting"\} 0$/m);
    expect((await fetch(`${url}/admin/queues`)).status).toBe(404);
  });

  it('is alive but not ready when GitHub refuses the app key', async () => {
    const wrongKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const worker = await start(env({ FRESHEN_ROLE: 'worker', PRIVATE_KEY: wrongKey.privateKey }), noScans, { log: quiet, throttle: false });
    running.push(worker);
    const url = `http://127.0.0.1:${worker.healthPort}`;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, string> };
    expect(body.checks.redis).toBe('ok');
    expect(body.checks.github).toMatch(/GET \/app answered 401/);
  });
});

describe('web role without ADMIN_USER/ADMIN_PASSWORD', () => {
  it('does not mount the queue UI', async () => {
    const web = await start(env({ FRESHEN_ROLE: 'web' }), noScans, { log: quiet, throttle: false });
    running.push(web);
    const res = await fetch(`http://127.0.0.1:${web.port}/admin/queues`, { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    expect(res.status).toBe(404);
  });
});

describe('readiness checks', () => {
  it('reports Redis down with its reason, and a check that hangs as a timeout', async () => {
    const result = await readiness([
      { name: 'redis', check: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) },
      { name: 'slow', check: () => new Promise(() => {}) },
    ], 50);
    expect(result).toEqual({ ready: false, checks: { redis: 'connect ECONNREFUSED 127.0.0.1:1', slow: 'no answer within 50 ms' } });
  });

  it('asks GitHub at most once per cache period while it succeeds', async () => {
    let calls = 0;
    let clock = 0;
    const check = githubAppCheck(async () => void calls++, 1_000, () => clock);
    await check.check();
    await check.check();
    clock = 1_500;
    await check.check();
    expect(calls).toBe(2);
  });
});

describe('basic auth', () => {
  it.each([
    ['ops:pw-123456', true],
    ['ops:pw-1234567', false],
    ['ops:pw-12345', false],
    ['opx:pw-123456', false],
    [':pw-123456', false],
  ])('%s accepted: %s', (pair, ok) => {
    expect(basicAuthAccepts(`Basic ${Buffer.from(pair).toString('base64')}`, 'ops', 'pw-123456')).toBe(ok);
  });
  it('refuses other schemes and garbage', () => {
    expect(basicAuthAccepts('Bearer abc', 'ops', 'pw')).toBe(false);
    expect(basicAuthAccepts(undefined, 'ops', 'pw')).toBe(false);
    expect(sameSecret('same', 'same')).toBe(true);
  });
});
