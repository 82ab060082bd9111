// Real Python distributions built in memory for tests: a wheel (zip with METADATA, WHEEL, RECORD) and an sdist (tar.gz with PKG-INFO).
import { createHash } from 'node:crypto';
import { crc32, gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export interface DistSpec {
  name: string;
  version: string;
  /** PEP 508 requirement strings, one `Requires-Dist` each. */
  requires?: string[];
  requiresPython?: string;
}

export interface Dist {
  filename: string;
  bytes: Buffer;
  sha256: string;
  packagetype: 'bdist_wheel' | 'sdist';
  requiresPython?: string;
}

/** PEP 427 file-name escaping of a project name: runs of `-_.` become `_`. */
const escaped = (name: string) => name.replace(/[-_.]+/g, '_');

export function metadataOf(spec: DistSpec): string {
  const lines = ['Metadata-Version: 2.1', `Name: ${spec.name}`, `Version: ${spec.version}`, 'Summary: test package'];
  if (spec.requiresPython) lines.push(`Requires-Python: ${spec.requiresPython}`);
  for (const req of spec.requires ?? []) lines.push(`Requires-Dist: ${req}`);
  return `${lines.join('\n')}\n\n`;
}

/** A zip archive of stored (uncompressed) entries: what a wheel needs, nothing more. */
export function zip(entries: [string, Buffer][]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(data.length, 20);
    header.writeUInt32LE(data.length, 24);
    header.writeUInt16LE(nameBytes.length, 28);
    header.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    central.push(header, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const centralBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBytes, end]);
}

function dist(filename: string, bytes: Buffer, packagetype: Dist['packagetype'], spec: DistSpec): Dist {
  return { filename, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), packagetype, ...(spec.requiresPython ? { requiresPython: spec.requiresPython } : {}) };
}

export function buildWheel(spec: DistSpec): Dist {
  const stem = `${escaped(spec.name)}-${spec.version}`;
  const files: [string, Buffer][] = [
    [`${escaped(spec.name).toLowerCase()}/__init__.py`, Buffer.from(`__version__ = "${spec.version}"\n`)],
    [`${stem}.dist-info/METADATA`, Buffer.from(metadataOf(spec))],
    [`${stem}.dist-info/WHEEL`, Buffer.from('Wheel-Version: 1.0\nGenerator: freshen-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n')],
  ];
  const record = files.map(([path, data]) => `${path},sha256=${createHash('sha256').update(data).digest('base64url')},${data.length}`);
  files.push([`${stem}.dist-info/RECORD`, Buffer.from(`${[...record, `${stem}.dist-info/RECORD,,`].join('\n')}\n`)]);
  return dist(`${stem}-py3-none-any.whl`, zip(files), 'bdist_wheel', spec);
}

export async function buildSdist(spec: DistSpec): Promise<Dist> {
  const stem = `${escaped(spec.name).toLowerCase()}-${spec.version}`;
  const tar = pack();
  const pyproject = `[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "${spec.name}"\nversion = "${spec.version}"\ndependencies = ${JSON.stringify(spec.requires ?? [])}\n`;
  for (const [path, text] of [[`${stem}/PKG-INFO`, metadataOf(spec)], [`${stem}/pyproject.toml`, pyproject], [`${stem}/${escaped(spec.name).toLowerCase()}/__init__.py`, '']] as const) {
    tar.entry({ name: path, mtime: new Date(0) }, text);
  }
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return dist(`${stem}.tar.gz`, gzipSync(Buffer.concat(chunks)), 'sdist', spec);
}

/** A wheel and an sdist of one release. */
export async function buildRelease(spec: DistSpec): Promise<Dist[]> {
  return [buildWheel(spec), await buildSdist(spec)];
}
