// OS info and package facts of an image through the shared cache: two workers asking at the same moment read its layers once.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, expect, inject, it } from 'vitest';
import { RedisLookupCache, sharedOsInfoCache } from '../../src/cache/index.js';
import { sharedImageFactsCache } from '../../src/insight/image-facts-cache.js';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { createHttpClient } from '../../src/http/index.js';
import { readImageOs } from '../../src/image/registry-os.js';
import { readImageFacts, type ImageInspector } from '../../src/insight/image-facts.js';
import { pushIndex } from '../support/oci-push.js';

const registryHost = inject('registryHost');
const redisUrl = inject('redisUrl');
const opened: { close(): unknown }[] = [];
afterAll(async () => {
  for (const o of opened) await o.close();
});

/** One worker process: its own Redis connection, HTTP client and OCI client; it counts the layers it opens. */
function worker(prefix: string): { registry: ImageInspector; cache: RedisLookupCache; layersOpened: () => number } {
  const redis = new Redis(redisUrl, { keyPrefix: prefix });
  const http = createHttpClient({ insecureHosts: [registryHost], retryBaseMs: 10 });
  opened.push({ close: () => redis.disconnect() }, http);
  const cache = new RedisLookupCache(redis);
  const oci = createOciClient({ http, cache, dockerConfigDir: join(tmpdir(), 'freshen-no-docker-config') });
  let opens = 0;
  const registry: ImageInspector = {
    getManifest: (depName, ref) => oci.getManifest(depName, ref),
    getImageConfig: (depName, ref, platform) => oci.getImageConfig(depName, ref, platform),
    getBlobStream: (depName, digest): Promise<Readable> => {
      opens++;
      return oci.getBlobStream(depName, digest);
    },
  };
  return { registry, cache, layersOpened: () => opens };
}

it('reads an image\'s layers once when two workers ask for its OS at the same moment', async () => {
  const name = `os${randomBytes(4).toString('hex')}/base`;
  const osRelease = 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';
  await pushIndex(`http://${registryHost}`, name, '1.0', [{ files: [{ 'etc/os-release': osRelease }] }]);
  const prefix = `to${randomBytes(4).toString('hex')}:`;
  const [a, b] = [worker(prefix), worker(prefix)];
  const image = { depName: `${registryHost}/${name}`, ref: '1.0', platform: 'linux/amd64' };
  const [fromA, fromB] = await Promise.all([a, b].map((w) => readImageOs(w.registry, image, { cache: sharedOsInfoCache(w.cache, 'public', undefined) })));
  expect(fromA!.label).toBe('debian 12 (bookworm)');
  expect(fromB!.info).toEqual(fromA!.info);
  expect(a.layersOpened() + b.layersOpened()).toBe(1);
});

it('reads an image\'s layers once for the package facts of two workers asking at the same moment', async () => {
  const name = `pk${randomBytes(4).toString('hex')}/base`;
  const status = 'Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9\n\n';
  await pushIndex(`http://${registryHost}`, name, '1.0', [{ files: [{ 'etc/os-release': 'ID=debian\nVERSION_ID="12"\n', 'var/lib/dpkg/status': status }] }]);
  const prefix = `tf${randomBytes(4).toString('hex')}:`;
  const [a, b] = [worker(prefix), worker(prefix)];
  const read = (w: typeof a) => readImageFacts(w.registry, `${registryHost}/${name}`, '1.0', 'linux/amd64', { cache: sharedImageFactsCache(w.cache, 'public', undefined) });
  const [fromA, fromB] = await Promise.all([read(a), read(b)]);
  expect(fromA.distro).toBe('debian');
  expect(JSON.stringify(fromA.installed)).toContain('libc6');
  expect(fromB.installed).toEqual(fromA.installed);
  expect(a.layersOpened() + b.layersOpened()).toBe(1);
});
