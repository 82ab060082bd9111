// The OCI client through the shared cache: one registry request per fleet, private answers kept per installation.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, expect, inject, it } from 'vitest';
import { RedisLookupCache } from '../../src/cache/index.js';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { createHttpClient, type HttpClient } from '../../src/http/index.js';
import { pushImage, pushIndex } from '../support/oci-push.js';

const registryHost = inject('registryHost');
const basic = inject('basicAuthRegistry');
const redisUrl = inject('redisUrl');
const opened: { close(): unknown }[] = [];
const noDockerConfig = join(tmpdir(), 'freshen-no-docker-config');
afterAll(async () => {
  for (const o of opened) await o.close();
});

function sharedRedis(prefix: string): Redis {
  const redis = new Redis(redisUrl, { keyPrefix: prefix });
  opened.push({ close: () => redis.disconnect() });
  return redis;
}
function http(): HttpClient {
  const client = createHttpClient({ insecureHosts: [registryHost, basic.host], retryBaseMs: 10 });
  opened.push(client);
  return client;
}

it('makes one registry request for many concurrent lookups from two workers', async () => {
  const image = `${registryHost}/co${randomBytes(4).toString('hex')}/base`;
  const pushed = await pushIndex(`http://${registryHost}`, image.slice(registryHost.length + 1), '1.0', [{}]);
  const prefix = `tc${randomBytes(4).toString('hex')}:`;
  const workers = [0, 1].map(() => ({ http: http(), cache: new RedisLookupCache(sharedRedis(prefix)) }));
  // Each scan makes its own client, as jobs do; the cache is what they share.
  const scans = Array.from({ length: 10 }, (_, i) => {
    const w = workers[i % 2]!;
    return createOciClient({ http: w.http, cache: w.cache, installationId: i, dockerConfigDir: noDockerConfig });
  });
  const digests = await Promise.all(scans.map((s) => s.getDigest(image, '1.0')));
  expect(new Set(digests)).toEqual(new Set([pushed.digest]));
  const tags = await Promise.all(scans.map((s) => s.getTags(image)));
  expect(tags.every((t) => t.join() === '1.0')).toBe(true);
  const requests = workers.reduce((n, w) => n + w.http.stats.total, 0);
  // Once for the whole fleet: the /v2/ challenge (a TLS try, then plain HTTP on this loopback
  // registry), one HEAD for the digest, one tag list.
  expect(requests).toBe(4);
});

it('does not show one installation an answer that needed another installation\'s credentials', async () => {
  const name = `pv${randomBytes(4).toString('hex')}/secret`;
  const auth = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
  const pushed = await pushImage(`http://${basic.host}`, name, '1.0', {}, { authorization: auth });
  const cache = new RedisLookupCache(sharedRedis(`tc${randomBytes(4).toString('hex')}:`));
  const image = `${basic.host}/${name}`;
  const withCredentials = createOciClient({
    http: http(), cache, installationId: 1, dockerConfigDir: noDockerConfig,
    credentials: { [basic.host]: { username: basic.username, password: basic.password } },
  });
  expect(await withCredentials.getDigest(image, '1.0')).toBe(pushed.digest);

  const otherInstallation = createOciClient({ http: http(), cache, installationId: 2, dockerConfigDir: noDockerConfig });
  await expect(otherInstallation.getDigest(image, '1.0')).rejects.toThrow(/401/);
  // The same installation's next scan is answered from the cache.
  const again = http();
  const sameInstallation = createOciClient({
    http: again, cache, installationId: 1, dockerConfigDir: noDockerConfig,
    credentials: { [basic.host]: { username: basic.username, password: basic.password } },
  });
  expect(await sameInstallation.getDigest(image, '1.0')).toBe(pushed.digest);
  expect(again.stats.total).toBe(0);
});

it('revalidates a tag list with If-None-Match after its TTL, or refetches when the registry sends no ETag', async () => {
  const image = `${registryHost}/rv${randomBytes(4).toString('hex')}/base`;
  await pushImage(`http://${registryHost}`, image.slice(registryHost.length + 1), '1.0');
  const cache = new RedisLookupCache(sharedRedis(`tc${randomBytes(4).toString('hex')}:`));
  // Three seconds: pushing 1.1 below fits inside them on a loaded machine.
  const ttls = { tagDigestSeconds: 3, tagListSeconds: 3, contentSeconds: undefined, revalidateKeepSeconds: 60, mirrorFileSeconds: 60 };
  const first = createOciClient({ http: http(), cache, ttls, dockerConfigDir: noDockerConfig });
  expect(await first.getTags(image)).toEqual(['1.0']);
  await pushImage(`http://${registryHost}`, image.slice(registryHost.length + 1), '1.1');
  const cached = createOciClient({ http: http(), cache, ttls, dockerConfigDir: noDockerConfig });
  expect(await cached.getTags(image)).toEqual(['1.0']);
  await new Promise((r) => setTimeout(r, 3_100));
  const later = createOciClient({ http: http(), cache, ttls, dockerConfigDir: noDockerConfig });
  expect((await later.getTags(image)).sort()).toEqual(['1.0', '1.1']);
});
