// The lookup cache contract: JSON values with a time to live, shared by every job that asks the same thing.

/** A JSON-serialisable value (what a registry or index answered, already parsed). */
export type CacheValue = unknown;

export interface LookupCache {
  /** The value under `key`, or undefined when absent or expired. */
  get<T = CacheValue>(key: string): Promise<T | undefined>;
  /** Stores `value` as JSON; without `ttlSeconds` it stays until evicted. */
  set(key: string, value: CacheValue, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * The cached value, or `load()`'s answer stored under `key`. Concurrent calls for the same key —
   * in this process or, for a shared cache, in any worker — run `load` once and share its answer.
   */
  getOrLoad<T = CacheValue>(key: string, ttlSeconds: number | undefined, load: () => Promise<T>): Promise<T>;
}

/** How long each kind of answer is trusted. Content addressed by digest never changes. */
export interface CacheTtls {
  /** The digest a tag points at (moves when the tag is re-pushed). */
  tagDigestSeconds: number;
  /** A repository's tag list. */
  tagListSeconds: number;
  /** Manifests, image configs, OS info, package diffs addressed by digest; undefined = no expiry. */
  contentSeconds: number | undefined;
  /** How long a stale tag answer is kept for a conditional (If-None-Match) revalidation. */
  revalidateKeepSeconds: number;
  /**
   * OS package index bytes, addressed by checksum: never stale, but a suite publishes new indexes
   * several times a day and the old ones are dead weight; a live one is downloaded again after this.
   */
  mirrorFileSeconds: number;
}

export const DEFAULT_TTLS: CacheTtls = {
  tagDigestSeconds: 10 * 60,
  tagListSeconds: 10 * 60,
  // A month: immutable, but an unused image should not sit in Redis forever.
  contentSeconds: 30 * 24 * 3600,
  revalidateKeepSeconds: 7 * 24 * 3600,
  mirrorFileSeconds: 24 * 3600,
};
