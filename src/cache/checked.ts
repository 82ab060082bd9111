// Reading back what another process stored: a value that does not read (corrupt, or an older shape) is loaded again.
import type { CacheValue, LookupCache } from './types.js';

/**
 * `cache.getOrLoad`, with `read` checking what comes back: a stored value it cannot read is
 * replaced by a fresh `load()` instead of reaching the caller.
 */
export async function getOrLoadReadable<T>(
  cache: LookupCache,
  key: string,
  ttlSeconds: number | undefined,
  load: () => Promise<CacheValue>,
  read: (stored: unknown) => T | undefined,
): Promise<T> {
  const shared = read(await cache.getOrLoad<unknown>(key, ttlSeconds, load));
  if (shared !== undefined) return shared;
  const fresh = await load();
  await cache.set(key, fresh, ttlSeconds);
  const value = read(fresh);
  if (value === undefined) throw new Error(`${key}: a freshly loaded value does not read back`);
  return value;
}
