// In-process lookup cache (CLI, tests): a Map of JSON texts with expiry and a Map of in-flight loads.
import type { CacheValue, LookupCache } from './types.js';

interface Entry {
  json: string;
  expiresAt: number;
}

export class MemoryLookupCache implements LookupCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly now: () => number = Date.now) {}

  async get<T = CacheValue>(key: string): Promise<T | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Stored as JSON so callers never share (and mutate) one object, as with Redis.
    return (JSON.parse(entry.json) as { v: T }).v;
  }

  async set(key: string, value: CacheValue, ttlSeconds?: number): Promise<void> {
    const expiresAt = ttlSeconds === undefined ? Number.POSITIVE_INFINITY : this.now() + ttlSeconds * 1000;
    this.entries.set(key, { json: JSON.stringify({ v: value }), expiresAt });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  getOrLoad<T = CacheValue>(key: string, ttlSeconds: number | undefined, load: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const promise = (async () => {
      const hit = await this.get<T>(key);
      if (hit !== undefined) return hit;
      const value = await load();
      await this.set(key, value, ttlSeconds);
      return value;
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  get size(): number {
    return this.entries.size;
  }
}
