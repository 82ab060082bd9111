// OS package pins end to end: synthetic base images in the real registry, a loopback mirror, the engine with the os-pins planner.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MemoryLookupCache } from '../../src/cache/index.js';
import { groupUpdates } from '../../src/config/groups.js';
import { defaultRepoConfig } from '../../src/config/repo-config.js';
import { createDatasources } from '../../src/datasources/index.js';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { applyUpdates, scan } from '../../src/engine/index.js';
import { createOsPinsPlanner, packageIndexes, parseOsMirrors } from '../../src/engine/planners/os-pins.js';
import type { FileSource, ScanResult } from '../../src/engine/types.js';
import { createHttpClient, type HttpClient } from '../../src/http/index.js';
import { registryScanContext } from '../../src/jobs/scan-context.js';
import { silentLogger } from '../../src/types.js';
import { hasXz, startOsMirror, type MirrorSpec, type OsMirror } from '../support/os-mirror.js';
import { buildLayer, pushImage } from '../support/oci-push.js';

const host = inject('registryHost');
const registryUrl = `http://${host}`;
const debianRepo = `${host}/ospins/debian`;
const alpineRepo = `${host}/ospins/alpine`;
/** The host name the images write in their apt sources; osMirrors points it at the loopback mirror. */
const IMAGE_MIRROR = 'http://image-mirror.test';
const digests: Record<string, string> = {};
let mirror: OsMirror;

const deb = (Package: string, Version: string) => ({ Package, Version });
const SPEC: MirrorSpec = {
  debian: {
    debian: [
      {
        suite: 'bookworm',
        origin: 'Debian',
        components: { main: { amd64: [deb('curl', '7.88.1-10+deb12u5'), deb('jq', '1.6-2.1'), deb('oldpkg', '1.0-1'), deb('jq', '1.6-2.1~bpo11+1')] } },
      },
      { suite: 'bookworm-updates', origin: 'Debian', components: { main: { amd64: [] } } },
      { suite: 'trixie', origin: 'Debian', components: { main: { amd64: [deb('curl', '8.14.1-2'), deb('jq', '1.7.1-6')] } } },
    ],
    'debian-security': [{ suite: 'bookworm-security', origin: 'Debian', components: { main: { amd64: [deb('curl', '7.88.1-10+deb12u12')] } } }],
  },
  alpine: {
    'alpine/v3.20/main': { x86_64: [{ P: 'openssl', V: '3.3.2-r1' }, { P: 'openssl', V: '3.3.3-r0' }, { P: 'zlib', V: '1.3.1-r1' }] },
    'alpine/v3.21/main': { x86_64: [{ P: 'openssl', V: '3.5.0-r0' }, { P: 'zlib', V: '1.3.1-r2' }] },
  },
};

function bookwormSources(): string {
  return [
    `Types: deb\nURIs: ${IMAGE_MIRROR}/debian\nSuites: bookworm bookworm-updates\nComponents: main\n`,
    `Types: deb\nURIs: ${IMAGE_MIRROR}/debian-security\nSuites: bookworm-security\nComponents: main\n`,
  ].join('\n');
}

beforeAll(async () => {
  mirror = await startOsMirror(SPEC);
  // Debian 12: a gzip base layer with a stale .list, then a zstd layer whose whiteout removes it.
  const bookwormBase = await buildLayer({
    'usr/lib/os-release': 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n',
    'etc/os-release': { symlink: '../usr/lib/os-release' },
    'etc/apt/sources.list.d/stale.list': 'deb http://gone.invalid/debian bullseye main\n',
  });
  const bookwormTop = await buildLayer(
    { 'etc/apt/sources.list.d/.wh.stale.list': '', 'etc/apt/sources.list.d/debian.sources': bookwormSources() },
    'zstd',
  );
  digests['12.1'] = (await pushImage(registryUrl, 'ospins/debian', '12.1', { layers: [bookwormBase, bookwormTop] })).digest;
  const trixie = await buildLayer({
    'etc/os-release': 'ID=debian\nVERSION_ID="13"\nVERSION_CODENAME=trixie\n',
    'etc/apt/sources.list': `deb ${IMAGE_MIRROR}/debian trixie main\n`,
  }, 'zstd');
  digests['13.0'] = (await pushImage(registryUrl, 'ospins/debian', '13.0', { layers: [trixie] })).digest;
  for (const [tag, branch] of [['3.20', 'v3.20'], ['3.21', 'v3.21']] as const) {
    const layer = await buildLayer({
      'etc/os-release': `ID=alpine\nVERSION_ID=${tag}.1\n`,
      // Alpine images name their mirror directly: here the loopback one, allowed as an insecure host.
      'etc/apk/repositories': `${mirror.url}/alpine/${branch}/main\n`,
    });
    digests[tag] = (await pushImage(registryUrl, 'ospins/alpine', tag, { layers: [layer] })).digest;
  }
});
afterAll(() => mirror?.close());

