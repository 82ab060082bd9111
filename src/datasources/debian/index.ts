// Debian/Ubuntu package versions from the suites an image lists: Release, then verified Packages indexes.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { decompressIndex, parsePackages, type DebianPackage, type PackagesIndex } from './packages.js';
import { parseRelease, pickPackagesIndex, stripClearsign, type IndexChecksum, type ReleaseFile } from './release.js';

export type { DebianPackage } from './packages.js';
export type { ReleaseFile } from './release.js';

import type { FetchIndexFile, IndexResponse, SharedMirrorFiles } from '../index-fetch.js';

export type { FetchIndexFile, IndexResponse, SharedMirrorFiles } from '../index-fetch.js';

/** What this datasource needs of an apt source (see AptSource in src/image/os-info.ts). */
export interface AptSourceRef {
  type?: string;
  uri: string;
  suite: string;
  components: string[];
  architectures?: string[];
}

export interface DebianVersion extends DebianPackage {
  uri: string;
  suite: string;
  component: string;
  /** The suite's Release `Origin:` (Debian, Ubuntu...), or null. */
  origin: string | null;
}

/** An index that could not be fetched or does not match its Release checksum; nothing is read from it. */
export class DebianIndexError extends Error {
  override name = 'DebianIndexError';
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
  }
}

export interface DebianIndexOptions {
  /** How long a fetched Release is used without asking the mirror again. */
  releaseMaxAgeMs?: number;
  maxIndexBytes?: number;
  /** Parsed Packages indexes kept in memory (keyed by their SHA256, so never stale). */
  maxCachedIndexes?: number;
  now?: () => number;
  /** Where other workers' Release answers and index downloads are found before asking the mirror. */
  shared?: SharedMirrorFiles;
}

interface CachedRelease {
  release: ReleaseFile;
  etag?: string | undefined;
  lastModified?: string | undefined;
  checkedAt: number;
}

/** What one process keeps: shared by every view of the index (see `withShared`). */
interface Memory {
  releases: Map<string, CachedRelease>;
  inflight: Map<string, Promise<unknown>>;
  indexes: Map<string, PackagesIndex>;
}

const stripSlash = (url: string): string => url.replace(/\/+$/, '');

/** Base URL of a suite: `dists/<suite>/`, or the suite path itself for a flat repository. */
function suiteBase(uri: string, suite: string): string {
  return suite.endsWith('/') ? `${stripSlash(uri)}/${suite.replace(/^\/+/, '')}` : `${stripSlash(uri)}/dists/${suite}/`;
}

export class DebianIndex {
  private readonly opts: Required<Omit<DebianIndexOptions, 'shared'>>;

  constructor(
    private readonly fetchFile: FetchIndexFile,
    private readonly options: DebianIndexOptions = {},
    private readonly memory: Memory = { releases: new Map(), inflight: new Map(), indexes: new Map() },
  ) {
    this.opts = {
      releaseMaxAgeMs: options.releaseMaxAgeMs ?? 5 * 60_000,
      maxIndexBytes: options.maxIndexBytes ?? 256 * 1024 ** 2,
      maxCachedIndexes: options.maxCachedIndexes ?? 32,
      now: options.now ?? Date.now,
    };
  }

  /**
   * This index (its parsed indexes and Releases in memory) reading through `shared` on a memory
   * miss: one per job, since whose copy a credentialed mirror's answer is depends on the job.
   */
  withShared(shared: SharedMirrorFiles): DebianIndex {
    return new DebianIndex(this.fetchFile, { ...this.options, shared }, this.memory);
  }

  /**
   * Every version of `name` for `arch` (and `all`) in every binary suite the image lists.
   * Throws DebianIndexError when any needed Release or index is missing or fails verification:
   * a partial answer could make an old version look like the newest.
   */
  async getVersions(sources: AptSourceRef[], arch: string, name: string): Promise<DebianVersion[]> {
    const usable = sources.filter((s) => (s.type ?? 'deb') === 'deb' && (!s.architectures || s.architectures.includes(arch)));
    const perSource = await Promise.all(usable.map((s) => this.versionsIn(s, arch, name)));
    return perSource.flat();
  }

