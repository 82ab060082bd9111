// The shared lookup cache: Redis for the app (all workers, all installations), memory for the CLI and tests.
export { DEFAULT_TTLS, type CacheTtls, type CacheValue, type LookupCache } from './types.js';
export { MemoryLookupCache } from './memory.js';
export { RedisLookupCache, type RedisCacheOptions } from './redis.js';
export { lookupKey, scopeFor, type CacheScope } from './keys.js';
export { revalidatingLookup, type ConditionalAnswer, type Validated } from './revalidate.js';
export { sharedOsInfoCache } from './os-info.js';
