// The lookup cache: TTLs, JSON values, single-flight loads in one process and across Redis connections.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MemoryLookupCache, RedisLookupCache, revalidatingLookup, type LookupCache } from '../../src/cache/index.js';

const redisUrl = inject('redisUrl');
const connections: Redis[] = [];
function connection(): Redis {
  const redis = new Redis(redisUrl, { keyPrefix: `tc${randomBytes(4).toString('hex')}:` });
  connections.push(redis);
  return redis;
}
afterAll(() => connections.forEach((c) => c.disconnect()));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('MemoryLookupCache', () => {
  it('forgets a value when its TTL has passed and keeps one without TTL', async () => {
    let now = 1_000_000;
    const cache = new MemoryLookupCache(() => now);
    await cache.set('short', { digest: 'sha256:aa' }, 600);
    await cache.set('forever', ['1.0', '1.1']);
    now += 599_000;
    expect(await cache.get('short')).toEqual({ digest: 'sha256:aa' });
    now += 2_000;
    expect(await cache.get('short')).toBeUndefined();
    now += 365 * 24 * 3600 * 1000;
    expect(await cache.get('forever')).toEqual(['1.0', '1.1']);
  });

  it('hands out copies, so a caller cannot change what others read', async () => {
    const cache = new MemoryLookupCache();
    await cache.set('k', { tags: ['a'] });
    const first = await cache.get<{ tags: string[] }>('k');
    first!.tags.push('mutated');
    expect(await cache.get('k')).toEqual({ tags: ['a'] });
  });

  it('runs one load for concurrent asks of the same key', async () => {
    const cache = new MemoryLookupCache();
    let loads = 0;
    const load = async () => {
      loads += 1;
      await sleep(20);
      return 'answer';
    };
    const answers = await Promise.all(Array.from({ length: 10 }, () => cache.getOrLoad('k', 60, load)));
    expect(answers).toEqual(Array(10).fill('answer'));
    expect(loads).toBe(1);
  });
});

