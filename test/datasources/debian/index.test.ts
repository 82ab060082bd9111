import { afterEach, describe, expect, it } from 'vitest';
import { DebianIndex, DebianIndexError, debianArch, type AptSourceRef } from '../../../src/datasources/debian/index.js';
import { hasXz, plainFetchIndex, startOsMirror, type MirrorSpec, type OsMirror } from '../../support/os-mirror.js';

const bookworm = (): MirrorSpec => ({
  debian: {
    debian: [
      {
        suite: 'bookworm',
        components: {
          main: {
            amd64: [
              { Package: 'curl', Version: '7.88.1-10+deb12u5', Source: 'curl' },
              { Package: 'ca-certificates', Version: '20230311', Architecture: 'all' },
            ],
            arm64: [{ Package: 'curl', Version: '7.88.1-10+deb12u5' }],
          },
        },
      },
      { suite: 'bookworm-updates', components: { main: { amd64: [{ Package: 'tzdata', Version: '2024b-0+deb12u1' }] } } },
      { suite: 'trixie', components: { main: { amd64: [{ Package: 'curl', Version: '8.11.1-1' }] } } },
    ],
    'debian-security': [
      { suite: 'bookworm-security', formats: ['gz'], inRelease: false, components: { main: { amd64: [{ Package: 'curl', Version: '7.88.1-10+deb12u8' }] } } },
    ],
  },
});

function sourcesFor(m: OsMirror): AptSourceRef[] {
  return [
    { type: 'deb', uri: `${m.url}/debian`, suite: 'bookworm', components: ['main'] },
    { type: 'deb', uri: `${m.url}/debian`, suite: 'bookworm-updates', components: ['main'] },
    { type: 'deb', uri: `${m.url}/debian-security`, suite: 'bookworm-security', components: ['main'] },
  ];
}

let mirror: OsMirror | undefined;
afterEach(async () => {
  await mirror?.close();
  mirror = undefined;
});

