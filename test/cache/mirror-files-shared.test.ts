// OS package indexes through the shared cache: workers fetch each Release and index once for the fleet; credentialed mirrors stay per installation.
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { MemoryLookupCache, RedisLookupCache } from '../../src/cache/index.js';
import { sharedMirrorFiles } from '../../src/datasources/mirror-files-cache.js';
import { MAX_SHARED_FILE_BYTES } from '../../src/datasources/mirror-files-cache.js';
import { AlpineIndex } from '../../src/datasources/alpine/index.js';
import { DebianIndex, type FetchIndexFile } from '../../src/datasources/debian/index.js';
import { plainFetchIndex, startOsMirror, type MirrorSpec, type OsMirror } from '../support/os-mirror.js';

const redisUrl = inject('redisUrl');
const connections: Redis[] = [];
let mirror: OsMirror | undefined;

afterEach(async () => {
  await mirror?.close();
  mirror = undefined;
});
afterAll(() => {
  for (const r of connections) r.disconnect();
});

const spec = (): MirrorSpec => ({
  debian: {
    debian: [{ suite: 'bookworm', components: { main: { amd64: [{ Package: 'curl', Version: '7.88.1-10+deb12u5' }, { Package: 'tzdata', Version: '2024a-0+deb12u1', Architecture: 'all' }] } } }],
  },
  alpine: { 'alpine/v3.20/main': { x86_64: [{ P: 'openssl', V: '3.3.2-r1' }, { P: 'jq', V: '1.7.1-r0' }] } },
});

/** Fetch a mirror URL written with `user:pass@` (the test mirror does not check it; fetch refuses URLs with credentials). */
const fetchWithoutCredentials: FetchIndexFile = (url, validators) => {
  const plain = new URL(url);
  plain.username = '';
  plain.password = '';
  return plainFetchIndex(plain.href, validators);
};

/** A fresh Redis namespace per test: what the workers of one fleet share. */
function fleet() {
  const prefix = `mirror-${randomBytes(4).toString('hex')}:`;
  const redis = () => {
    const r = new Redis(redisUrl, { keyPrefix: prefix });
    connections.push(r);
    return r;
  };
  const admin = redis();
  return {
    /** One worker process: its own Redis connection and its own in-memory indexes. */
    worker(installationId: number) {
      const shared = sharedMirrorFiles(new RedisLookupCache(redis()), installationId, 3600);
      return { debian: new DebianIndex(fetchWithoutCredentials, { shared }), alpine: new AlpineIndex(fetchWithoutCredentials, { shared }) };
    },
    /** Stored keys without the connection prefix. */
    keys: async () => (await admin.keys(`${prefix}*`)).map((k) => k.slice(prefix.length)),
    /** Overwrites a stored value with raw text (a damaged Redis, or a value of another format). */
    overwrite: (key: string, text: string) => admin.set(key, text),
    /** Overwrites every stored value. */
    overwriteAll: async (text: string) => {
      for (const key of await admin.keys(`${prefix}*`)) await admin.set(key.slice(prefix.length), text);
    },
  };
}

const debianSources = (url: string) => [{ uri: `${url}/debian`, suite: 'bookworm', components: ['main'] }];
const alpineRepos = (url: string) => [{ url: `${url}/alpine/v3.20/main` }];
const debianRequests = () => mirror!.requests.filter((r) => r.includes('/debian/'));
const alpineRequests = () => mirror!.requests.filter((r) => r.includes('/alpine/'));

