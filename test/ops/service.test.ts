// The real service (web + worker in one process) against the GitHub simulation: health, readiness,
// metrics after a full scan, the queue UI behind basic auth, and logs with job fields and no secrets.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { start, type Running } from '../../src/main.js';
import { createLogger } from '../../src/observability/logging.js';
import { configuredRegistryHosts } from '../../src/observability/metric-labels.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { registryScanContext } from '../../src/jobs/scan-context.js';
import { redisNamespace, sign, type RedisNamespace } from '../support/app-harness.js';
import { GitHubSim, startSimServer, type SimServer } from '../support/github-sim/index.js';
import { appKeys } from '../support/github-sim/testing.js';
import { pushIndex } from '../support/oci-push.js';
import { waitFor } from '../support/ports.js';

const registryHost = inject('registryHost');
const authRegistry = inject('basicAuthRegistry');
const webhookSecret = `whsec-${randomBytes(12).toString('hex')}`;
const adminPassword = `admin-${randomBytes(9).toString('hex')}`;

let sim: GitHubSim;
let server: SimServer;
let ns: RedisNamespace;
let running: Running;
let base: string;
const lines: string[] = [];

async function scanFinished(): Promise<boolean> {
  return lines.some((l) => l.includes('"scan finished"'));
}

beforeAll(async () => {
  sim = new GitHubSim({ publicKey: appKeys().publicKey });
  server = await startSimServer(sim);
  ns = redisNamespace(inject('redisUrl'));
  const image = `ops${randomBytes(4).toString('hex')}/node`;
  const privateImage = `ops${randomBytes(4).toString('hex')}/private`;
  const spec = (tag: string) => [{ platform: { os: 'linux', architecture: 'amd64' }, files: [{ 'v.txt': `${tag}\n` }] }];
  await pushIndex(`http://${registryHost}`, image, '1.0.0', spec('1.0.0'));
  await pushIndex(`http://${registryHost}`, image, '1.0.1', spec('1.0.1'));
  const basic = `Basic ${Buffer.from(`${authRegistry.username}:${authRegistry.password}`).toString('base64')}`;
  await pushIndex(`http://${authRegistry.host}`, privateImage, '2.0.0', spec('2.0.0'), { authorization: basic });

  const installation = sim.createInstallation({ account: 'acme' });
  const repo = sim.createRepo({
    owner: 'acme', name: 'api', installationId: installation.id,
    files: {
      Dockerfile: `FROM ${registryHost}/${image}:1.0.0\nFROM ${authRegistry.host}/${privateImage}:2.0.0\n`,
      '.github/freshen.yml': `registries:\n  - host: "${authRegistry.host}"\n    credentials: corp\n`,
    },
  });
  const env = loadEnv({
    FRESHEN_ROLE: 'all', APP_ID: String(sim.app.id), PRIVATE_KEY: appKeys().privateKey, WEBHOOK_SECRET: webhookSecret,
    REDIS_URL: inject('redisUrl'), FRESHEN_REDIS_PREFIX: ns.prefix, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'trace',
    GHE_HOST: `127.0.0.1:${server.port}`, GHE_PROTOCOL: 'http',
    FRESHEN_INSECURE_REGISTRIES: `${registryHost},${authRegistry.host}`,
    FRESHEN_REGISTRY_CREDENTIALS: JSON.stringify({ corp: { hosts: [authRegistry.host], username: authRegistry.username, password: authRegistry.password } }),
    ADMIN_USER: 'ops', ADMIN_PASSWORD: adminPassword, FRESHEN_OSV_URL: 'off',
  });
  const metrics = createMetrics({ registryHosts: configuredRegistryHosts(env) });
  const log = createLogger({ level: 'trace', secrets: [appKeys().privateKey, webhookSecret, authRegistry.password, adminPassword], destination: { write: (l: string) => lines.push(l) } });
  const scanContext = registryScanContext(env, { onResponse: (e) => metrics.registryResponse(e.host, e.status) });
  running = await start(env, scanContext, { log, metrics, throttle: false });
  base = `http://127.0.0.1:${running.port}`;

  const body = JSON.stringify({
    action: 'created',
    installation: { id: installation.id, account: { login: 'acme', id: installation.account.id, type: 'Organization' } },
    repositories: [{ id: repo.id, name: 'api', full_name: 'acme/api', private: true }],
    sender: { login: 'octo', type: 'User' },
  });
  const delivered = await fetch(`${base}/api/github/webhooks`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', 'x-github-event': 'installation', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(body, webhookSecret) },
  });
  expect(delivered.status).toBe(200);
  await waitFor(scanFinished, 'the first scan', 20_000);
}, 40_000);

