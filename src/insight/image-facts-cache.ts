// What changed inside images (created time, OCI labels, installed packages) by platform manifest digest, in the shared lookup cache.
import type { ImageFactsCache, PlatformImageFacts } from './image-facts.js';
import { lookupKey, type CacheScope } from '../cache/keys.js';
import type { LookupCache } from '../cache/types.js';

/** Content addressed like the OS info: one read of an image's layers for every worker and repository. */
export function sharedImageFactsCache(cache: LookupCache, scope: CacheScope, ttlSeconds: number | undefined): ImageFactsCache {
  const key = (digest: string) => lookupKey(scope, 'image-facts', digest);
  return {
    get: (digest) => cache.get<PlatformImageFacts>(key(digest)),
    set: (digest, facts) => cache.set(key(digest), facts, ttlSeconds),
    getOrLoad: (digest, load) => cache.getOrLoad<PlatformImageFacts>(key(digest), ttlSeconds, load),
  };
}
