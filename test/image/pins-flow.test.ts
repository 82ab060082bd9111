// RUN text + a synthetic base image in the real registry + a loopback mirror → versions for each pin.
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AlpineIndex, alpineArch } from '../../src/datasources/alpine/index.js';
import { DebianIndex, DebianIndexError, debianArch } from '../../src/datasources/debian/index.js';
import { applyOsMirrors, MemoryOsInfoCache, readOsInfo } from '../../src/image/os-info.js';
import { findPackagePins } from '../../src/managers/os-packages/index.js';
import { hasXz, plainFetchIndex, startOsMirror, tarOf, type OsMirror } from '../support/os-mirror.js';
import { pushLayers, registryOpener } from './push.js';

const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
const host = inject('registryHost');
let mirror: OsMirror;

beforeAll(async () => {
  mirror = await startOsMirror({
    debian: {
      debian: [
        { suite: 'bookworm', components: { main: { amd64: [{ Package: 'curl', Version: '7.88.1-10+deb12u5' }, { Package: 'jq', Version: '1.6-2.1' }] } } },
        { suite: 'bookworm-updates', components: { main: { amd64: [] } } },
      ],
      'debian-security': [{ suite: 'bookworm-security', components: { main: { amd64: [{ Package: 'curl', Version: '7.88.1-10+deb12u8' }] } } }],
    },
    alpine: { 'alpine/v3.20/main': { x86_64: [{ P: 'openssl', V: '3.3.2-r1' }, { P: 'openssl', V: '3.3.3-r0' }] } },
  });
});
afterAll(() => mirror.close());

describe('pins resolved against the image\'s own sources', () => {
  it('Debian: sources from a deb822 file (a stale .list removed by a whiteout) lead to the mirror', async () => {
    const repo = `freshen-test/flow-debian-${process.pid}`;
    const base = await tarOf([
      { name: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' },
      { name: 'etc/os-release', linkname: '../usr/lib/os-release' },
      { name: 'etc/apt/sources.list.d/gone.list', content: 'deb http://gone.test/debian bullseye main\n' },
      {
        name: 'etc/apt/sources.list.d/debian.sources',
        content: `Types: deb\nURIs: http://image-mirror.test/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://image-mirror.test/debian-security\nSuites: bookworm-security\nComponents: main\n`,
      },
    ]);
    const upper = await tarOf([{ name: 'etc/apt/sources.list.d/.wh.gone.list' }]);
    const layers = await pushLayers(host, repo, [
      { data: gzipSync(base), mediaType: GZIP },
      { data: zstdCompressSync(upper), mediaType: ZSTD },
    ]);
    const info = await readOsInfo({ manifestDigest: 'sha256:' + 'd'.repeat(64), layers, openLayer: registryOpener(host, repo), cache: new MemoryOsInfoCache() });
    // the image names its own mirror; the test points that name at the loopback mirror through osMirrors
    const sources = applyOsMirrors(info, { 'http://image-mirror.test': mirror.url }).aptSources;
    expect(sources.map((s) => s.suite)).toEqual(['bookworm', 'bookworm-updates', 'bookworm-security']);

    const run = 'apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 jq=1.5-1 && rm -rf /var/lib/apt/lists/*';
    const { pins } = findPackagePins(run);
    const index = new DebianIndex(plainFetchIndex);
    const versions = Object.fromEntries(
      await Promise.all(pins.map(async (p) => [p.name, (await index.getVersions(sources, debianArch('linux/amd64'), p.name)).map((v) => v.version).sort()])),
    );
    expect(versions).toEqual({ curl: ['7.88.1-10+deb12u5', '7.88.1-10+deb12u8'], jq: ['1.6-2.1'] });
    // jq=1.5-1 is no longer in any suite: a broken pin for the caller to flag
    expect(versions.jq).not.toContain(pins.find((p) => p.name === 'jq')?.version);

    mirror.corrupt(`/debian-security/dists/bookworm-security/main/binary-amd64/Packages.${hasXz ? 'xz' : 'gz'}`);
    const err = await new DebianIndex(plainFetchIndex).getVersions(sources, 'amd64', 'curl').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DebianIndexError);
    expect((err as DebianIndexError).url).toContain('bookworm-security/main/binary-amd64/Packages');
  });

  it('Alpine: /etc/apk/repositories in the image leads to the APKINDEX', async () => {
    const repo = `freshen-test/flow-alpine-${process.pid}`;
    const layer = await tarOf([
      { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.3\n' },
      { name: 'etc/apk/repositories', content: `${mirror.url}/alpine/v3.20/main\n` },
    ]);
    const layers = await pushLayers(host, repo, [{ data: gzipSync(layer), mediaType: GZIP }]);
    const info = await readOsInfo({ manifestDigest: 'sha256:' + 'a'.repeat(64), layers, openLayer: registryOpener(host, repo) });
    const [pin] = findPackagePins('apk add --no-cache openssl~3.3').pins;
    const found = await new AlpineIndex(plainFetchIndex).getVersions(info.apkRepositories, alpineArch('linux/amd64'), pin!.name);
    expect(pin).toMatchObject({ fuzzy: true, version: '3.3' });
    expect(found.map((v) => v.version)).toEqual(['3.3.2-r1', '3.3.3-r0']);
  });
});