afterAll(async () => {
  await running?.stop();
  await ns?.queue.obliterate({ force: true }).catch(() => undefined);
  await ns?.close();
  await server?.close();
});

describe('health and readiness', () => {
  it('answers /healthz and reports Redis and the app credentials ready on /readyz', async () => {
    const health = await fetch(`${base}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok']);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { redis: 'ok', github: 'ok' } });
  });
});

describe('metrics after a full scan', () => {
  let text: string;
  beforeAll(async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    text = await res.text();
  });
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);

  it('counts the completed scan job, its duration and the PR it opened', () => {
    expect(value(/^freshen_jobs_total\{type="scan-repo",outcome="completed"\} (\d+)/m)).toBe(1);
    expect(value(/^freshen_scan_duration_seconds_count (\d+)/m)).toBe(1);
    expect(value(/^freshen_pull_requests_total\{action="opened"\} (\d+)/m)).toBe(sim.pulls('acme', 'api').length);
    expect(sim.pulls('acme', 'api')).toHaveLength(1);
  });

  it('counts registry requests by host and status, including the auth challenge', () => {
    expect(value(new RegExp(`^freshen_registry_requests_total\\{host="${registryHost}",status="200"\\} (\\d+)`, 'm'))).toBeGreaterThan(0);
    expect(value(new RegExp(`^freshen_registry_requests_total\\{host="${authRegistry.host}",status="401"\\} (\\d+)`, 'm'))).toBeGreaterThan(0);
  });

  it('counts GitHub requests and keeps the remaining rate limit', () => {
    const githubGets = value(/^freshen_github_requests_total\{method="GET",status="200"\} (\d+)/m);
    expect(githubGets).toBeGreaterThan(0);
    expect(value(/^freshen_github_requests_total\{method="POST",status="201"\} (\d+)/m)).toBeGreaterThan(0);
    const remaining = value(/^freshen_github_rate_limit_remaining\{resource="core"\} (\d+)/m);
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThan(5000);
  });

  it('reports lookups, queue depth and process metrics', () => {
    expect(value(/^freshen_lookup_cache_total\{result="miss"\} (\d+)/m)).toBeGreaterThan(0);
    expect(text).toMatch(/^freshen_lookup_cache_hit_ratio [\d.]+$/m);
    expect(value(/^freshen_queue_jobs\{state="waiting"\} (\d+)/m)).toBe(0);
    expect(text).toMatch(/^freshen_queue_jobs\{state="delayed"\} \d+$/m);
    expect(text).toMatch(/^freshen_process_resident_memory_bytes \d+/m);
    expect(value(/^freshen_rebuild_dispatches_total\{[^}]*\} (\d+)/m)).toBeNaN();
  });
});

describe('queue UI', () => {
  const auth = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

  it('asks for credentials and refuses wrong ones', async () => {
    const none = await fetch(`${base}/admin/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect((await fetch(`${base}/admin/queues`, { headers: auth('ops', `${adminPassword}x`) })).status).toBe(401);
    expect((await fetch(`${base}/admin/queues`, { headers: auth('root', adminPassword) })).status).toBe(401);
  });

  it('serves the board and its API with the right credentials', async () => {
    const page = await fetch(`${base}/admin/queues`, { headers: auth('ops', adminPassword) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const api = await fetch(`${base}/admin/queues/api/queues`, { headers: auth('ops', adminPassword) });
    expect(api.status).toBe(200);
    const json = (await api.json()) as { queues: { name: string }[] };
    expect(json.queues.map((q) => q.name)).toEqual(['freshen']);
  });
});

describe('logs of a full scan', () => {
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

  it('are JSON lines, and every line of the scan job names installation, repo and job id', () => {
    const jobLines = parsed().filter((l) => l.jobName === 'scan-repo');
    expect(jobLines.length).toBeGreaterThan(3);
    for (const line of jobLines) {
      expect(line.installation).toEqual(expect.any(Number));
      expect(line.repo).toBe('acme/api');
      expect(line.job).toMatch(/^scan-\d+$/);
    }
    expect(jobLines.some((l) => l.msg === 'scan finished')).toBe(true);
  });

  it('contain none of the secrets the run used', () => {
    const all = lines.join('');
    expect(all.length).toBeGreaterThan(1000);
    const basicValue = Buffer.from(`${authRegistry.username}:${authRegistry.password}`).toString('base64');
    for (const secret of [webhookSecret, adminPassword, authRegistry.password, basicValue, 'BEGIN PRIVATE KEY', appKeys().privateKey.split('\n')[1]!]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toMatch(/ghs_[A-Za-z0-9_-]{10}/);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.eyJ/);
    expect(sim.tokens.size).toBeGreaterThan(0);
    for (const token of sim.tokens.keys()) expect(all).not.toContain(token);
  });
});
