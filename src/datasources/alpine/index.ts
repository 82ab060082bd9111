// Alpine package versions from the repositories an image lists (`<repo>/<arch>/APKINDEX.tar.gz`).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { apkIndexText, parseApkIndex, type AlpinePackage, type ApkIndex } from './apkindex.js';

export type { AlpinePackage } from './apkindex.js';

import type { FetchIndexFile, IndexResponse, SharedMirrorFiles } from '../index-fetch.js';

export type { FetchIndexFile, IndexResponse, SharedMirrorFiles } from '../index-fetch.js';

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
  /** Where other workers' index downloads are found before asking the mirror. */
  shared?: SharedMirrorFiles;
}

/** Which APKINDEX.tar.gz is current (by SHA256), or that the mirror has none; what workers share about one index URL. */
type IndexHead = { sha256: string; etag?: string | undefined; lastModified?: string | undefined; checkedAt: number } | { missing: true; checkedAt: number };

interface CachedIndex {
  index: ApkIndex;
  sha256: string;
  etag?: string | undefined;
  lastModified?: string | undefined;
  checkedAt: number;
}

/** What one process keeps: shared by every view of the index (see `withShared`). */
interface Memory {
  cache: Map<string, CachedIndex>;
  inflight: Map<string, Promise<ApkIndex | undefined>>;
}

export class AlpineIndex {
  private readonly maxAgeMs: number;
  private readonly maxCached: number;
  private readonly now: () => number;

  constructor(
    private readonly fetchFile: FetchIndexFile,
    private readonly options: AlpineIndexOptions = {},
    private readonly memory: Memory = { cache: new Map(), inflight: new Map() },
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.maxCached = options.maxCachedIndexes ?? 32;
    this.now = options.now ?? Date.now;
  }

  /** This index (its parsed indexes in memory) reading through `shared` on a memory miss; see DebianIndex.withShared. */
  withShared(shared: SharedMirrorFiles): AlpineIndex {
    return new AlpineIndex(this.fetchFile, { ...this.options, shared }, this.memory);
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
    const { cache, inflight } = this.memory;
    const cached = cache.get(url);
    if (cached && this.now() - cached.checkedAt < this.maxAgeMs) return cached.index;
    const running = inflight.get(url);
    if (running) return running;
    const p = this.refresh(url, cached).finally(() => inflight.delete(url));
    inflight.set(url, p);
    return p;
  }

  private async refresh(url: string, cached: CachedIndex | undefined): Promise<ApkIndex | undefined> {
    const { shared } = this.options;
    if (!shared) {
      const { head, body } = await this.ask(url, cached);
      return this.use(url, head, cached, body);
    }
    // The worker that asks the mirror leaves the bytes under their checksum and keeps its own copy.
    const downloaded: { body?: Buffer } = {};
    const head = await shared.recent(url, this.maxAgeMs, async () => {
      const { head, body } = await this.ask(url, cached);
      if (body && 'sha256' in head) await shared.content(url, head.sha256, async () => body);
      downloaded.body = body;
      return head;
    }, headFromJson);
    const needsBytes = 'sha256' in head && cached?.sha256 !== head.sha256;
    const body = needsBytes ? (downloaded.body ?? (await shared.content(url, head.sha256, () => this.download(url, head.sha256)))) : undefined;
    return this.use(url, head, cached, body);
  }

  /** The mirror's answer, conditional on this process's copy: new bytes, or the copy's checksum again (304). */
  private async ask(url: string, cached: CachedIndex | undefined): Promise<{ head: IndexHead; body?: Buffer }> {
    const validators: { etag?: string; lastModified?: string } = {};
    if (cached?.etag) validators.etag = cached.etag;
    if (cached?.lastModified) validators.lastModified = cached.lastModified;
    const res = await this.fetch(url, validators);
    if (res.status === 404) return { head: { missing: true, checkedAt: this.now() } };
    if (res.status === 304 && cached) return { head: { sha256: cached.sha256, etag: cached.etag, lastModified: cached.lastModified, checkedAt: this.now() } };
    if (res.status !== 200) throw new AlpineIndexError(`${url} answered ${res.status}`, url);
    return { head: { sha256: sha256Of(res.body), etag: res.etag, lastModified: res.lastModified, checkedAt: this.now() }, body: res.body };
  }

  /** The bytes another worker found, fetched again because the shared copy is gone or damaged. */
  private async download(url: string, sha256: string): Promise<Buffer> {
    const res = await this.fetch(url);
    if (res.status !== 200) throw new AlpineIndexError(`${url} answered ${res.status}`, url);
    if (sha256Of(res.body) !== sha256) throw new AlpineIndexError(`${url} changed while it was being read; the next scan reads it again`, url);
    return res.body;
  }

  private async fetch(url: string, validators: { etag?: string; lastModified?: string } = {}): Promise<IndexResponse> {
    try {
      return await this.fetchFile(url, validators);
    } catch (err) {
      throw new AlpineIndexError(`cannot fetch ${url}: ${(err as Error).message}`, url);
    }
  }

  /** Applies an answer to memory: nothing there (missing), the same bytes as this process's copy, or new bytes to read. */
  private async use(url: string, head: IndexHead, cached: CachedIndex | undefined, body: Buffer | undefined): Promise<ApkIndex | undefined> {
    if ('missing' in head) return undefined;
    if (cached?.sha256 === head.sha256) {
      Object.assign(cached, { etag: head.etag, lastModified: head.lastModified, checkedAt: head.checkedAt });
      return cached.index;
    }
    if (!body) throw new AlpineIndexError(`${url}: the index changed but its bytes were not read`, url);
    let index: ApkIndex;
    try {
      index = parseApkIndex(await apkIndexText(body));
    } catch (err) {
      throw new AlpineIndexError(`cannot read ${url}: ${(err as Error).message}`, url);
    }
    const { cache } = this.memory;
    cache.delete(url);
    cache.set(url, { index, sha256: head.sha256, etag: head.etag, lastModified: head.lastModified, checkedAt: head.checkedAt });
    while (cache.size > this.maxCached) cache.delete(cache.keys().next().value!);
    return index;
  }
}

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const storedHead = z.union([
  z.object({ missing: z.literal(true), checkedAt: z.number() }),
  z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), etag: z.string().optional(), lastModified: z.string().optional(), checkedAt: z.number() }),
]);

/** A stored head, or undefined when it is not one (then the mirror is asked). */
function headFromJson(stored: unknown): IndexHead | undefined {
  const parsed = storedHead.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
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
