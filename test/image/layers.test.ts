import { gzipSync, zstdCompressSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { describe, expect, inject, it } from 'vitest';
import { fileContent, ImageLayerError, readImageFiles, type LayerBlob } from '../../src/image/layers.js';
import { MemoryOsInfoCache, readOsInfo } from '../../src/image/os-info.js';
import { tarOf } from '../support/os-mirror.js';
import { pushLayers, registryOpener } from './push.js';

const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
const TAR = 'application/vnd.oci.image.layer.v1.tar';
const host = inject('registryHost');
let repoCount = 0;
const newRepo = (): string => `freshen-test/layers-${process.pid}-${repoCount++}`;

const osRelease = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';
const debianSources = (mirror: string) => `Types: deb
URIs: ${mirror}/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe('reading files from layers in a real registry', () => {
  it('reads gzip, zstd and plain tar layers, later over earlier, with a whiteout removing a sources file', async () => {
    const repo = newRepo();
    const base = await tarOf([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/os-release', linkname: '../usr/lib/os-release' },
      { name: 'usr/lib/os-release', content: osRelease },
      { name: 'etc/apt/sources.list.d/debian.sources', content: debianSources('http://mirror.test') },
      { name: 'etc/apt/sources.list.d/old.list', content: 'deb http://old.test/debian bullseye main\n' },
      { name: 'bin/sh', content: Buffer.alloc(4096, 1) },
    ]);
    const middle = await tarOf([
      { name: 'etc/apt/sources.list.d/.wh.old.list' },
      { name: 'etc/apt/sources.list.d/extra.list', content: '# extra\ndeb [arch=amd64] http://extra.test/apt stable main contrib\n' },
    ]);
    const top = await tarOf([{ name: './etc/apt/sources.list', content: 'deb http://top.test/debian bookworm main\ndeb-src http://top.test/debian bookworm main\n' }]);
    const layers = await pushLayers(host, repo, [
      { data: gzipSync(base), mediaType: GZIP },
      { data: zstdCompressSync(middle), mediaType: ZSTD },
      { data: top, mediaType: TAR },
    ]);
    const info = await readOsInfo({ manifestDigest: 'sha256:' + '1'.repeat(64), layers, openLayer: registryOpener(host, repo) });
    expect(info).toMatchObject({ distro: 'debian', release: '12', codename: 'bookworm', apkRepositories: [], warnings: [] });
    expect(info.aptSources.map((s) => `${s.type} ${s.uri} ${s.suite} ${s.components.join(',')} ${s.file}:${s.line}`)).toEqual([
      'deb http://top.test/debian bookworm main /etc/apt/sources.list:1',
      'deb-src http://top.test/debian bookworm main /etc/apt/sources.list:2',
      'deb http://extra.test/apt stable main,contrib /etc/apt/sources.list.d/extra.list:2',
      'deb http://mirror.test/debian bookworm main /etc/apt/sources.list.d/debian.sources:1',
      'deb http://mirror.test/debian bookworm-updates main /etc/apt/sources.list.d/debian.sources:1',
      'deb http://mirror.test/debian-security bookworm-security main /etc/apt/sources.list.d/debian.sources:7',
    ]);
    expect(info.aptSources[2]?.architectures).toEqual(['amd64']);
  });

  it('empties a directory from lower layers with an opaque whiteout, keeping the same layer\'s files', async () => {
    const repo = newRepo();
    const lower = await tarOf([
      { name: 'etc/apt/sources.list.d/a.list', content: 'deb http://a.test/ x main\n' },
      { name: 'etc/apt/sources.list.d/b.list', content: 'deb http://b.test/ x main\n' },
    ]);
    const upper = await tarOf([
      { name: 'etc/apt/sources.list.d/c.list', content: 'deb http://c.test/ x main\n' },
      { name: 'etc/apt/sources.list.d/.wh..wh..opq' },
    ]);
    const layers = await pushLayers(host, repo, [
      { data: gzipSync(lower), mediaType: GZIP },
      { data: zstdCompressSync(upper), mediaType: ZSTD },
    ]);
    const opened: string[] = [];
    const image = await readImageFiles(layers, registryOpener(host, repo, opened), { files: [], dirs: [{ path: '/etc/apt/sources.list.d', suffixes: ['.list'] }] });
    expect([...image.files.keys()]).toEqual(['/etc/apt/sources.list.d/c.list']);
    // the opaque directory settled the only selection, so the lower layer was never fetched
    expect(opened).toEqual([layers[1]!.digest]);
    expect(image.layersRead).toBe(1);
  });

  it('stops before lower layers once every selected file is found', async () => {
    const repo = newRepo();
    const top = await tarOf([{ name: 'etc/alpine-release', content: '3.20.3\n' }]);
    const [topLayer] = await pushLayers(host, repo, [{ data: gzipSync(top), mediaType: GZIP }]);
    const neverRead: LayerBlob = { digest: 'sha256:' + '0'.repeat(64), mediaType: GZIP };
    const image = await readImageFiles([neverRead, topLayer!], registryOpener(host, repo), { files: ['/etc/alpine-release'] });
    expect(fileContent(image, '/etc/alpine-release')?.toString()).toBe('3.20.3\n');
    expect(image.layersRead).toBe(1);
  });
});

/** In-memory layers for the cases that need no registry round trip. */
function memoryLayers(blobs: { data: Buffer; mediaType: string }[]) {
  const layers = blobs.map((b, i) => ({ digest: `sha256:${String(i).repeat(64)}`, mediaType: b.mediaType }));
  const opened: string[] = [];
  const open = async (l: LayerBlob) => {
    opened.push(l.digest);
    return Readable.from([blobs[layers.indexOf(l as (typeof layers)[number])]!.data]);
  };
  return { layers, open, opened };
}

describe('layer reading rules', () => {
  it('trusts magic bytes over a media type that claims gzip', async () => {
    const { layers, open } = memoryLayers([{ data: await tarOf([{ name: 'etc/os-release', content: 'ID=alpine\n' }]), mediaType: GZIP }]);
    const image = await readImageFiles(layers, open, { files: ['/etc/os-release'] });
    expect(fileContent(image, '/etc/os-release')?.toString()).toBe('ID=alpine\n');
  });

  it('skips a file above the size cap, and a lower copy stays hidden under it', async () => {
    const { layers, open } = memoryLayers([
      { data: gzipSync(await tarOf([{ name: 'etc/os-release', content: 'ID=lower\n' }])), mediaType: GZIP },
      { data: gzipSync(await tarOf([{ name: 'etc/os-release', content: 'ID=' + 'x'.repeat(2000) }])), mediaType: GZIP },
    ]);
    const image = await readImageFiles(layers, open, { files: ['/etc/os-release'] }, { maxFileBytes: 1000, maxTotalBytes: 1e9 });
    expect(image.files.size).toBe(0);
    expect(image.skipped).toEqual([{ path: '/etc/os-release', reason: 'larger than 1000 bytes (2003)' }]);
  });

  it('gives up past the total byte budget, naming the layer', async () => {
    const { layers, open } = memoryLayers([{ data: gzipSync(await tarOf([{ name: 'big', content: Buffer.alloc(100_000) }])), mediaType: GZIP }]);
    const err = await readImageFiles(layers, open, { files: ['/nothing'] }, { maxFileBytes: 1000, maxTotalBytes: 50_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageLayerError);
    expect(err).toMatchObject({ layerDigest: layers[0]!.digest, message: expect.stringMatching(/exceed 50000/) });
  });

  it('reports a corrupt layer as an error naming it', async () => {
    const good = gzipSync(await tarOf([{ name: 'a', content: 'x'.repeat(5000) }]));
    const broken = Buffer.concat([good.subarray(0, 20), Buffer.alloc(200, 7)]);
    const { layers, open } = memoryLayers([{ data: broken, mediaType: GZIP }]);
    await expect(readImageFiles(layers, open, { files: ['/a'] })).rejects.toMatchObject({ name: 'ImageLayerError', layerDigest: layers[0]!.digest });
  });

  it('reads OsInfo once per manifest digest', async () => {
    const apk = '@edge http://mirror.test/alpine/edge/main\nhttp://mirror.test/alpine/v3.20/main\n';
    const { layers, open, opened } = memoryLayers([
      { data: zstdCompressSync(await tarOf([{ name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.3\n' }, { name: 'etc/apk/repositories', content: apk }])), mediaType: ZSTD },
    ]);
    const cache = new MemoryOsInfoCache();
    const first = await readOsInfo({ manifestDigest: 'sha256:abc', layers, openLayer: open, cache });
    const second = await readOsInfo({ manifestDigest: 'sha256:abc', layers, openLayer: open, cache });
    expect(second).toEqual(first);
    expect(first).toMatchObject({ distro: 'alpine', release: '3.20.3', codename: null, aptSources: [] });
    expect(first.apkRepositories.map((r) => [r.tag, r.url])).toEqual([
      ['edge', 'http://mirror.test/alpine/edge/main'],
      [undefined, 'http://mirror.test/alpine/v3.20/main'],
    ]);
    expect(opened).toHaveLength(1);
  });
});
