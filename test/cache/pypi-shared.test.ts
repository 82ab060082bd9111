// PyPI metadata through the shared cache: one index request per project for all workers; credentialed indexes stay per installation.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { RedisLookupCache } from '../../src/cache/index.js';
import { sharedPypi } from '../../src/datasources/pypi/cache.js';
import { createPypiDatasource } from '../../src/datasources/pypi/index.js';
import { createHttpClient } from '../../src/http/index.js';
import { startPypiIndex, type PypiIndex } from '../support/pypi-index.js';

const redises: Redis[] = [];
let index: PypiIndex;
const prefix = `pypi-shared-${randomBytes(4).toString('hex')}:`;

beforeAll(async () => {
  index = await startPypiIndex([{ name: 'attrs', releases: [{ version: '23.1.0', files: ['attrs-23.1.0.tar.gz'] }] }]);
});
afterAll(async () => {
  const redis = new Redis(inject('redisUrl'));
  const keys = await redis.keys(`${prefix}*`);
  expect(keys.some((k) => k.includes('secret'))).toBe(false);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  for (const r of redises) r.disconnect();
  await index?.close();
});

/** One worker: its own Redis connection and HTTP client. */
function worker(installationId: number) {
  const redis = new Redis(inject('redisUrl'), { keyPrefix: prefix });
  redises.push(redis);
  const direct = createPypiDatasource({ http: createHttpClient({ insecureHosts: [index.host] }) });
  return sharedPypi(direct, new RedisLookupCache(redis), installationId, 600);
}

const asked = () => index.requests.filter((p) => p.includes('attrs')).length;

it('answers concurrent lookups of two workers with one index request', async () => {
  const [a, b] = [worker(1), worker(2)];
  const before = asked();
  const answers = await Promise.all([a, b, a, b].map((w) => w.getProject('attrs', index.url)));
  expect(answers.map((p) => p.releases.map((r) => r.version))).toEqual(Array(4).fill(['23.1.0']));
  expect(asked() - before).toBe(1);
  await worker(3).getProject('Attrs', index.url);
  expect(asked() - before).toBe(1);
});

it('keeps an index that carries credentials to its installation, and the token out of the key', async () => {
  const withToken = index.url.replace('http://', 'http://user:secret@');
  const before = asked();
  await worker(7).getProject('attrs', withToken);
  await worker(7).getProject('attrs', withToken);
  expect(asked() - before).toBe(1);
  await worker(8).getProject('attrs', withToken);
  expect(asked() - before).toBe(2);
});