describe('DebianIndex against a loopback mirror', () => {
  it('finds a package in every suite the image lists, for the arch only', async () => {
    mirror = await startOsMirror(bookworm());
    const index = new DebianIndex(plainFetchIndex);
    const curl = await index.getVersions(sourcesFor(mirror), 'amd64', 'curl');
    expect(curl.map((v) => [v.suite, v.version, v.architecture]).sort()).toEqual([
      ['bookworm', '7.88.1-10+deb12u5', 'amd64'],
      ['bookworm-security', '7.88.1-10+deb12u8', 'amd64'],
    ]);
    const certs = await index.getVersions(sourcesFor(mirror), 'amd64', 'ca-certificates');
    expect(certs.map((v) => v.version)).toEqual(['20230311']);
    expect(await index.getVersions(sourcesFor(mirror), 'amd64', 'no-such-package')).toEqual([]);
  });

  it('reads InRelease when present, else Release, and the xz index when listed', async () => {
    mirror = await startOsMirror(bookworm());
    await new DebianIndex(plainFetchIndex).getVersions(sourcesFor(mirror), 'amd64', 'curl');
    expect(mirror.requests).toContain('GET /debian/dists/bookworm/InRelease 200');
    expect(mirror.requests).toContain('GET /debian-security/dists/bookworm-security/InRelease 404');
    expect(mirror.requests).toContain('GET /debian-security/dists/bookworm-security/Release 200');
    expect(mirror.requests).toContain('GET /debian-security/dists/bookworm-security/main/binary-amd64/Packages.gz 200');
    const format = hasXz ? 'Packages.xz' : 'Packages.gz';
    expect(mirror.requests).toContain(`GET /debian/dists/bookworm/main/binary-amd64/${format} 200`);
  });

  it('refuses an index whose checksum does not match its Release, naming the index', async () => {
    mirror = await startOsMirror(bookworm());
    const path = '/debian-security/dists/bookworm-security/main/binary-amd64/Packages.gz';
    mirror.corrupt(path);
    const err = await new DebianIndex(plainFetchIndex).getVersions(sourcesFor(mirror), 'amd64', 'curl').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DebianIndexError);
    expect((err as DebianIndexError).url).toBe(mirror.url + path);
    expect((err as Error).message).toMatch(/SHA256 .* but its Release says/);
  });

  it('refuses an index whose size differs from its Release', async () => {
    mirror = await startOsMirror(bookworm());
    const path = '/debian/dists/bookworm-updates/main/binary-amd64/' + (hasXz ? 'Packages.xz' : 'Packages.gz');
    mirror.put(path, 'short');
    await expect(new DebianIndex(plainFetchIndex).getVersions(sourcesFor(mirror), 'amd64', 'tzdata')).rejects.toThrow(/is 5 bytes but its Release says/);
  });

  it('reports a suite with neither InRelease nor Release', async () => {
    mirror = await startOsMirror(bookworm());
    const sources = [{ uri: `${mirror.url}/debian`, suite: 'sid', components: ['main'] }];
    await expect(new DebianIndex(plainFetchIndex).getVersions(sources, 'amd64', 'curl')).rejects.toThrow(/no InRelease or Release file for suite sid/);
  });

  it('skips deb-src lines and sources restricted to another arch', async () => {
    mirror = await startOsMirror(bookworm());
    const sources: AptSourceRef[] = [
      { type: 'deb-src', uri: `${mirror.url}/debian`, suite: 'trixie', components: ['main'] },
      { type: 'deb', uri: `${mirror.url}/debian`, suite: 'trixie', components: ['main'], architectures: ['arm64'] },
    ];
    expect(await new DebianIndex(plainFetchIndex).getVersions(sources, 'amd64', 'curl')).toEqual([]);
    expect(mirror.requests).toEqual([]);
  });

  it('fetches binary-all too when the Release does not fold it into each arch', async () => {
    mirror = await startOsMirror({
      debian: { debian: [{ suite: 'trixie', archAllInEveryArch: false, formats: ['gz'], components: { main: { amd64: [], all: [{ Package: 'tzdata', Version: '2025a-1' }] } } }] },
    });
    const got = await new DebianIndex(plainFetchIndex).getVersions([{ uri: `${mirror.url}/debian`, suite: 'trixie', components: ['main'] }], 'amd64', 'tzdata');
    expect(got.map((v) => [v.version, v.architecture])).toEqual([['2025a-1', 'all']]);
  });

  it('revalidates the Release with its ETag and re-reads an index only when its checksum changes', async () => {
    mirror = await startOsMirror(bookworm());
    let now = 0;
    const index = new DebianIndex(plainFetchIndex, { releaseMaxAgeMs: 1000, now: () => now });
    const sources = sourcesFor(mirror).slice(0, 1);
    await index.getVersions(sources, 'amd64', 'curl');
    await index.getVersions(sources, 'amd64', 'curl'); // within max age: no request at all
    now = 5000;
    await index.getVersions(sources, 'amd64', 'curl');
    expect(mirror.requests.filter((r) => r.includes('/bookworm/'))).toEqual([
      'GET /debian/dists/bookworm/InRelease 200',
      expect.stringMatching(/binary-amd64\/Packages\.(xz|gz) 200$/),
      'GET /debian/dists/bookworm/InRelease 304',
    ]);

    const next = bookworm();
    next.debian!.debian![0]!.components.main!.amd64!.push({ Package: 'curl', Version: '7.88.1-10+deb12u9' });
    await mirror.update(next);
    now = 10_000;
    const versions = await index.getVersions(sources, 'amd64', 'curl');
    expect(versions.map((v) => v.version).sort()).toEqual(['7.88.1-10+deb12u5', '7.88.1-10+deb12u9']);
  });

  it('shares one download between concurrent queries', async () => {
    mirror = await startOsMirror(bookworm());
    const index = new DebianIndex(plainFetchIndex);
    await Promise.all(['curl', 'ca-certificates', 'tzdata'].map((n) => index.getVersions(sourcesFor(mirror!), 'amd64', n)));
    const inRelease = mirror.requests.filter((r) => r === 'GET /debian/dists/bookworm/InRelease 200');
    expect(inRelease).toHaveLength(1);
  });
});

describe('debianArch', () => {
  it.each([
    ['linux/amd64', 'amd64'],
    ['linux/arm64', 'arm64'],
    ['linux/arm64/v8', 'arm64'],
    ['linux/arm/v7', 'armhf'],
    ['linux/arm/v5', 'armel'],
    ['linux/386', 'i386'],
    ['linux/ppc64le', 'ppc64el'],
    ['linux/s390x', 's390x'],
    ['amd64', 'amd64'],
  ])('%s → %s', (platform, arch) => expect(debianArch(platform)).toBe(arch));
});
