// Reads a few selected files out of an image's layer blobs, top layer first, honouring whiteouts.
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import tar from 'tar-stream';

/** One layer as listed in the image manifest, bottom layer first. */
export interface LayerBlob {
  digest: string;
  mediaType: string;
  size?: number;
}

/** Streams one layer blob's bytes (still compressed), e.g. from the OCI client's getBlobStream. */
export type OpenLayer = (layer: LayerBlob) => Promise<Readable>;

/** Which files to read: exact paths, and directories whose direct children end with a suffix. */
export interface FileSelection {
  files: string[];
  dirs?: { path: string; suffixes?: string[] }[];
}

export interface ReadLimits {
  /** Files larger than this are skipped (listed in `skipped`). */
  maxFileBytes: number;
  /** Uncompressed bytes read across all layers before giving up. */
  maxTotalBytes: number;
  /**
   * Bytes kept in memory across all layers (selected files' contents, link targets, whiteouts
   * that matter) before giving up; default KEPT_BYTES. Selected directories may hold any number of files.
   */
  maxKeptBytes?: number;
}

/** What the selected files of one image may hold in memory: real ones hold a few MiB. */
export const KEPT_BYTES = 64 * 1024 * 1024;
/** Counted per file or whiteout kept besides its bytes, so many empty entries are bounded too. */
const ENTRY_OVERHEAD = 256;

export const DEFAULT_READ_LIMITS: ReadLimits = { maxFileBytes: 4 * 1024 * 1024, maxTotalBytes: 2 * 1024 ** 3 };

export interface ImageFile {
  path: string;
  kind: 'file' | 'symlink';
  /** File bytes; empty for a symlink. */
  content: Buffer;
  /** Absolute target of a symlink or hard link. */
  linkTarget?: string;
  /** Index of the layer (bottom = 0) the file was found in. */
  layer: number;
}

export interface ImageFiles {
  files: Map<string, ImageFile>;
  skipped: { path: string; reason: string }[];
  /** How many layers were opened (fewer than all when every selected path was settled early). */
  layersRead: number;
}

export class ImageLayerError extends Error {
  override name = 'ImageLayerError';
  constructor(
    message: string,
    readonly layerDigest?: string,
  ) {
    super(message);
  }
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

/** `./etc//apt/` → `/etc/apt`. */
export function normalizeImagePath(name: string): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  return '/' + parts.join('/');
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let p = parentOf(path); ; p = parentOf(p)) {
    out.push(p);
    if (p === '/') return out;
  }
}

/** What upper layers have removed from the layers below them. */
class Whiteouts {
  private deleted = new Set<string>();
  private opaque = new Set<string>();

  /** True when everything a lower layer has under `dir` is gone. */
  hidesChildrenOf(dir: string): boolean {
    return this.deleted.has(dir) || this.opaque.has(dir) || this.hides(dir);
  }

  hides(path: string): boolean {
    if (this.deleted.has(path)) return true;
    return ancestors(path).some((dir) => this.deleted.has(dir) || this.opaque.has(dir));
  }

  merge(deleted: Iterable<string>, opaque: Iterable<string>): void {
    for (const d of deleted) this.deleted.add(d);
    for (const o of opaque) this.opaque.add(o);
  }
}

function isSelected(path: string, sel: FileSelection): boolean {
  if (sel.files.includes(path)) return true;
  const dir = parentOf(path);
  const name = path.slice(dir.length + (dir === '/' ? 0 : 1));
  return (sel.dirs ?? []).some(
    (d) => normalizeImagePath(d.path) === dir && (!d.suffixes || d.suffixes.some((s) => name.endsWith(s))),
  );
}

/** True when nothing below can change the answer for any selected path. */
function allSettled(sel: FileSelection, seen: Set<string>, hidden: Whiteouts): boolean {
  const filesDone = sel.files.every((f) => seen.has(f) || hidden.hides(f));
  const dirsDone = (sel.dirs ?? []).every((d) => hidden.hidesChildrenOf(normalizeImagePath(d.path)));
  return filesDone && dirsDone;
}

/**
 * Reads the selected files from the layers (bottom first, as in the manifest). Layers are read top
 * down so the first copy of a path seen is the visible one, and reading stops once every selected
 * path is settled. Paths are absolute (`/etc/os-release`).
 */