  private async versionsIn(source: AptSourceRef, arch: string, name: string): Promise<DebianVersion[]> {
    const release = await this.getRelease(source.uri, source.suite);
    const components = source.suite.endsWith('/') ? [''] : source.components;
    const out: DebianVersion[] = [];
    const seen = new Set<string>();
    for (const component of components) {
      const arches = release.archAllInEveryArch ? [arch] : [arch, 'all'];
      for (const indexArch of arches) {
        const index = await this.getPackages(source.uri, source.suite, release, component, indexArch);
        for (const pkg of index?.get(name) ?? []) {
          const key = `${pkg.version} ${pkg.architecture}`;
          if ((pkg.architecture !== arch && pkg.architecture !== 'all') || seen.has(key)) continue;
          seen.add(key);
          out.push({ ...pkg, uri: source.uri, suite: source.suite, component, origin: release.origin });
        }
      }
    }
    return out;
  }

  /** The suite's InRelease (armor stripped, signature not verified) or else its Release. */
  async getRelease(uri: string, suite: string): Promise<ReleaseFile> {
    const base = suiteBase(uri, suite);
    const cached = this.memory.releases.get(base);
    if (cached && this.opts.now() - cached.checkedAt < this.opts.releaseMaxAgeMs) return cached.release;
    return this.once(`release ${base}`, async () => {
      const ask = () => this.fetchRelease(base, uri, suite, cached);
      const { shared } = this.options;
      // The checked time travels with a shared answer, so it is not trusted longer than one max age.
      const current = shared
        ? await shared.recent(base, this.opts.releaseMaxAgeMs, async () => releaseToJson(await ask()), releaseFromJson)
        : await ask();
      this.memory.releases.set(base, current);
      return current.release;
    });
  }

  private async fetchRelease(base: string, uri: string, suite: string, cached: CachedRelease | undefined): Promise<CachedRelease> {
    for (const [name, signed] of [['InRelease', true], ['Release', false]] as const) {
      const url = base + name;
      const validators = cached ? { etag: cached.etag, lastModified: cached.lastModified } : undefined;
      const res = await this.fetch(url, dropUndefined(validators));
      if (res.status === 404) continue;
      if (res.status === 304 && cached) return { ...cached, checkedAt: this.opts.now() };
      const release = this.parseReleaseAt(url, res.body.toString('utf8'), signed);
      return { release, etag: res.etag, lastModified: res.lastModified, checkedAt: this.opts.now() };
    }
    throw new DebianIndexError(`no InRelease or Release file for suite ${suite} at ${uri}`, base + 'Release');
  }

  private parseReleaseAt(url: string, text: string, signed: boolean): ReleaseFile {
    try {
      const release = parseRelease(signed ? stripClearsign(text) : text);
      if (release.sha256.size === 0) throw new Error('it lists no SHA256 checksums');
      return release;
    } catch (err) {
      throw new DebianIndexError(`cannot read ${url}: ${(err as Error).message}`, url);
    }
  }

  /** The parsed Packages index, or undefined when the Release lists none for this component/arch. */
  private async getPackages(uri: string, suite: string, release: ReleaseFile, component: string, arch: string): Promise<PackagesIndex | undefined> {
    const picked = component === '' ? pickFlatIndex(release) : pickPackagesIndex(release, component, arch);
    if (!picked) return undefined;
    const url = suiteBase(uri, suite) + picked.path;
    const key = `${url}@${picked.checksum.sha256}`;
    const hit = this.memory.indexes.get(key);
    if (hit) return hit;
    return this.once(`index ${key}`, async () => {
      if (picked.checksum.size > this.opts.maxIndexBytes) {
        throw new DebianIndexError(`${url} is ${picked.checksum.size} bytes, above the ${this.opts.maxIndexBytes} byte limit`, url);
      }
      const download = () => this.download(url, picked.checksum, release.suite ?? suite);
      const { shared } = this.options;
      const body = shared ? await shared.content(url, picked.checksum.sha256, download) : await download();
      let text: string;
      try {
        text = (await decompressIndex(picked.path, body)).toString('utf8');
      } catch (err) {
        throw new DebianIndexError(`cannot decompress ${url}: ${(err as Error).message}`, url);
      }
      const index = parsePackages(text);
      this.remember(key, index);
      return index;
    });
  }

