// Short-lived answers that can be revalidated: a fresh copy for the TTL, then a conditional request with the old ETag.
import type { LookupCache } from './types.js';

export interface Validated<T> {
  value: T;
  /** The ETag the source sent with it, for If-None-Match next time. */
  etag?: string;
}

/** What a conditional fetch answers: a new value, or "what you have is still right" (HTTP 304). */
export type ConditionalAnswer<T> = Validated<T> | 'not-modified';

/**
 * The value under `key` while fresh (`freshSeconds`); after that one caller (across all workers)
 * asks again, passing the stale copy so the source can answer 304. Stale copies live `keepSeconds`.
 */
export function revalidatingLookup<T>(
  cache: LookupCache,
  key: string,
  ttl: { freshSeconds: number; keepSeconds: number },
  fetch: (stale: Validated<T> | undefined) => Promise<ConditionalAnswer<T>>,
): Promise<T> {
  const staleKey = `${key}:validated`;
  return cache.getOrLoad<T>(key, ttl.freshSeconds, async () => {
    const stale = await cache.get<Validated<T>>(staleKey);
    const answer = await fetch(stale?.etag ? stale : undefined);
    const current = answer === 'not-modified' ? stale : answer;
    if (!current) throw new Error(`${key}: the source answered "not modified" to an unconditional request`);
    if (current.etag) await cache.set(staleKey, current, ttl.keepSeconds);
    return current.value;
  });
}