export async function readImageFiles(
  layers: LayerBlob[],
  open: OpenLayer,
  selection: FileSelection,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<ImageFiles> {
  const sel = { files: selection.files.map(normalizeImagePath), dirs: selection.dirs };
  const result: ImageFiles = { files: new Map(), skipped: [], layersRead: 0 };
  const hidden = new Whiteouts();
  // Selected paths present in an upper layer (even when skipped for size): lower copies are shadowed.
  const seen = new Set<string>();
  const budget = { left: limits.maxTotalBytes };
  const kept = keptBudget(limits.maxKeptBytes ?? KEPT_BYTES);
  const matters = pathsThatMatter(sel);
  for (let i = layers.length - 1; i >= 0; i--) {
    if (allSettled(sel, seen, hidden)) break;
    const layer = layers[i]!;
    const upper = { deleted: new Set<string>(), opaque: new Set<string>(), seen: new Set<string>() };
    const onEntry = async (header: tar.Header, body: Readable): Promise<void> => {
      const path = normalizeImagePath(header.name);
      const base = path.slice(parentOf(path).length + 1);
      if (base === OPAQUE_MARKER) return void keepWhiteout(upper.opaque, parentOf(path));
      if (base.startsWith(WHITEOUT_PREFIX)) {
        return void keepWhiteout(upper.deleted, normalizeImagePath(parentOf(path) + '/' + base.slice(WHITEOUT_PREFIX.length)));
      }
      if (header.type === 'directory' || !isSelected(path, sel) || seen.has(path) || hidden.hides(path)) return;
      upper.seen.add(path);
      // A later entry for the same path in the same tar replaces an earlier one, as on extraction.
      result.files.delete(path);
      const file = await readEntry(path, header, body, i, limits, result.skipped);
      if (!file) return;
      kept.add(path.length + file.content.length + (file.linkTarget?.length ?? 0));
      result.files.set(path, file);
    };
    // Only whiteouts of a selected path or one of its directories can change the answer.
    const keepWhiteout = (into: Set<string>, path: string): void => {
      if (!matters.has(path) && !isSelected(path, sel)) return;
      kept.add(path.length);
      into.add(path);
    };
    await readLayer(layer, open, onEntry, budget, limits.maxTotalBytes);
    result.layersRead++;
    hidden.merge(upper.deleted, upper.opaque);
    for (const p of upper.seen) seen.add(p);
  }
  return result;
}

/** Selected files, selected directories and every directory above them. */
function pathsThatMatter(sel: FileSelection): Set<string> {
  const paths = [...sel.files, ...(sel.dirs ?? []).map((d) => normalizeImagePath(d.path))];
  return new Set(paths.flatMap((p) => [p, ...ancestors(p)]));
}

/** Counts what is kept in memory; past `max` the image is refused as one clear error. */
function keptBudget(max: number): { add(bytes: number): void } {
  let total = 0;
  return {
    add(bytes) {
      total += bytes + ENTRY_OVERHEAD;
      if (total > max) throw new ImageLayerError(`the image's selected files and whiteouts hold more than ${max} bytes; not read further`);
    },
  };
}

async function readEntry(
  path: string,
  header: tar.Header,
  body: Readable,
  layer: number,
  limits: ReadLimits,
  skipped: ImageFiles['skipped'],
): Promise<ImageFile | undefined> {
  if (header.type === 'symlink' && header.linkname) {
    const target = header.linkname.startsWith('/') ? header.linkname : parentOf(path) + '/' + header.linkname;
    return { path, kind: 'symlink', content: Buffer.alloc(0), linkTarget: resolveDots(target), layer };
  }
  if (header.type === 'link' && header.linkname) {
    return { path, kind: 'symlink', content: Buffer.alloc(0), linkTarget: normalizeImagePath(header.linkname), layer };
  }
  if (header.type !== 'file' && header.type !== 'contiguous-file') return undefined;
  if ((header.size ?? 0) > limits.maxFileBytes) {
    skipped.push({ path, reason: `larger than ${limits.maxFileBytes} bytes (${header.size})` });
    return undefined;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return { path, kind: 'file', content: Buffer.concat(chunks), layer };
}

function resolveDots(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

type EntryHandler = (header: tar.Header, body: Readable) => Promise<void>;

async function readLayer(
  layer: LayerBlob,
  open: OpenLayer,
  onEntry: EntryHandler,
  budget: { left: number },
  maxTotal: number,
): Promise<void> {
  let source: Readable;
  try {
    source = await open(layer);
  } catch (err) {
    throw new ImageLayerError(`cannot open layer ${layer.digest}: ${(err as Error).message}`, layer.digest);
  }
  const extract = tar.extract();
  const reading = (async () => {
    for await (const entry of extract) {
      await onEntry(entry.header, entry as unknown as Readable);
      entry.resume(); // drain whatever the handler did not read
    }
  })();
  const feeding = feedTar(source, layer.mediaType, extract, budget, maxTotal);
  try {
    await Promise.all([
      feeding.catch((err: Error) => {
        extract.destroy(err);
        throw err;
      }),
      reading.catch((err: Error) => {
        source.destroy();
        extract.destroy(err);
        throw err;
      }),
    ]);
  } catch (err) {
    if (err instanceof ImageLayerError) throw new ImageLayerError(err.message, layer.digest);
    throw new ImageLayerError(`cannot read layer ${layer.digest}: ${(err as Error).message}`, layer.digest);
  }
}

/** Decompresses the layer into the tar parser, counting uncompressed bytes against the budget. */
async function feedTar(source: Readable, mediaType: string, extract: tar.Extract, budget: { left: number }, maxTotal: number): Promise<void> {
  const { stream, compression } = await sniffCompression(source, mediaType);
  await pipeline(stream, ...decompressorFor(compression), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) {
      budget.left -= chunk.length;
      if (budget.left < 0) throw new ImageLayerError(`image layers exceed ${maxTotal} uncompressed bytes`);
      if (!extract.write(chunk)) await drained(extract);
    }
  });
  // tar-stream's parser is a streamx Writable: end() takes no callback (its typings say otherwise).
  (extract as unknown as { end(): void }).end();
}

/** Resolves on 'drain'; rejects when the parser fails or closes first (it would never drain). */
function drained(extract: tar.Extract): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      extract.off('drain', onDrain);
      extract.off('error', done);
      extract.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new Error('tar parser closed'));
    extract.on('drain', onDrain);
    extract.on('error', done);
    extract.on('close', onClose);
  });
}

