// Redis lookup cache shared by all workers: JSON values with TTLs, and single-flight loads across processes.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { releaseLock } from './lock.js';
import type { CacheValue, LookupCache } from './types.js';

export interface RedisCacheOptions {
  /** Key namespace inside the connection's own prefix. Default `cache`. */
  namespace?: string;
  /** How long one loader holds a key's lock; a crashed loader's lock frees itself after this. */
  lockMs?: number;
  /** Longest a waiter waits for another loader before loading itself. */
  maxWaitMs?: number;
}


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
    if (text === null) return undefined;
    try {
      return (JSON.parse(text) as { v: T }).v;
    } catch {
      return undefined;
    }
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
    const deadline = Date.now() + this.maxWaitMs;
    let pollMs = 5;
    for (;;) {
      const hit = await this.get<T>(key);
      if (hit !== undefined) return hit;
      const token = randomUUID();
      const locked = Date.now() > deadline ? 'OK' : await this.redis.set(lockKey, token, 'PX', this.lockMs, 'NX');
      if (locked === 'OK') {
        try {
          const value = await load();
          await this.set(key, value, ttlSeconds);
          return value;
        } finally {
          await releaseLock(this.redis, lockKey, token);
        }
      }
      // Someone else is asking; their answer lands under the key. A failed loader frees the lock
      // without a value, and the next round takes the lock itself.
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      pollMs = Math.min(100, pollMs * 2);
    }
  }
}
