// OS info of an image (os-release, package sources) by platform manifest digest, in the shared lookup cache.
import type { OsInfo, OsInfoCache } from '../image/os-info.js';
import { lookupKey, type CacheScope } from './keys.js';
import type { LookupCache } from './types.js';

/** Content addressed: the same digest always has the same layers, so entries never go stale. */
export function sharedOsInfoCache(cache: LookupCache, scope: CacheScope, ttlSeconds: number | undefined): OsInfoCache {
  return {
    get: (digest) => cache.get<OsInfo>(lookupKey(scope, 'os-info', digest)),
    set: (digest, info) => cache.set(lookupKey(scope, 'os-info', digest), info, ttlSeconds),
    // Two workers asking about one image at the same moment: one reads its layers, the other waits for the answer.
    getOrLoad: (digest, load) => cache.getOrLoad<OsInfo>(lookupKey(scope, 'os-info', digest), ttlSeconds, load),
  };
}
