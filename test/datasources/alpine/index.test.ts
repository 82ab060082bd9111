import { afterEach, describe, expect, it } from 'vitest';
import { AlpineIndex, AlpineIndexError, alpineArch, alpineBranch } from '../../../src/datasources/alpine/index.js';
import { apkIndexText, parseApkIndex } from '../../../src/datasources/alpine/apkindex.js';
import { gzipSync } from 'node:zlib';
import { plainFetchIndex, startOsMirror, tarOf, type MirrorSpec, type OsMirror } from '../../support/os-mirror.js';

const spec = (): MirrorSpec => ({
  alpine: {
    'alpine/v3.20/main': {
      x86_64: [
        { P: 'openssl', V: '3.3.2-r0', o: 'openssl', t: '1725000000' },
        { P: 'openssl', V: '3.3.2-r1', o: 'openssl' },
        { P: 'libssl3', V: '3.3.2-r1', o: 'openssl' },
      ],
      aarch64: [{ P: 'openssl', V: '3.3.2-r1' }],
    },
    'alpine/v3.20/community': { x86_64: [{ P: 'jq', V: '1.7.1-r0' }] },
    'alpine/v3.21/main': { x86_64: [{ P: 'openssl', V: '3.3.3-r0' }] },
    'alpine/edge/main': { x86_64: [{ P: 'openssl', V: '3.5.0-r0' }] },
  },
});

let mirror: OsMirror | undefined;
afterEach(async () => {
  await mirror?.close();
  mirror = undefined;
});

const repos = (m: OsMirror) => [
  { url: `${m.url}/alpine/v3.20/main` },
  { url: `${m.url}/alpine/v3.20/community/` },
  { url: `${m.url}/alpine/edge/main`, tag: 'edge' },
];

describe('APKINDEX', () => {
  it('finds the index inside the concatenated signature and index archives', async () => {
    mirror = await startOsMirror(spec());
    const archive = Buffer.from(await (await fetch(`${mirror.url}/alpine/v3.20/main/x86_64/APKINDEX.tar.gz`)).arrayBuffer());
    const index = parseApkIndex(await apkIndexText(archive));
    expect(index.get('openssl')?.map((p) => p.version)).toEqual(['3.3.2-r0', '3.3.2-r1']);
    expect(index.get('openssl')?.[0]).toMatchObject({ arch: 'x86_64', origin: 'openssl', buildTime: new Date(1725000000 * 1000) });
    expect(index.get('libssl3')?.[0]?.origin).toBe('openssl');
    expect(index.get('libssl3')?.[0]?.checksum).toMatch(/^Q1/);
  });

  it('parses paragraphs without a trailing blank line and ignores entries without P or V', () => {
    const index = parseApkIndex('P:a\nV:1-r0\nA:x86_64\n\nP:b\n\nP:c\nV:2-r3');
    expect([...index.keys()]).toEqual(['a', 'c']);
    expect(index.get('c')?.[0]).toMatchObject({ version: '2-r3', arch: '', origin: 'c', buildTime: null });
  });

  it('also reads an archive whose signature tar kept its end-of-archive blocks', async () => {
    const signature = await tarOf([{ name: '.SIGN.RSA.k.rsa.pub', content: 'sig' }]);
    const index = await tarOf([{ name: 'APKINDEX', content: 'P:zlib\nV:1.3.1-r1\nA:x86_64\n\n' }]);
    const text = await apkIndexText(Buffer.concat([gzipSync(signature), gzipSync(index)]));
    expect(parseApkIndex(text).get('zlib')?.[0]?.version).toBe('1.3.1-r1');
  });

  it('rejects an archive without APKINDEX', async () => {
    await expect(apkIndexText(gzipSync(await tarOf([{ name: 'DESCRIPTION', content: 'x' }])))).rejects.toThrow(/no APKINDEX/);
  });

  it('rejects bytes that are not an APKINDEX archive', async () => {
    await expect(apkIndexText(Buffer.from('nope'))).rejects.toThrow(/not gzip/);
  });
});

describe('AlpineIndex against a loopback mirror', () => {
  it('lists versions from the untagged repositories only', async () => {
    mirror = await startOsMirror(spec());
    const index = new AlpineIndex(plainFetchIndex);
    const got = await index.getVersions(repos(mirror), 'x86_64', 'openssl');
    expect(got.map((v) => v.version)).toEqual(['3.3.2-r0', '3.3.2-r1']);
    expect(got[0]?.repository).toBe(`${mirror.url}/alpine/v3.20/main`);
    expect((await index.getVersions(repos(mirror), 'x86_64', 'jq')).map((v) => v.version)).toEqual(['1.7.1-r0']);
  });

  it('uses only the tagged repository for name@tag', async () => {
    mirror = await startOsMirror(spec());
    const got = await new AlpineIndex(plainFetchIndex).getVersions(repos(mirror), 'x86_64', 'openssl', 'edge');
    expect(got.map((v) => v.version)).toEqual(['3.5.0-r0']);
  });

  it('reads the index of the requested arch; a repository without that arch gives nothing', async () => {
    mirror = await startOsMirror(spec());
    const got = await new AlpineIndex(plainFetchIndex).getVersions(repos(mirror), 'aarch64', 'openssl');
    expect(got.map((v) => [v.version, v.arch])).toEqual([['3.3.2-r1', 'aarch64']]);
    expect(mirror.requests).toContain('GET /alpine/v3.20/community/aarch64/APKINDEX.tar.gz 404');
  });

  it('revalidates with the ETag after max age', async () => {
    mirror = await startOsMirror(spec());
    let now = 0;
    const index = new AlpineIndex(plainFetchIndex, { maxAgeMs: 1000, now: () => now });
    const main = [{ url: `${mirror.url}/alpine/v3.21/main` }];
    await index.getVersions(main, 'x86_64', 'openssl');
    await index.getVersions(main, 'x86_64', 'openssl');
    now = 2000;
    const again = await index.getVersions(main, 'x86_64', 'openssl');
    expect(again.map((v) => v.version)).toEqual(['3.3.3-r0']);
    expect(mirror.requests).toEqual(['GET /alpine/v3.21/main/x86_64/APKINDEX.tar.gz 200', 'GET /alpine/v3.21/main/x86_64/APKINDEX.tar.gz 304']);
  });

  it('reports a broken index as a located error naming it', async () => {
    mirror = await startOsMirror(spec());
    mirror.put('/alpine/v3.21/main/x86_64/APKINDEX.tar.gz', 'garbage');
    const err = await new AlpineIndex(plainFetchIndex).getVersions([{ url: `${mirror.url}/alpine/v3.21/main` }], 'x86_64', 'openssl').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlpineIndexError);
    expect((err as AlpineIndexError).url).toBe(`${mirror.url}/alpine/v3.21/main/x86_64/APKINDEX.tar.gz`);
  });
});

describe('Alpine names', () => {
  it.each([
    ['linux/amd64', 'x86_64'],
    ['linux/arm64', 'aarch64'],
    ['linux/arm/v7', 'armv7'],
    ['linux/arm/v6', 'armhf'],
    ['linux/386', 'x86'],
    ['linux/ppc64le', 'ppc64le'],
  ])('arch %s → %s', (platform, arch) => expect(alpineArch(platform)).toBe(arch));

  it.each([
    ['3.20.3', 'v3.20'],
    ['3.21.0', 'v3.21'],
    ['3.22_alpha20250108', 'edge'],
  ])('branch of %s is %s', (version, branch) => expect(alpineBranch(version)).toBe(branch));
});
