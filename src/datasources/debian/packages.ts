// Decompresses and parses a Debian Packages index into entries grouped by package name.
import { gunzipSync } from 'node:zlib';
import xz from 'xz-decompress';

export interface DebianPackage {
  name: string;
  version: string;
  architecture: string;
  /** Source package name (dpkg's `Source`, else the binary name): OSV and changelogs use it. */
  source: string;
  sourceVersion: string;
  filename: string | null;
  sha256: string | null;
}

/** Package name → its entries in one index. */
export type PackagesIndex = Map<string, DebianPackage[]>;

/** Largest uncompressed index (Debian's biggest Packages files are a few hundred MiB less); a mirror's bomb stops here. */
export const MAX_INDEX_TEXT_BYTES = 512 * 1024 ** 2;

export async function decompressIndex(path: string, data: Buffer, maxBytes = MAX_INDEX_TEXT_BYTES): Promise<Buffer> {
  const tooLarge = () => new Error(`it expands to more than ${maxBytes} bytes`);
  if (path.endsWith('.gz')) {
    try {
      return gunzipSync(data, { maxOutputLength: maxBytes });
    } catch (err) {
      throw (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? tooLarge() : err;
    }
  }
  if (path.endsWith('.xz')) {
    const stream = new xz.XzReadableStream(new Blob([new Uint8Array(data)]).stream());
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
  return data;
}

const WANTED = new Set(['package', 'version', 'architecture', 'source', 'filename', 'sha256']);

/** Parses Packages paragraphs; only the fields Freshen uses are kept, entries without a version are dropped. */
export function parsePackages(text: string): PackagesIndex {
  const index: PackagesIndex = new Map();
  let fields: Record<string, string> = {};
  const flush = (): void => {
    const entry = toPackage(fields);
    fields = {};
    if (!entry) return;
    const list = index.get(entry.name);
    if (list) list.push(entry);
    else index.set(entry.name, [entry]);
  };
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line === '' || line === '\r') {
      flush();
      continue;
    }
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) continue; // continuation of a multi-line field we do not keep
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).toLowerCase();
    if (WANTED.has(key)) fields[key] = line.slice(colon + 1).trim();
  }
  flush();
  return index;
}

function toPackage(f: Record<string, string>): DebianPackage | undefined {
  if (!f.package || !f.version) return undefined;
  // `Source: openssl (3.0.15-1~deb12u1)` when the source version differs from the binary's.
  const src = /^(\S+)(?:\s+\((\S+)\))?$/.exec(f.source ?? '');
  return {
    name: f.package,
    version: f.version,
    architecture: f.architecture ?? 'all',
    source: src?.[1] ?? f.package,
    sourceVersion: src?.[2] ?? f.version,
    filename: f.filename ?? null,
    sha256: f.sha256 ?? null,
  };
}
