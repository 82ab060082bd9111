// Alpine package versions from the repositories an image lists (`<repo>/<arch>/APKINDEX.tar.gz`).
import { apkIndexText, parseApkIndex, type AlpinePackage, type ApkIndex } from './apkindex.js';

export type { AlpinePackage } from './apkindex.js';

import type { FetchIndexFile, IndexResponse } from '../index-fetch.js';

export type { FetchIndexFile, IndexResponse } from '../index-fetch.js';

/** What this datasource needs of an apk repository (see ApkRepository in src/image/os-info.ts). */
export interface ApkRepositoryRef {
  url: string;
  tag?: string;
}

export interface AlpineVersion extends AlpinePackage {
  repository: string;
}

/**
 * An index that could not be fetched or read. APKINDEX signatures are not verified (the RSA keys
 * live in the image), so trust rests on the transport.
 */
export class AlpineIndexError extends Error {
  override name = 'AlpineIndexError';
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
  }
}

export interface AlpineIndexOptions {
  /** How long a fetched index is used without asking the mirror again (then a conditional GET). */
  maxAgeMs?: number;
  maxCachedIndexes?: number;
  now?: () => number;
}

interface CachedIndex {
  index: ApkIndex;
  etag?: string | undefined;
  lastModified?: string | undefined;
  checkedAt: number;
}

export class AlpineIndex {
  private cache = new Map<string, CachedIndex>();
  private inflight = new Map<string, Promise<ApkIndex | undefined>>();
  private readonly maxAgeMs: number;
  private readonly maxCached: number;
  private readonly now: () => number;

  constructor(
    private readonly fetchFile: FetchIndexFile,
    opts: AlpineIndexOptions = {},
  ) {
    this.maxAgeMs = opts.maxAgeMs ?? 5 * 60_000;
    this.maxCached = opts.maxCachedIndexes ?? 32;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Every version of `name` for `arch` in the repositories apk would use: the untagged ones, or
   * for `name@tag` only those tagged `@tag`. A repository without an index for the arch is skipped.
   */
  async getVersions(repositories: ApkRepositoryRef[], arch: string, name: string, tag?: string): Promise<AlpineVersion[]> {
    const usable = repositories.filter((r) => (tag ? r.tag === tag : !r.tag));
    const perRepo = await Promise.all(
      usable.map(async (repo) => {
        const index = await this.getIndex(repo.url, arch);
        return (index?.get(name) ?? []).map((p) => ({ ...p, repository: repo.url }));
      }),
    );
    return perRepo.flat();
  }

  /** The parsed index of one repository and arch, or undefined when the mirror has none (404). */
  async getIndex(repoUrl: string, arch: string): Promise<ApkIndex | undefined> {
    const url = `${repoUrl.replace(/\/+$/, '')}/${arch}/APKINDEX.tar.gz`;
    const cached = this.cache.get(url);
    if (cached && this.now() - cached.checkedAt < this.maxAgeMs) return cached.index;
    const running = this.inflight.get(url);
    if (running) return running;
    const p = this.refresh(url, cached).finally(() => this.inflight.delete(url));
    this.inflight.set(url, p);
    return p;
  }

  private async refresh(url: string, cached: CachedIndex | undefined): Promise<ApkIndex | undefined> {
    const validators: { etag?: string; lastModified?: string } = {};
    if (cached?.etag) validators.etag = cached.etag;
    if (cached?.lastModified) validators.lastModified = cached.lastModified;
    let res: IndexResponse;
    try {
      res = await this.fetchFile(url, validators);
    } catch (err) {
      throw new AlpineIndexError(`cannot fetch ${url}: ${(err as Error).message}`, url);
    }
    if (res.status === 404) return undefined;
    if (res.status === 304 && cached) {
      cached.checkedAt = this.now();
      return cached.index;
    }
    if (res.status !== 200) throw new AlpineIndexError(`${url} answered ${res.status}`, url);
    let index: ApkIndex;
    try {
      index = parseApkIndex(await apkIndexText(res.body));
    } catch (err) {
      throw new AlpineIndexError(`cannot read ${url}: ${(err as Error).message}`, url);
    }
    this.cache.delete(url);
    this.cache.set(url, { index, etag: res.etag, lastModified: res.lastModified, checkedAt: this.now() });
    while (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    return index;
  }
}

/** Alpine's architecture name for an OCI platform (`linux/arm64` → `aarch64`). */
export function alpineArch(platform: string): string {
  const [, arch = platform, variant] = platform.includes('/') ? platform.split('/') : ['', platform];
  const map: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64', '386': 'x86', ppc64le: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loongarch64' };
  if (arch === 'arm') return variant === 'v6' || variant === 'v5' ? 'armhf' : 'armv7';
  return map[arch] ?? arch;
}

/** The repository branch an Alpine VERSION_ID belongs to: `3.20.3` → `v3.20`, `3.21_alpha2025` → `edge`. */
export function alpineBranch(versionId: string): string {
  const m = /^(\d+)\.(\d+)\.\d+$/.exec(versionId);
  return m ? `v${m[1]}.${m[2]}` : 'edge';
}