describe('Debian indexes shared by workers', () => {
  it('fetches the Release and the Packages index once when two workers ask at the same moment', async () => {
    mirror = await startOsMirror(spec());
    const { worker } = fleet();
    const [a, b] = [worker(1), worker(2)];
    const answers = await Promise.all([a, b, a, b].map((w, i) => w.debian.getVersions(debianSources(mirror!.url), 'amd64', i % 2 ? 'tzdata' : 'curl')));
    expect(answers.map((found) => found.map((v) => v.version))).toEqual([['7.88.1-10+deb12u5'], ['2024a-0+deb12u1'], ['7.88.1-10+deb12u5'], ['2024a-0+deb12u1']]);
    expect(debianRequests()).toEqual(['GET /debian/dists/bookworm/InRelease 200', expect.stringMatching(/binary-amd64\/Packages\.(xz|gz) 200$/)]);

    // A third worker starting later reads both from Redis.
    const later = await worker(3).debian.getVersions(debianSources(mirror.url), 'amd64', 'curl');
    expect(later.map((v) => v.version)).toEqual(['7.88.1-10+deb12u5']);
    expect(debianRequests()).toHaveLength(2);
  });

  it('keeps a mirror URL with credentials to its installation and the credentials out of the keys', async () => {
    mirror = await startOsMirror(spec());
    const { worker, keys } = fleet();
    const privateSources = debianSources(mirror.url.replace('http://', 'http://reader:s3cret-word@'));
    await worker(7).debian.getVersions(privateSources, 'amd64', 'curl');
    await worker(7).debian.getVersions(privateSources, 'amd64', 'curl');
    expect(debianRequests()).toHaveLength(2);

    const other = await worker(8).debian.getVersions(privateSources, 'amd64', 'curl');
    expect(other.map((v) => v.version)).toEqual(['7.88.1-10+deb12u5']);
    expect(debianRequests()).toHaveLength(4);
    const stored = await keys();
    expect(stored.filter((k) => !k.includes(':lock:')).every((k) => k.includes(':inst-7:') || k.includes(':inst-8:'))).toBe(true);
    expect(stored.some((k) => k.includes('s3cret') || k.includes('reader'))).toBe(false);
  });

  it('falls back to the mirror when the stored Release or index does not read, and stores a good copy', async () => {
    mirror = await startOsMirror(spec());
    const { worker, overwriteAll } = fleet();
    await worker(1).debian.getVersions(debianSources(mirror.url), 'amd64', 'curl');
    for (const damaged of ['not json at all', JSON.stringify({ v: { release: 'garbage' } }), JSON.stringify({ v: 'AAAA' })]) {
      await overwriteAll(damaged);
      const found = await worker(2).debian.getVersions(debianSources(mirror.url), 'amd64', 'curl');
      expect(found.map((v) => v.version)).toEqual(['7.88.1-10+deb12u5']);
    }
    expect(debianRequests()).toHaveLength(2 * 4);
    await worker(3).debian.getVersions(debianSources(mirror.url), 'amd64', 'curl');
    expect(debianRequests()).toHaveLength(2 * 4);
  });
});

