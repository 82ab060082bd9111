// A repository naming many registry hosts (and a registry answering odd statuses) adds no /metrics series: labels come from a fixed set.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { scan } from '../../src/engine/index.js';
import type { FileSource } from '../../src/engine/types.js';
import { createHttpClient, type HttpClient } from '../../src/http/index.js';
import { configuredRegistryHosts, registryHostLabel, statusLabel } from '../../src/observability/metric-labels.js';
import { createMetrics, type FreshenMetrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/types.js';
import { testKeys, WEBHOOK_SECRET } from '../support/app-harness.js';
import { pushIndex } from '../support/oci-push.js';
import { startLoopbackServer, type LoopbackServer } from '../http/loopback-server.js';

const registryHost = inject('registryHost');
const hostile = Array.from({ length: 50 }, () => `r${randomBytes(6).toString('hex')}.attacker.example`);
/** A subdomain of a public registry is as free to name: it must fold into that registry's label. */
const publicSubdomains = Array.from({ length: 5 }, () => `x${randomBytes(4).toString('hex')}.gcr.io`);
let oddRegistry: LoopbackServer;
let metrics: FreshenMetrics;
let http: HttpClient;
let text: string;

/** DNS as the internet would answer names nobody registered; IP literals pass through. */
async function lookup(hostname: string): Promise<{ address: string; family: number }[]> {
  if (/^[\d.]+$/.test(hostname)) return [{ address: hostname, family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
}

function files(entries: Record<string, string>): FileSource {
  return { list: async () => Object.keys(entries), read: async (path) => entries[path]! };
}

beforeAll(async () => {
  const image = `labels${randomBytes(4).toString('hex')}/app`;
  await pushIndex(`http://${registryHost}`, image, '1.0.0', [{ files: [{ 'v.txt': '1\n' }] }]);
  // A registry the operator listed that answers each request with a status of its choosing.
  oddRegistry = await startLoopbackServer((_req, res, index) => void res.writeHead([299, 418, 451, 599, 777, 999][index % 6]!).end());
  const env = loadEnv({
    APP_ID: '1', PRIVATE_KEY: testKeys.privateKey, WEBHOOK_SECRET, REDIS_URL: inject('redisUrl'),
    FRESHEN_INSECURE_REGISTRIES: `${registryHost},${oddRegistry.host}`,
  });
  metrics = createMetrics({ processMetrics: false, registryHosts: configuredRegistryHosts(env) });
  // Wired as main() wires the scan context's client to the metrics.
  http = createHttpClient({ insecureHosts: env.FRESHEN_INSECURE_REGISTRIES, lookup, retries: 0, onResponse: (e) => metrics.registryResponse(e.host, e.status) });
  const dockerfiles: Record<string, string> = { 'Dockerfile': `FROM ${registryHost}/${image}:1.0.0\n` };
  hostile.forEach((host, i) => (dockerfiles[`hostile${i}/Dockerfile`] = `FROM ${host}/app:1.0\n`));
  publicSubdomains.forEach((host, i) => (dockerfiles[`public${i}/Dockerfile`] = `FROM ${host}/team/app:1.0\n`));
  for (let i = 0; i < 12; i++) dockerfiles[`odd${i}/Dockerfile`] = `FROM ${oddRegistry.host}/odd${i}/app:1.0\n`;
  const result = await scan(files(dockerfiles), { images: createOciClient({ http, log: silentLogger }), log: silentLogger });
  expect(result.errors.length).toBeGreaterThanOrEqual(hostile.length);
  text = await metrics.render();
}, 60_000);

afterAll(async () => {
  await http?.close();
  await oddRegistry?.close();
});

/** label values of freshen_registry_requests_total, and each series' count. */
function series(): { host: string; status: string; count: number }[] {
  return [...text.matchAll(/^freshen_registry_requests_total\{host="([^"]*)",status="([^"]*)"\} (\d+)$/gm)].map((m) => ({ host: m[1]!, status: m[2]!, count: Number(m[3]) }));
}

describe('registry request metrics after scanning Dockerfiles that name 50 random hosts', () => {
  it('labels them all `other`: the host label takes only configured, public-registry and `other` values', () => {
    const hosts = new Set(series().map((s) => s.host));
    expect([...hosts].sort()).toEqual(['gcr.io', oddRegistry.host, 'other', registryHost].sort());
    const other = series().filter((s) => s.host === 'other').reduce((sum, s) => sum + s.count, 0);
    expect(other).toBeGreaterThanOrEqual(hostile.length);
    for (const host of [...hostile, ...publicSubdomains]) expect(text).not.toContain(host);
  });

  it('the configured registry keeps its own label with real statuses', () => {
    expect(series().some((s) => s.host === registryHost && s.status === '200' && s.count > 0)).toBe(true);
  });

  it('a registry answering statuses of its choosing adds at most a class per hundred', () => {
    const statuses = new Set(series().filter((s) => s.host === oddRegistry.host).map((s) => s.status));
    expect(oddRegistry.requests.length).toBeGreaterThanOrEqual(6);
    // 299, 418, 451, 599, 777, 999: none is a status registries commonly answer (some fail the client: error).
    for (const status of statuses) expect(['2xx', '4xx', '5xx', 'other', 'error']).toContain(status);
    expect(statuses.has('other')).toBe(true);
  });
});

describe('label functions', () => {
  it('maps hosts to the public registry they belong to, a configured entry as written, or other', () => {
    const label = registryHostLabel(['mirror.corp.example:5000', 'Registry.Corp.Example', '[::1]:5000']);
    expect(label('registry-1.docker.io')).toBe('docker.io');
    expect(label('auth.docker.io')).toBe('docker.io');
    expect(label('us-docker.pkg.dev')).toBe('pkg.dev');
    expect(label('GHCR.IO.')).toBe('ghcr.io');
    expect(label('ghcr.io:8443')).toBe('ghcr.io');
    expect(label('mirror.corp.example:5000')).toBe('mirror.corp.example:5000');
    expect(label('mirror.corp.example:5001')).toBe('other');
    expect(label('registry.corp.example:443')).toBe('registry.corp.example');
    expect(label('[::1]:5000')).toBe('[::1]:5000');
    expect(label('ghcr.io.attacker.example')).toBe('other');
    expect(label('notghcr.io')).toBe('other');
  });

  it('keeps common statuses and folds the rest into classes', () => {
    expect([200, 404, 429, 'error' as const, 299, 599, 777, 99].map(statusLabel)).toEqual(['200', '404', '429', 'error', '2xx', '5xx', 'other', 'other']);
  });
});