describe('RedisLookupCache', () => {
  it('stores JSON with a TTL in Redis', async () => {
    const redis = connection();
    const cache = new RedisLookupCache(redis);
    await cache.set('tags', ['3.19', '3.20'], 2);
    await cache.set('content', { os: 'alpine' });
    expect(await cache.get('tags')).toEqual(['3.19', '3.20']);
    const pttl = await redis.pttl('cache:tags');
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(2_000);
    expect(await redis.ttl('cache:content')).toBe(-1);
    await sleep(2_100);
    expect(await cache.get('tags')).toBeUndefined();
    expect(await cache.get('content')).toEqual({ os: 'alpine' });
  });

  it('coalesces concurrent loads from two connections into one', async () => {
    const shared = `tc${randomBytes(4).toString('hex')}:`;
    const a = new Redis(redisUrl, { keyPrefix: shared });
    const b = new Redis(redisUrl, { keyPrefix: shared });
    connections.push(a, b);
    const caches: LookupCache[] = [new RedisLookupCache(a), new RedisLookupCache(b)];
    let loads = 0;
    const load = async () => {
      loads += 1;
      await sleep(100);
      return { digest: 'sha256:bb' };
    };
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => caches[i % 2]!.getOrLoad('digest:x', 60, load)));
    expect(answers.every((x) => x.digest === 'sha256:bb')).toBe(true);
    expect(loads).toBe(1);
  });

  it('does not load again when a waiter\'s miss and its lock attempt straddle the loader storing the answer', async () => {
    const shared = `tc${randomBytes(4).toString('hex')}:`;
    const aConnection = new Redis(redisUrl, { keyPrefix: shared });
    const bConnection = new Redis(redisUrl, { keyPrefix: shared });
    connections.push(aConnection, bConnection);
    const a = new RedisLookupCache(aConnection);
    // The waiter's second Redis command is held until the loader has stored its answer and let go.
    let firstDone: Promise<unknown> = new Promise(() => undefined);
    let bCommands = 0;
    let bHeld = (): void => undefined;
    const bIsHeld = new Promise<void>((resolve) => (bHeld = resolve));
    const b = new RedisLookupCache(new Proxy(bConnection, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function' || !['get', 'set', 'eval', 'evalsha', 'exists', 'pexpire'].includes(String(prop))) return value;
        return async (...args: unknown[]) => {
          bCommands += 1;
          if (bCommands === 2) {
            bHeld();
            await firstDone;
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }));
    let loads = 0;
    let releaseLoad = (): void => undefined;
    let loading = (): void => undefined;
    const isLoading = new Promise<void>((resolve) => (loading = resolve));
    const first = a.getOrLoad('k', 60, async () => {
      loads += 1;
      loading();
      await new Promise<void>((resolve) => (releaseLoad = resolve));
      return 'answer';
    });
    firstDone = first;
    await isLoading;
    const second = b.getOrLoad('k', 60, async () => {
      loads += 1;
      return 'loaded twice';
    });
    await bIsHeld;
    releaseLoad();
    expect(await first).toBe('answer');
    expect(await second).toBe('answer');
    expect(loads).toBe(1);
  });

  it('keeps a slow loader\'s lock alive past its TTL, so waiters do not load too', async () => {
    const shared = `tc${randomBytes(4).toString('hex')}:`;
    const [a, b] = [0, 1].map(() => {
      const redis = new Redis(redisUrl, { keyPrefix: shared });
      connections.push(redis);
      return new RedisLookupCache(redis, { lockMs: 1_500 });
    });
    let loads = 0;
    let loading = (): void => undefined;
    const isLoading = new Promise<void>((resolve) => (loading = resolve));
    const slow = a!.getOrLoad('k', 60, async () => {
      loads += 1;
      loading();
      await sleep(4_000);
      return 'slow answer';
    });
    await isLoading;
    const waiter = b!.getOrLoad('k', 60, async () => {
      loads += 1;
      return 'second load';
    });
    expect(await slow).toBe('slow answer');
    expect(await waiter).toBe('slow answer');
    expect(loads).toBe(1);
  });

  it('lets another waiter load when the first loader fails', async () => {
    const shared = `tc${randomBytes(4).toString('hex')}:`;
    const a = new RedisLookupCache(new Redis(redisUrl, { keyPrefix: shared }));
    const b = new RedisLookupCache(new Redis(redisUrl, { keyPrefix: shared }));
    let loading = (): void => undefined;
    const isLoading = new Promise<void>((resolve) => (loading = resolve));
    const failing = a.getOrLoad('k', 60, async () => {
      loading();
      await sleep(50);
      throw new Error('registry down');
    });
    // b asks only once a holds the lock (a fixed pause loses that race on a loaded machine).
    await isLoading;
    const second = b.getOrLoad('k', 60, async () => 'recovered');
    await expect(failing).rejects.toThrow('registry down');
    expect(await second).toBe('recovered');
  });
});

describe('revalidatingLookup', () => {
  it('sends the old ETag once the fresh copy expired and keeps the value on "not modified"', async () => {
    let now = 0;
    const cache = new MemoryLookupCache(() => now);
    const seen: (string | undefined)[] = [];
    const fetch = async (stale: { etag?: string } | undefined) => {
      seen.push(stale?.etag);
      return stale ? ('not-modified' as const) : { value: ['1.0'], etag: '"v1"' };
    };
    const ttl = { freshSeconds: 600, keepSeconds: 86_400 };
    expect(await revalidatingLookup(cache, 'tags', ttl, fetch)).toEqual(['1.0']);
    expect(await revalidatingLookup(cache, 'tags', ttl, fetch)).toEqual(['1.0']);
    expect(seen).toEqual([undefined]);
    now += 601_000;
    expect(await revalidatingLookup(cache, 'tags', ttl, fetch)).toEqual(['1.0']);
    expect(seen).toEqual([undefined, '"v1"']);
  });
});