/** The registry's datasources with Debian and Alpine indexes reading the mirror through `http`. */
const osDatasources = (http: HttpClient) => createDatasources({ http, settings: {}, insecureRegistries: [], packageIndexes: packageIndexes(http) });

function source(files: Record<string, string>): FileSource {
  return { list: async () => Object.keys(files), read: async (path) => files[path]! };
}

async function scanFiles(files: Record<string, string>, mirrorUrl?: string): Promise<ScanResult> {
  const mirrorHost = new URL(mirror.url).host;
  const images = createOciClient({ insecureRegistries: [host] });
  const planner = createOsPinsPlanner({
    registry: images,
    datasources: osDatasources(createHttpClient({ insecureHosts: [mirrorHost] })),
    osMirrors: { [IMAGE_MIRROR]: mirrorUrl ?? mirror.url },
  });
  return scan(source(files), { images, log: silentLogger, planners: [planner] });
}

const pinUpdates = (result: ScanResult) => result.updates.filter((u) => u.manager === 'os-packages');

describe('os-pins planner', () => {
  const dockerfile = [
    `FROM ${debianRepo}:12.1 AS base`,
    'ARG JQ=1.5-1',
    'RUN apt-get update && apt-get install -y --no-install-recommends \\',
    '      curl=7.88.1-10+deb12u5 jq=${JQ}',
    'FROM base',
    'RUN <<EOF',
    'apt-get install -y curl=7.88.1-10+deb12u5',
    'EOF',
    '',
  ].join('\n');

  it('proposes the newest version from all the image\'s suites, flags a vanished pin first, and re-resolves pins for a new release', async () => {
    const result = await scanFiles({ Dockerfile: dockerfile });
    expect(result.errors).toEqual([]);
    const plain = pinUpdates(result).filter((u) => !u.extra?.atomicWith);
    expect(plain.map((u) => [u.line, u.from, u.to, u.updateType])).toEqual([
      [2, 'jq=1.5-1', 'jq=1.6-2.1', 'patch'],
      [4, 'curl=7.88.1-10+deb12u5', 'curl=7.88.1-10+deb12u12', 'patch'],
      [7, 'curl=7.88.1-10+deb12u5', 'curl=7.88.1-10+deb12u12', 'patch'],
    ]);
    const jq = plain[0]!;
    expect(jq.notes?.[0]).toMatch(/^broken pin: jq=1\.5-1 is no longer in the package sources of debian 12 \(bookworm\)/);
    expect(jq.extra).toMatchObject({ brokenPin: true });
    expect(plain[1]!.extra?.changelogUrl).toBe('https://metadata.ftp-master.debian.org/changelogs/main/c/curl/curl_7.88.1-10+deb12u12_changelog');

    const major = result.updates.find((u) => u.manager === 'dockerfile' && u.updateType === 'major')!;
    expect(major.to).toBe(`${debianRepo}:13.0@${digests['13.0']}`);
    expect(major.notes).toEqual(['OS release changes from debian 12 (bookworm) to debian 13 (trixie): 3 pinned packages re-resolved in the same update']);
    const tied = pinUpdates(result).filter((u) => u.extra?.atomicWith);
    expect(tied.map((u) => [u.line, u.to])).toEqual([
      [2, 'jq=1.7.1-6'],
      [4, 'curl=8.14.1-2'],
      [7, 'curl=8.14.1-2'],
    ]);

    // The tied pins share the major's PR; the plain ones go with the other non-major updates.
    const groups = groupUpdates(result.updates, defaultRepoConfig);
    const majorGroup = [...groups.values()].find((list) => list.includes(major))!;
    expect(majorGroup).toHaveLength(4);
    expect(tied.every((u) => majorGroup.includes(u))).toBe(true);

    // One commit: the major and its pins apply together and read back.
    const applied = applyUpdates(new Map([['Dockerfile', dockerfile]]), [major, ...tied]);
    expect(applied.errors).toEqual([]);
    expect(applied.files.get('Dockerfile')).toBe(
      dockerfile
        .replace(':12.1 AS', `:13.0@${digests['13.0']} AS`)
        .replace('JQ=1.5-1', 'JQ=1.7.1-6')
        .replaceAll('curl=7.88.1-10+deb12u5', 'curl=8.14.1-2'),
    );
  });

  it('holds the base update back when a pinned package has no version in the new release, naming it', async () => {
    const text = `FROM ${debianRepo}:12.1\nRUN apt-get install -y oldpkg=1.0-1 curl=7.88.1-10+deb12u12\n`;
    const result = await scanFiles({ Dockerfile: text });
    expect(result.errors).toEqual([]);
    expect(result.updates.some((u) => u.updateType === 'major')).toBe(false);
    expect(result.held).toHaveLength(1);
    expect(result.held[0]!.update.to).toBe(`${debianRepo}:13.0@${digests['13.0']}`);
    expect(result.held[0]!.reason).toMatch(/^blocked by pinned package oldpkg: no version in debian 13 \(trixie\)/);
    expect(pinUpdates(result)).toEqual([]);
  });

  it('Alpine: a minor base bump to a new branch carries the pins, and a fuzzy pin stays fuzzy', async () => {
    const text = `FROM ${alpineRepo}:3.20\nRUN apk add --no-cache openssl~3.3 zlib=1.3.1-r1 git\n`;
    const result = await scanFiles({ 'Dockerfile.alpine': text });
    expect(result.errors).toEqual([]);
    const minor = result.updates.find((u) => u.manager === 'dockerfile' && u.updateType === 'minor')!;
    expect(minor.to).toBe(`${alpineRepo}:3.21@${digests['3.21']}`);
    // Nothing to move inside 3.20; in 3.21 the fuzzy pin matches nothing and becomes 3.5.
    expect(pinUpdates(result).map((u) => [u.to, u.extra!.atomicWith!.to])).toEqual([
      ['openssl~3.5', minor.to],
      ['zlib=1.3.1-r2', minor.to],
    ]);
    expect(pinUpdates(result)[1]!.extra?.changelogUrl).toBe('https://gitlab.alpinelinux.org/alpine/aports/-/commits/3.21-stable/main/zlib/APKBUILD');
    const groups = groupUpdates(result.updates, defaultRepoConfig);
    expect([...groups.values()].find((list) => list.includes(minor))).toEqual(expect.arrayContaining(pinUpdates(result)));
  });

  it('a checksum mismatch is a located error for those pins only; nothing is proposed from that index', async () => {
    const other = `FROM ${alpineRepo}:3.20\nRUN apk add zlib=1.3.1-r0\n`;
    mirror.corrupt(`/debian-security/dists/bookworm-security/main/binary-amd64/Packages.${hasXz ? 'xz' : 'gz'}`);
    try {
      const result = await scanFiles({ Dockerfile: `FROM ${debianRepo}:12.1\nRUN apt-get install -y \\\n  curl=7.88.1-10+deb12u5\n`, 'alpine/Dockerfile': other });
      expect(result.errors).toEqual([
        expect.objectContaining({ file: 'Dockerfile', line: 3, depName: 'curl', message: expect.stringMatching(/bookworm-security\/main\/binary-amd64\/Packages.*SHA256/) }),
      ]);
      // Only the trixie index (untouched) may still feed the pins that move with the major base update.
      expect(pinUpdates(result).filter((u) => u.file === 'Dockerfile').map((u) => [u.to, u.extra?.osRelease])).toEqual([['curl=8.14.1-2', 'debian 13 (trixie)']]);
      expect(pinUpdates(result).filter((u) => u.file === 'alpine/Dockerfile').map((u) => u.to)).toEqual(['zlib=1.3.1-r2']);
    } finally {
      await mirror.update(SPEC);
    }
  });

  it('a mirror that does not answer is a located error for each pin it serves', async () => {
    const result = await scanFiles({ Dockerfile: `FROM ${debianRepo}:12.1\nRUN apt-get install -y curl=1 \\\n  jq=2\n` }, 'http://127.0.0.1:1');
    expect(result.errors.map((e) => [e.line, e.depName])).toEqual([[2, 'curl'], [3, 'jq']]);
    expect(result.errors[0]!.message).toMatch(/cannot fetch http:\/\/127\.0\.0\.1:1\/debian/);
    expect(pinUpdates(result)).toEqual([]);
    expect(result.held.map((h) => h.reason)).toEqual([expect.stringMatching(/could not be looked up in debian 13 \(trixie\)/)]);
  });

  it('a new digest of the same tag whose os-release changed re-resolves the pins with it', async () => {
    const layer = (version: string) =>
      buildLayer({ 'etc/os-release': `ID=alpine\nVERSION_ID=${version}\n`, 'etc/apk/repositories': `${mirror.url}/alpine/v3.20/main\n` });
    const old = await pushImage(registryUrl, 'ospins/alpine-digest', '3.20', { layers: [await layer('3.20.1')] });
    const fresh = await pushImage(registryUrl, 'ospins/alpine-digest', '3.20', { layers: [await layer('3.20.2')] });
    const result = await scanFiles({ Dockerfile: `FROM ${host}/ospins/alpine-digest:3.20@${old.digest}\nRUN apk add zlib=1.3.1-r0\n` });
    const digestUpdate = result.updates.find((u) => u.updateType === 'digest')!;
    expect(digestUpdate.newDigest).toBe(fresh.digest);
    expect(digestUpdate.notes).toEqual(['OS release changes from alpine 3.20.1 to alpine 3.20.2: 1 pinned package re-resolved in the same update']);
    expect(pinUpdates(result).map((u) => [u.to, u.extra?.atomicWith?.to])).toEqual([['zlib=1.3.1-r1', digestUpdate.to]]);
  });

  it('pins without a base image to read are located errors', async () => {
    const result = await scanFiles({ Dockerfile: 'FROM scratch\nRUN apt-get install -y curl=1\n' });
    expect(result.errors).toEqual([expect.objectContaining({ file: 'Dockerfile', line: 2, depName: 'curl', message: expect.stringMatching(/no base image/) })]);
  });

  it('workers of the app share the indexes through the lookup cache: the second worker asks the mirror nothing', async () => {
    const cache = new MemoryLookupCache();
    const env = { FRESHEN_INSECURE_REGISTRIES: [host, new URL(mirror.url).host], FRESHEN_REGISTRY_CREDENTIALS: {}, FRESHEN_OSV_URL: 'off' };
    const config = { ...defaultRepoConfig, osMirrors: { [IMAGE_MIRROR]: mirror.url } };
    const repo = { installationId: 1, repoId: 1, owner: 'acme', repo: 'shop' };
    // Each registryScanContext is one worker process: its own in-memory indexes.
    const scanIn = (worker: ReturnType<typeof registryScanContext>) => scan(source({ Dockerfile: dockerfile }), worker({ repo, config, log: silentLogger }));
    const before = mirror.requests.length;
    const first = await scanIn(registryScanContext(env, { cache }));
    const fetched = mirror.requests.length - before;
    const second = await scanIn(registryScanContext(env, { cache }));
    expect(pinUpdates(first).length).toBeGreaterThan(0);
    expect(pinUpdates(second)).toEqual(pinUpdates(first));
    expect(fetched).toBeGreaterThan(0);
    expect(mirror.requests.length - before).toBe(fetched);
  });

  it('parses FRESHEN_OS_MIRRORS', () => {
    expect(parseOsMirrors('http://a.test/debian=http://127.0.0.1:1/d, https://b.test=http://127.0.0.1:2')).toEqual({
      'http://a.test/debian': 'http://127.0.0.1:1/d',
      'https://b.test': 'http://127.0.0.1:2',
    });
    expect(() => parseOsMirrors('not-a-url=http://x')).toThrow(/FRESHEN_OS_MIRRORS/);
  });
});
