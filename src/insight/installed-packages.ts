// Reads the installed-package databases of an image: dpkg's status (and distroless status.d) and apk's.
import { parseParagraphs } from '../image/os-info.js';

export type PackageFormat = 'dpkg' | 'apk';

export interface InstalledPackage {
  name: string;
  version: string;
  /** The source package (dpkg `Source`, apk origin); the binary name when the database says none. */
  source: string;
  /** The source package's version (dpkg `Source: name (version)`), else the binary version. */
  sourceVersion: string;
  arch?: string;
}

export interface InstalledPackages {
  format: PackageFormat;
  packages: InstalledPackage[];
}

/** dpkg status text → packages whose Status says installed (status.d entries carry no Status: all count). */
export function parseDpkgStatus(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const { fields } of parseParagraphs(text)) {
    const name = fields.get('package');
    const version = fields.get('version');
    if (!name || !version) continue;
    const status = fields.get('status');
    if (status !== undefined && !/\sinstalled$/.test(status)) continue;
    const [source, sourceVersion] = parseSourceField(fields.get('source'), name, version);
    const arch = fields.get('architecture');
    out.push({ name, version, source, sourceVersion, ...(arch ? { arch } : {}) });
  }
  return out;
}

/** `glibc (2.36-9+deb12u4)` → [glibc, 2.36-9+deb12u4]; `glibc` → [glibc, binary version]. */
function parseSourceField(value: string | undefined, name: string, version: string): [string, string] {
  const m = /^(\S+)(?:\s+\(([^)]+)\))?$/.exec(value?.trim() ?? '');
  if (!m) return [name, version];
  return [m[1]!, m[2]?.trim() ?? version];
}

/** apk's `/lib/apk/db/installed`: blank-line separated records of `X:value` lines (case matters). */
export function parseApkInstalled(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const record of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of record.split('\n')) {
      const m = /^([A-Za-z]):(.*)$/.exec(line.replace(/\r$/, ''));
      if (m && !fields.has(m[1]!)) fields.set(m[1]!, m[2]!.trim());
    }
    const name = fields.get('P');
    const version = fields.get('V');
    if (!name || !version) continue;
    const arch = fields.get('A');
    out.push({ name, version, source: fields.get('o') || name, sourceVersion: version, ...(arch ? { arch } : {}) });
  }
  return out;
}

/** Distroless writes one file per package into status.d, plus `<name>.md5sums` lists that are not records. */
export function isStatusDRecord(path: string): boolean {
  return !/\.(md5sums|list|conffiles)$/.test(path);
}

/**
 * The packages of one image from its database files (path → text). dpkg's status and status.d are
 * merged; an image with both dpkg and apk databases is read as dpkg (the apk one is usually a leftover).
 */
export function installedPackagesFrom(files: Map<string, string>): InstalledPackages | null {
  const dpkgTexts: string[] = [];
  const status = files.get('/var/lib/dpkg/status');
  if (status !== undefined) dpkgTexts.push(status);
  for (const [path, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (path.startsWith('/var/lib/dpkg/status.d/') && isStatusDRecord(path)) dpkgTexts.push(text);
  }
  if (dpkgTexts.length > 0) return { format: 'dpkg', packages: uniqueNames(dpkgTexts.flatMap(parseDpkgStatus)) };
  const apk = files.get('/lib/apk/db/installed');
  if (apk !== undefined) return { format: 'apk', packages: uniqueNames(parseApkInstalled(apk)) };
  return null;
}

/** Multi-arch dpkg installs list one name twice (libc6 amd64 and i386): those get `name:arch`. */
function uniqueNames(packages: InstalledPackage[]): InstalledPackage[] {
  const count = new Map<string, number>();
  for (const p of packages) count.set(p.name, (count.get(p.name) ?? 0) + 1);
  const seen = new Set<string>();
  const out: InstalledPackage[] = [];
  for (const p of packages) {
    const name = (count.get(p.name) ?? 0) > 1 && p.arch ? `${p.name}:${p.arch}` : p.name;
    if (seen.has(name)) continue;
    seen.add(name);
    out.push({ ...p, name });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