  /** The index file's bytes, verified against the checksum its Release lists. */
  private async download(url: string, checksum: IndexChecksum, suite: string): Promise<Buffer> {
    const res = await this.fetch(url);
    if (res.status !== 200) throw new DebianIndexError(`${url} answered ${res.status} although ${suite} lists it`, url);
    verifyChecksum(url, res.body, checksum);
    return res.body;
  }

  private remember(key: string, index: PackagesIndex): void {
    const { indexes } = this.memory;
    indexes.set(key, index);
    while (indexes.size > this.opts.maxCachedIndexes) indexes.delete(indexes.keys().next().value!);
  }

  private async fetch(url: string, validators?: { etag?: string; lastModified?: string }): Promise<IndexResponse> {
    let res: IndexResponse;
    try {
      res = await this.fetchFile(url, validators);
    } catch (err) {
      throw new DebianIndexError(`cannot fetch ${url}: ${(err as Error).message}`, url);
    }
    if (![200, 304, 404].includes(res.status)) throw new DebianIndexError(`${url} answered ${res.status}`, url);
    return res;
  }

  /** Shares one in-flight request between concurrent callers asking for the same file. */
  private once<T>(key: string, work: () => Promise<T>): Promise<T> {
    const { inflight } = this.memory;
    const running = inflight.get(key);
    if (running) return running as Promise<T>;
    const p = work().finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  }
}

/** A Release answer as the shared cache stores it: JSON, the checksum map as pairs. */
function releaseToJson(cached: CachedRelease) {
  return { ...cached, release: { ...cached.release, sha256: [...cached.release.sha256] } };
}

const storedRelease = z.object({
  release: z.object({
    origin: z.string().nullable(),
    suite: z.string().nullable(),
    codename: z.string().nullable(),
    date: z.string().nullable(),
    validUntil: z.string().nullable(),
    architectures: z.array(z.string()),
    components: z.array(z.string()),
    archAllInEveryArch: z.boolean(),
    sha256: z.array(z.tuple([z.string(), z.object({ sha256: z.string(), size: z.number() })])).min(1),
  }),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  checkedAt: z.number(),
});

/** A stored Release answer, or undefined when it is not one (then the mirror is asked). */
function releaseFromJson(stored: unknown): CachedRelease | undefined {
  const parsed = storedRelease.safeParse(stored);
  if (!parsed.success) return undefined;
  return { ...parsed.data, release: { ...parsed.data.release, sha256: new Map(parsed.data.release.sha256) } };
}

function pickFlatIndex(release: ReleaseFile): ReturnType<typeof pickPackagesIndex> {
  for (const path of ['Packages.xz', 'Packages.gz', 'Packages']) {
    const checksum = release.sha256.get(path);
    if (checksum) return { path, checksum };
  }
  return undefined;
}

function verifyChecksum(url: string, body: Buffer, expected: { sha256: string; size: number }): void {
  if (body.length !== expected.size) {
    throw new DebianIndexError(`${url} is ${body.length} bytes but its Release says ${expected.size}; not using it`, url);
  }
  const actual = createHash('sha256').update(body).digest('hex');
  if (actual !== expected.sha256) {
    throw new DebianIndexError(`${url} has SHA256 ${actual} but its Release says ${expected.sha256}; not using it`, url);
  }
}

function dropUndefined(v: { etag?: string | undefined; lastModified?: string | undefined } | undefined): { etag?: string; lastModified?: string } | undefined {
  if (!v) return undefined;
  const out: { etag?: string; lastModified?: string } = {};
  if (v.etag) out.etag = v.etag;
  if (v.lastModified) out.lastModified = v.lastModified;
  return out;
}

/** Debian's architecture name for an OCI platform (`linux/arm/v7` → `armhf`). */
export function debianArch(platform: string): string {
  const [, arch = platform, variant] = platform.includes('/') ? platform.split('/') : ['', platform];
  const map: Record<string, string> = { amd64: 'amd64', arm64: 'arm64', '386': 'i386', ppc64le: 'ppc64el', s390x: 's390x', riscv64: 'riscv64', mips64le: 'mips64el', loong64: 'loong64' };
  if (arch === 'arm') return variant === 'v5' || variant === 'v6' ? 'armel' : 'armhf';
  return map[arch] ?? arch;
}
