// Parses APKINDEX.tar.gz: concatenated gzip streams (signature tar, then index tar) holding APKINDEX.
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';

export interface AlpinePackage {
  name: string;
  version: string;
  arch: string;
  /** Origin (source) package name: OSV uses it. */
  origin: string;
  /** `t:` build time. */
  buildTime: Date | null;
  /** `C:` checksum of the package's control data, as written (`Q1...`). */
  checksum: string | null;
}

export type ApkIndex = Map<string, AlpinePackage[]>;

export class ApkIndexError extends Error {
  override name = 'ApkIndexError';
}

export const MAX_APKINDEX_BYTES = 128 * 1024 ** 2;

/** Extracts the APKINDEX text from the archive. Gunzip reads every concatenated member in turn. */
export async function apkIndexText(archive: Buffer): Promise<string> {
  let tarBytes: Buffer;
  try {
    // An APKINDEX is a few MiB; the cap stops a gzip bomb from a mirror named in an image.
    tarBytes = gunzipSync(archive, { maxOutputLength: MAX_APKINDEX_BYTES });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new ApkIndexError(`APKINDEX.tar.gz expands to more than ${MAX_APKINDEX_BYTES} bytes`);
    throw new ApkIndexError(`APKINDEX.tar.gz is not gzip: ${(err as Error).message}`);
  }
  const extract = tar.extract();
  let found: string | undefined;
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      if (entry.header.name.replace(/^\.\//, '') === 'APKINDEX') found = Buffer.concat(chunks).toString('utf8');
    }
  })();
  Readable.from([tarBytes]).pipe(extract as unknown as NodeJS.WritableStream);
  try {
    await done;
  } catch (err) {
    throw new ApkIndexError(`APKINDEX.tar.gz is not a valid tar: ${(err as Error).message}`);
  }
  if (found === undefined) throw new ApkIndexError('APKINDEX.tar.gz has no APKINDEX file');
  return found;
}

/** Parses `X:value` paragraphs separated by blank lines (also the format of /lib/apk/db/installed). */
export function parseApkIndex(text: string): ApkIndex {
  const index: ApkIndex = new Map();
  let fields: Record<string, string> = {};
  const flush = (): void => {
    const pkg = toPackage(fields);
    fields = {};
    if (!pkg) return;
    const list = index.get(pkg.name);
    if (list) list.push(pkg);
    else index.set(pkg.name, [pkg]);
  };
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end);
    start = end + 1;
    if (line === '') {
      flush();
      continue;
    }
    if (line[1] === ':') fields[line[0]!] = line.slice(2);
  }
  flush();
  return index;
}

function toPackage(f: Record<string, string>): AlpinePackage | undefined {
  if (!f.P || !f.V) return undefined;
  const t = Number(f.t);
  return {
    name: f.P,
    version: f.V,
    arch: f.A ?? '',
    origin: f.o ?? f.P,
    buildTime: f.t && Number.isFinite(t) ? new Date(t * 1000) : null,
    checksum: f.C ?? null,
  };
}
