// A base image is the repository's choice (any registry, any layers): what Freshen keeps from it is bounded, however its layers are built.
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { ImageLayerError, KEPT_BYTES, readImageFiles, type LayerBlob } from '../../src/image/layers.js';
import { MAX_IMAGE_SOURCES, MAX_IMAGE_WARNINGS, osInfoFromFiles, parseDeb822Sources } from '../../src/image/os-info.js';

type Entry = { name: string; size?: number; text?: string };

/** A gzip layer streamed from `entries` (a generator), so a test never holds the whole layer. */
function streamedLayer(entries: () => Iterable<Entry>): { layers: LayerBlob[]; open: () => Promise<Readable> } {
  const open = async () => {
    const pack = tar.pack();
    const gzip = createGzip({ level: 1 });
    void (async () => {
      const zeros = Buffer.alloc(1024 * 1024);
      for (const e of entries()) {
        const body = e.text !== undefined ? Buffer.from(e.text) : zeros.subarray(0, e.size ?? 0);
        await new Promise<void>((resolve, reject) => pack.entry({ name: e.name, size: body.length }, body, (err) => (err ? reject(err) : resolve())));
      }
      pack.finalize();
    })().catch((err: Error) => pack.destroy(err));
    // The reader may stop early (that is the point): the writer's failure is then expected.
    const tarBytes = Readable.from(pack as unknown as AsyncIterable<Buffer>);
    tarBytes.on('error', () => {});
    gzip.on('error', () => {});
    gzip.on('close', () => tarBytes.destroy());
    tarBytes.pipe(gzip);
    return gzip;
  };
  return { layers: [{ digest: `sha256:${'a'.repeat(64)}`, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }], open };
}

const FACTS = { files: ['/etc/os-release', '/var/lib/dpkg/status'], dirs: [{ path: '/etc/apt/sources.list.d', suffixes: ['.list', '.sources'] }, { path: '/var/lib/dpkg/status.d' }] };
const LIMITS = { maxFileBytes: 16 * 1024 * 1024, maxTotalBytes: 4 * 1024 ** 3 };

describe('hostile image layers', () => {
  it('a layer of 256 one-MiB files in a selected directory is refused once the kept bytes pass the cap, not held in memory', async () => {
    const { layers, open } = streamedLayer(function* () {
      for (let i = 0; i < 256; i++) yield { name: `var/lib/dpkg/status.d/pkg${i}`, size: 1024 * 1024 };
    });
    const rssBefore = process.memoryUsage().rss;
    const reading = readImageFiles(layers, open, FACTS, LIMITS);
    await expect(reading).rejects.toThrow(ImageLayerError);
    await expect(reading).rejects.toThrow(new RegExp(`hold more than ${KEPT_BYTES} bytes`));
    // 256 MiB of files would have been kept; the cap is 64 MiB (a loaded machine's RSS moves, so the margin is wide).
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
  });

  // A layer may hold millions of whiteouts (512 bytes each before compression): kept ones are bounded.
  it('whiteouts of unrelated paths are not kept; the selected files are still read', async () => {
    const { layers, open } = streamedLayer(function* () {
      for (let i = 0; i < 20_000; i++) yield { name: `usr/share/junk${i % 100}/.wh.file${i}` };
      yield { name: 'etc/os-release', text: 'ID=debian\nVERSION_ID="12"\n' };
    });
    const image = await readImageFiles(layers, open, FACTS, { ...LIMITS, maxKeptBytes: 64 * 1024 });
    expect(image.files.get('/etc/os-release')?.content.toString()).toContain('ID=debian');
  }, 60_000);

  it('whiteouts that do matter (children of a selected directory) count against the cap', async () => {
    const { layers, open } = streamedLayer(function* () {
      for (let i = 0; i < 20_000; i++) yield { name: `etc/apt/sources.list.d/.wh.${'x'.repeat(50)}${i}.list` };
    });
    await expect(readImageFiles(layers, open, FACTS, { ...LIMITS, maxKeptBytes: 1024 * 1024 })).rejects.toThrow(/hold more than 1048576 bytes/);
  }, 60_000);

  it('apt sources are read up to a cap: a deb822 paragraph naming 10,000 URIs and 10,000 suites is not multiplied out', () => {
    const uris = Array.from({ length: 10_000 }, (_, i) => `https://mirror${i}.example/debian`).join(' ');
    const suites = Array.from({ length: 10_000 }, (_, i) => `suite${i}`).join(' ');
    const started = performance.now();
    const sources = parseDeb822Sources(`Types: deb deb-src\nURIs: ${uris}\nSuites: ${suites}\nComponents: main\n`, '/etc/apt/sources.list.d/x.sources');
    expect(sources).toHaveLength(MAX_IMAGE_SOURCES);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('an image full of unreadable source lines gives 20 warnings and a count, each quoting at most 80 characters', () => {
    const junk = Array.from({ length: 50_000 }, (_, i) => `junk line ${i} ${'y'.repeat(1000)}`).join('\n');
    const files = new Map([
      ['/etc/apt/sources.list', { path: '/etc/apt/sources.list', kind: 'file' as const, content: Buffer.from(junk), layer: 0 }],
      ['/etc/apk/repositories', { path: '/etc/apk/repositories', kind: 'file' as const, content: Buffer.from(junk), layer: 0 }],
    ]);
    const info = osInfoFromFiles({ files, skipped: [], layersRead: 1 });
    expect(info.warnings).toHaveLength(MAX_IMAGE_WARNINGS + 1);
    expect(info.warnings.at(-1)!.message).toBe(`${2 * 50_000 - MAX_IMAGE_WARNINGS} more warnings about the image's sources not listed`);
    expect(Math.max(...info.warnings.map((w) => w.message.length))).toBeLessThan(200);
  });
});
