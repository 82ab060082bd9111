// Redis lookup cache shared by all workers: JSON values with TTLs, and single-flight loads across processes.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { holdingLock } from './lock.js';
import type { CacheValue, LookupCache } from './types.js';

export interface RedisCacheOptions {
  /** Key namespace inside the connection's own prefix. Default `cache`. */
  namespace?: string;
  /** How long a key's lock lasts past its loader's last renewal (renewed while loading): a crashed loader's frees itself after this. */
  lockMs?: number;
  /** Longest a waiter waits for another loader before loading itself. */
  maxWaitMs?: number;
}

// Atomic, so no caller can miss the answer and then take the lock its loader just freed (a loader
// stores the answer before freeing the lock). KEYS: value, lock. ARGV: token, lock ms.
const VALUE_OR_LOCK = `
local text = redis.call('GET', KEYS[1])
if text then return {'hit', text} end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return {'locked'} end
return {'wait'}
`;

export class RedisLookupCache implements LookupCache {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly ns: string;
  private readonly lockMs: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly redis: Redis,
    options: RedisCacheOptions = {},
  ) {
    this.ns = options.namespace ?? 'cache';
    this.lockMs = options.lockMs ?? 15_000;
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
  }

  private k(key: string): string {
    return `${this.ns}:${key}`;
  }

  async get<T = CacheValue>(key: string): Promise<T | undefined> {
    const text = await this.redis.get(this.k(key));
    return text === null ? undefined : parseValue<T>(text);
  }

  async set(key: string, value: CacheValue, ttlSeconds?: number): Promise<void> {
    const json = JSON.stringify({ v: value });
    if (ttlSeconds === undefined) await this.redis.set(this.k(key), json);
    else await this.redis.set(this.k(key), json, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.k(key));
  }

  getOrLoad<T = CacheValue>(key: string, ttlSeconds: number | undefined, load: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const promise = this.loadShared(key, ttlSeconds, load).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  /** Cached value, or: take the key's lock and load, or wait for whoever holds it. */
  private async loadShared<T>(key: string, ttlSeconds: number | undefined, load: () => Promise<T>): Promise<T> {
    const lockKey = this.k(`lock:${key}`);
    const loadAndStore = async () => {
      const value = await load();
      await this.set(key, value, ttlSeconds);
      return value;
    };
    const deadline = Date.now() + this.maxWaitMs;
    let pollMs = 5;
    for (;;) {
      const token = randomUUID();
      const [state, text] = (await this.redis.eval(VALUE_OR_LOCK, 2, this.k(key), lockKey, token, String(this.lockMs))) as [string, string?];
      if (state === 'hit') {
        const hit = parseValue<T>(text!);
        if (hit !== undefined) return hit;
        await this.delete(key);
        continue;
      }
      if (state === 'locked') return holdingLock(this.redis, { key: lockKey, token, ttlMs: this.lockMs }, loadAndStore);
      // The holder renews its lock while it loads; one this slow is presumed stuck.
      if (Date.now() > deadline) return loadAndStore();
      // Someone else is asking; their answer lands under the key. A failed loader frees the lock
      // without a value, and the next round takes the lock itself.
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      pollMs = Math.min(100, pollMs * 2);
    }
  }
}

function parseValue<T>(text: string): T | undefined {
  try {
    return (JSON.parse(text) as { v: T }).v;
  } catch {
    return undefined;
  }
}
