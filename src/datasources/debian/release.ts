// Parses a suite's Release / InRelease file: its fields and the SHA256 list of index files.

export interface IndexChecksum {
  sha256: string;
  size: number;
}

export interface ReleaseFile {
  /** `Origin:` (Debian, Ubuntu, a third party's name), or null. */
  origin: string | null;
  suite: string | null;
  codename: string | null;
  /** RFC 2822 date as written, e.g. `Sat, 09 Nov 2024 09:51:38 UTC`. */
  date: string | null;
  validUntil: string | null;
  architectures: string[];
  components: string[];
  /** `No-Support-for-Architecture-all: Packages`: arch `all` packages are in every binary-<arch> index. */
  archAllInEveryArch: boolean;
  /** Index path relative to dists/<suite>/ → its checksum and size. */
  sha256: Map<string, IndexChecksum>;
}

export class ReleaseParseError extends Error {
  override name = 'ReleaseParseError';
}

/**
 * Removes the OpenPGP clearsign armor of an InRelease file and returns the signed text.
 * The signature itself is not verified: trust rests on the transport and on the Packages
 * checksums listed inside, which are verified.
 */
export function stripClearsign(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const begin = lines.findIndex((l) => l.trim() === '-----BEGIN PGP SIGNED MESSAGE-----');
  if (begin < 0) return text;
  let i = begin + 1;
  while (i < lines.length && lines[i]!.trim() !== '') i++; // armor headers such as `Hash: SHA512`
  const body: string[] = [];
  for (i++; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '-----BEGIN PGP SIGNATURE-----') return body.join('\n') + '\n';
    body.push(line.startsWith('- ') ? line.slice(2) : line);
  }
  throw new ReleaseParseError('InRelease has a signed message without a signature block');
}

/** Parses the single paragraph of a Release file. */
export function parseRelease(text: string): ReleaseFile {
  const fields = new Map<string, string[]>();
  let key: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (/^\s/.test(line)) {
      if (key) fields.get(key)!.push(line.trim());
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ReleaseParseError(`Release line is not a field: ${line}`);
    key = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    fields.set(key, value ? [value] : []);
  }
  const one = (k: string): string | null => fields.get(k)?.[0] ?? null;
  const list = (k: string): string[] => (one(k) ?? '').split(/\s+/).filter(Boolean);
  return {
    origin: one('origin'),
    suite: one('suite'),
    codename: one('codename'),
    date: one('date'),
    validUntil: one('valid-until'),
    architectures: list('architectures'),
    components: list('components'),
    archAllInEveryArch: /\bPackages\b/.test(one('no-support-for-architecture-all') ?? ''),
    sha256: parseChecksums(fields.get('sha256') ?? []),
  };
}

function parseChecksums(lines: string[]): Map<string, IndexChecksum> {
  const out = new Map<string, IndexChecksum>();
  for (const line of lines) {
    const m = /^([0-9a-fA-F]{64})\s+(\d+)\s+(\S+)$/.exec(line);
    if (!m) throw new ReleaseParseError(`bad SHA256 line in Release: ${line}`);
    out.set(m[3]!, { sha256: m[1]!.toLowerCase(), size: Number(m[2]) });
  }
  return out;
}

const INDEX_NAMES = ['Packages.xz', 'Packages.gz', 'Packages'] as const;

/** The best-compressed Packages index the Release lists for a component and architecture. */
export function pickPackagesIndex(release: ReleaseFile, component: string, arch: string): { path: string; checksum: IndexChecksum } | undefined {
  for (const name of INDEX_NAMES) {
    const path = `${component}/binary-${arch}/${name}`;
    const checksum = release.sha256.get(path);
    if (checksum) return { path, checksum };
  }
  return undefined;
}
