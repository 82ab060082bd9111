// The debian and alpine datasources: registry URLs name an image's own sources, versions come from the same verified indexes with the same requests.
import { afterEach, describe, expect, it } from 'vitest';
import { AlpineIndex } from '../../src/datasources/alpine/index.js';
import { parseAlpineIndexUrl } from '../../src/datasources/alpine/releases.js';
import { DebianIndex, DebianIndexError, type AptSourceRef } from '../../src/datasources/debian/index.js';
import { parseDebianSourceUrl } from '../../src/datasources/debian/releases.js';
import { alpineIndexUrl, createDatasources, datasourceRegistry, debianSourceUrls, osvEcosystemOf, type PackageIndexes } from '../../src/datasources/index.js';
import { createHttpClient } from '../../src/http/index.js';
import { osEcosystem } from '../../src/insight/ecosystems.js';
import { plainFetchIndex, startOsMirror, type MirrorSpec, type OsMirror } from '../support/os-mirror.js';

const SPEC: MirrorSpec = {
  debian: {
    debian: [
      {
        suite: 'bookworm',
        components: {
          main: {
            amd64: [{ Package: 'curl', Version: '7.88.1-10+deb12u5', Source: 'curl' }, { Package: 'libssl3', Version: '3.0.15-1~deb12u1', Source: 'openssl' }],
            arm64: [{ Package: 'curl', Version: '7.88.1-10+deb12u4' }],
          },
        },
      },
      { suite: 'bookworm-updates', components: { main: { amd64: [{ Package: 'curl', Version: '7.88.1-10+deb12u12' }] } } },
    ],
  },
  alpine: {
    'alpine/v3.20/main': { x86_64: [{ P: 'openssl', V: '3.3.2-r0', o: 'openssl', t: '1725000000' }, { P: 'libssl3', V: '3.3.2-r1', o: 'openssl' }] },
    'alpine/v3.20/community': { x86_64: [{ P: 'openssl', V: '3.3.2-r1', o: 'openssl', t: '1730000000' }] },
  },
};

let mirror: OsMirror | undefined;
afterEach(async () => {
  await mirror?.close();
  mirror = undefined;
});

const indexes = (): PackageIndexes => ({ debian: new DebianIndex(plainFetchIndex), alpine: new AlpineIndex(plainFetchIndex) });
const datasources = (packageIndexes?: PackageIndexes) =>
  createDatasources({ http: createHttpClient({ insecureHosts: [] }), settings: {}, insecureRegistries: [], ...(packageIndexes ? { packageIndexes } : {}) });

function aptSources(m: OsMirror): AptSourceRef[] {
  return [
    { type: 'deb', uri: `${m.url}/debian`, suite: 'bookworm', components: ['main'] },
    { type: 'deb', uri: `${m.url}/debian`, suite: 'bookworm-updates', components: ['main'], architectures: ['amd64'] },
  ];
}

describe('registry URLs of an image\'s sources', () => {
  it.each<[AptSourceRef, string]>([
    [{ uri: 'http://mirror.test/debian', suite: 'bookworm', components: ['main', 'contrib'] }, 'http://mirror.test/debian?suite=bookworm&components=main%2Ccontrib&binaryArch=amd64'],
    [{ uri: 'https://u:p%40ss@mirror.test/repo', suite: './', components: [] }, 'https://u:p%40ss@mirror.test/repo?suite=.%2F&components=&binaryArch=amd64'],
    [{ uri: 'http://mirror.test/a?b=c', suite: 'stable/updates', components: ['main'] }, 'http://mirror.test/a?b=c?suite=stable%2Fupdates&components=main&binaryArch=amd64'],
  ])('apt source %j ↔ %s', (source, url) => {
    expect(debianSourceUrls([source], 'amd64')).toEqual([url]);
    expect(parseDebianSourceUrl(url)).toEqual({ source: { type: 'deb', ...source }, arch: 'amd64' });
  });

  it('leaves out deb-src lines and sources limited to other architectures', () => {
    const sources: AptSourceRef[] = [
      { type: 'deb-src', uri: 'http://mirror.test/debian', suite: 'bookworm', components: ['main'] },
      { type: 'deb', uri: 'http://mirror.test/debian', suite: 'bookworm', components: ['main'], architectures: ['arm64'] },
    ];
    expect(debianSourceUrls(sources, 'amd64')).toEqual([]);
    expect(debianSourceUrls(sources, 'arm64')).toHaveLength(1);
  });

  it.each(['http://mirror.test/debian', 'http://mirror.test/debian?suite=bookworm', 'http://mirror.test/debian?binaryArch=amd64'])('refuses %s, naming the form', (url) => {
    expect(() => parseDebianSourceUrl(url)).toThrow(/is no apt source: expected <uri>\?suite=/);
  });

  it('apk index URLs carry the repository and arch', () => {
    expect(alpineIndexUrl('http://mirror.test/alpine/v3.20/main//', 'x86_64')).toBe('http://mirror.test/alpine/v3.20/main/x86_64/APKINDEX.tar.gz');
    expect(parseAlpineIndexUrl('http://mirror.test/alpine/v3.20/main/x86_64/APKINDEX.tar.gz')).toEqual({ repository: 'http://mirror.test/alpine/v3.20/main', arch: 'x86_64' });
    expect(() => parseAlpineIndexUrl('http://mirror.test/alpine/v3.20/main')).toThrow(/is no apk index/);
  });
});