export type Compression = 'gzip' | 'zstd' | 'none';

/** The compression a layer's media type declares, or undefined when it says nothing usable. */
export function compressionOfMediaType(mediaType: string): Compression | undefined {
  if (/(\+|\.)gzip$/.test(mediaType)) return 'gzip';
  if (/\+zstd$/.test(mediaType)) return 'zstd';
  if (/\.tar$|diff\.tar$/.test(mediaType)) return 'none';
  return undefined;
}

function compressionOfMagic(head: Buffer): Compression | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'none';
  return undefined;
}

/**
 * Magic bytes win over the media type: some registries label uncompressed layers as gzip. The
 * media type decides only when the bytes are not recognised.
 */
async function sniffCompression(source: Readable, mediaType: string): Promise<{ stream: Readable; compression: Compression }> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  while (size < 512) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = Buffer.from(next.value as Uint8Array);
    head.push(chunk);
    size += chunk.length;
  }
  const first = Buffer.concat(head);
  const compression = compressionOfMagic(first) ?? compressionOfMediaType(mediaType) ?? 'none';
  const stream = Readable.from(
    (async function* () {
      yield first;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value as Buffer;
      }
    })(),
  );
  return { stream, compression };
}

function decompressorFor(compression: Compression): Transform[] {
  if (compression === 'gzip') return [createGunzip()];
  if (compression === 'zstd') return [zstdStream()];
  return [];
}

/** A Transform around fzstd's streaming decoder (no native zstd needed). */
export function zstdStream(): Transform {
  let decoder: ZstdDecompress;
  const transform = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        decoder.push(chunk);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb) {
      try {
        decoder.push(new Uint8Array(0), true);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
  decoder = new ZstdDecompress((data) => {
    transform.push(Buffer.from(data));
  });
  return transform;
}

/** The bytes of a selected file, following symlinks whose targets were also selected. */
export function fileContent(image: ImageFiles, path: string): Buffer | undefined {
  let current = normalizeImagePath(path);
  for (let hops = 0; hops < 8; hops++) {
    const file = image.files.get(current);
    if (!file) return undefined;
    if (file.kind === 'file') return file.content;
    current = file.linkTarget!;
  }
  return undefined;
}