describe('Alpine indexes shared by workers', () => {
  it('fetches an APKINDEX once when two workers ask at the same moment', async () => {
    mirror = await startOsMirror(spec());
    const { worker } = fleet();
    const [a, b] = [worker(1), worker(2)];
    const answers = await Promise.all([a, b, a, b].map((w, i) => w.alpine.getVersions(alpineRepos(mirror!.url), 'x86_64', i % 2 ? 'jq' : 'openssl')));
    expect(answers.map((found) => found.map((v) => v.version))).toEqual([['3.3.2-r1'], ['1.7.1-r0'], ['3.3.2-r1'], ['1.7.1-r0']]);
    expect(alpineRequests()).toEqual(['GET /alpine/v3.20/main/x86_64/APKINDEX.tar.gz 200']);

    const later = await worker(3).alpine.getVersions(alpineRepos(mirror.url), 'x86_64', 'openssl');
    expect(later.map((v) => v.version)).toEqual(['3.3.2-r1']);
    expect(alpineRequests()).toHaveLength(1);
  });

  it('shares that a repository has no index for an arch', async () => {
    mirror = await startOsMirror(spec());
    const { worker } = fleet();
    expect(await worker(1).alpine.getVersions(alpineRepos(mirror.url), 'riscv64', 'openssl')).toEqual([]);
    expect(await worker(2).alpine.getVersions(alpineRepos(mirror.url), 'riscv64', 'openssl')).toEqual([]);
    expect(alpineRequests()).toEqual(['GET /alpine/v3.20/main/riscv64/APKINDEX.tar.gz 404']);
  });

  it('keeps a repository URL with credentials to its installation', async () => {
    mirror = await startOsMirror(spec());
    const { worker, keys } = fleet();
    const privateRepos = alpineRepos(mirror.url.replace('http://', 'http://reader:s3cret-word@'));
    await worker(7).alpine.getVersions(privateRepos, 'x86_64', 'openssl');
    await worker(7).alpine.getVersions(privateRepos, 'x86_64', 'openssl');
    expect(alpineRequests()).toHaveLength(1);
    await worker(8).alpine.getVersions(privateRepos, 'x86_64', 'openssl');
    expect(alpineRequests()).toHaveLength(2);
    expect((await keys()).some((k) => k.includes(':public:') || k.includes('s3cret'))).toBe(false);
  });

  it('falls back to the mirror when the stored entries do not read', async () => {
    mirror = await startOsMirror(spec());
    const { worker, overwriteAll } = fleet();
    await worker(1).alpine.getVersions(alpineRepos(mirror.url), 'x86_64', 'openssl');
    for (const damaged of ['{"v":', JSON.stringify({ v: { sha256: 'not-a-checksum', checkedAt: 0 } })]) {
      await overwriteAll(damaged);
      const found = await worker(2).alpine.getVersions(alpineRepos(mirror.url), 'x86_64', 'openssl');
      expect(found.map((v) => v.version)).toEqual(['3.3.2-r1']);
    }
    expect(alpineRequests()).toHaveLength(3);
    await worker(3).alpine.getVersions(alpineRepos(mirror.url), 'x86_64', 'openssl');
    expect(alpineRequests()).toHaveLength(3);
  });

  it('reads the bytes again from the mirror when only the stored copy of the index is damaged', async () => {
    mirror = await startOsMirror(spec());
    const { worker, keys, overwrite } = fleet();
    await worker(1).alpine.getVersions(alpineRepos(mirror.url), 'x86_64', 'openssl');
    const fileKey = (await keys()).find((k) => k.includes(':mirror-file:'))!;
    await overwrite(fileKey, JSON.stringify({ v: Buffer.from('other bytes').toString('base64') }));
    const found = await worker(2).alpine.getVersions(alpineRepos(mirror.url), 'x86_64', 'openssl');
    expect(found.map((v) => v.version)).toEqual(['3.3.2-r1']);
    expect(alpineRequests()).toEqual(['GET /alpine/v3.20/main/x86_64/APKINDEX.tar.gz 200', 'GET /alpine/v3.20/main/x86_64/APKINDEX.tar.gz 200']);
  });
});

describe('what is too large to share', () => {
  it('keeps an index above the size cap out of Redis: each worker fetches it, and gets it', async () => {
    const cache = new MemoryLookupCache();
    const shared = sharedMirrorFiles(cache, 1, 3600);
    const huge = Buffer.alloc(MAX_SHARED_FILE_BYTES + 1, 1);
    const sha256 = createHash('sha256').update(huge).digest('hex');
    let loads = 0;
    const load = async () => {
      loads++;
      return huge;
    };
    expect((await shared.content('http://127.0.0.1:9/debian/dists/x/main/binary-amd64/Packages.xz', sha256, load)).length).toBe(huge.length);
    expect((await shared.content('http://127.0.0.1:9/debian/dists/x/main/binary-amd64/Packages.xz', sha256, load)).length).toBe(huge.length);
    expect(loads).toBe(2);
    const small = Buffer.from('Package: curl\n');
    const smallSha = createHash('sha256').update(small).digest('hex');
    await shared.content('http://127.0.0.1:9/debian/dists/x/main/binary-amd64/Packages', smallSha, async () => small);
    expect(await cache.get(`lookup:public:mirror-file:${smallSha}`)).toBe(small.toString('base64'));
    expect(await cache.get(`lookup:public:mirror-file:${sha256}`)).toBeUndefined();
  });
});