describe('debian datasource', () => {
  it('answers what the index answers, with the same requests to the mirror', async () => {
    mirror = await startOsMirror(SPEC);
    const direct = await new DebianIndex(plainFetchIndex).getVersions(aptSources(mirror), 'amd64', 'curl');
    const directRequests = [...mirror.requests].sort();
    mirror.requests.length = 0;

    const debian = datasources(indexes()).get('debian')!;
    const list = await debian.getReleases('curl', { registryUrls: debianSourceUrls(aptSources(mirror), 'amd64') });
    expect(list.releases.map((r) => r.version).sort()).toEqual(direct.map((v) => v.version).sort());
    expect(list.releases.map((r) => r.version).sort()).toEqual(['7.88.1-10+deb12u12', '7.88.1-10+deb12u5']);
    expect(list.releases.find((r) => r.version === '7.88.1-10+deb12u5')).toMatchObject({ source: 'curl', suite: 'bookworm', component: 'main', architecture: 'amd64' });
    expect([...mirror.requests].sort()).toEqual(directRequests);
  });

  it('reads each source for the arch its URL names', async () => {
    mirror = await startOsMirror(SPEC);
    const debian = datasources(indexes()).get('debian')!;
    const list = await debian.getReleases('curl', { registryUrls: debianSourceUrls(aptSources(mirror), 'arm64') });
    expect(list.releases.map((r) => [r.version, (r as { architecture?: string }).architecture])).toEqual([['7.88.1-10+deb12u4', 'arm64']]);
  });

  it('fails as the index fails when a source is broken, and has no versions without sources', async () => {
    mirror = await startOsMirror(SPEC);
    const debian = datasources(indexes()).get('debian')!;
    const broken = [{ type: 'deb', uri: `${mirror.url}/nothing`, suite: 'bookworm', components: ['main'] }];
    await expect(debian.getReleases('curl', { registryUrls: debianSourceUrls(broken, 'amd64') })).rejects.toBeInstanceOf(DebianIndexError);
    expect((await debian.getReleases('curl', { registryUrls: [] })).releases).toEqual([]);
    await expect(debian.getReleases('curl')).rejects.toThrow(/no apt source was given/);
    await expect(datasources().get('debian')!.getReleases('curl', { registryUrls: [] })).rejects.toThrow(/no Debian package index/);
  });
});

describe('alpine datasource', () => {
  it('answers what the index answers, with the same requests to the mirror', async () => {
    mirror = await startOsMirror(SPEC);
    const repos = [{ url: `${mirror.url}/alpine/v3.20/main` }, { url: `${mirror.url}/alpine/v3.20/community/` }];
    const direct = await new AlpineIndex(plainFetchIndex).getVersions(repos, 'x86_64', 'openssl');
    const directRequests = [...mirror.requests].sort();
    mirror.requests.length = 0;

    const alpine = datasources(indexes()).get('alpine')!;
    const list = await alpine.getReleases('openssl', { registryUrls: repos.map((r) => alpineIndexUrl(r.url, 'x86_64')) });
    expect(list.releases.map((r) => r.version).sort()).toEqual(direct.map((v) => v.version).sort());
    expect(list.releases).toEqual([
      { version: '3.3.2-r0', arch: 'x86_64', origin: 'openssl', repository: `${mirror.url}/alpine/v3.20/main`, publishedAt: new Date(1725000000 * 1000).toISOString() },
      { version: '3.3.2-r1', arch: 'x86_64', origin: 'openssl', repository: `${mirror.url}/alpine/v3.20/community`, publishedAt: new Date(1730000000 * 1000).toISOString() },
    ]);
    expect([...mirror.requests].sort()).toEqual(directRequests);
  });

  it('a repository without an index for the arch has no versions', async () => {
    mirror = await startOsMirror(SPEC);
    const alpine = datasources(indexes()).get('alpine')!;
    const list = await alpine.getReleases('openssl', { registryUrls: [alpineIndexUrl(`${mirror.url}/alpine/v3.20/main`, 'aarch64')] });
    expect(list.releases).toEqual([]);
  });
});

describe('the registry names versioning and OSV for each', () => {
  it.each([
    ['docker', 'docker', undefined],
    ['debian', 'dpkg', 'Debian'],
    ['alpine', 'apk', 'Alpine'],
    ['npm', 'semver', 'npm'],
    ['pypi', 'pep440', 'PyPI'],
  ])('%s: versioning %s, OSV %s', (name, versioning, osv) => {
    const datasource = datasources().get(name)!;
    expect(datasource).toMatchObject({ name, defaultVersioning: versioning });
    expect(datasource.osvEcosystem).toBe(osv);
  });

  it('OS package ecosystems are the families OSV suffixes with the release, as the image diff names them', () => {
    const all = datasources();
    expect(osEcosystem('debian', '12.7')).toBe(`${all.get('debian')!.osvEcosystem}:12`);
    expect(osEcosystem('alpine', '3.20.3')).toBe(`${all.get('alpine')!.osvEcosystem}:v3.20`);
  });

  it('the security planner asks OSV per dependency only about language packages (OS pins have no release-less ecosystem; go.mod\'s go line is not a package)', () => {
    expect(Object.keys(datasourceRegistry).filter((name) => osvEcosystemOf(name) !== undefined).sort()).toEqual(
      Object.keys(datasourceRegistry).filter((name) => !['docker', 'debian', 'alpine', 'golang-version'].includes(name)).sort(),
    );
  });
});
