// A counting semaphore in Redis shared by all workers: at most `limit` requests of one name in flight at once.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/*
 * KEYS[1] sorted set of holders scored by lease end (ms, Redis's clock). ARGV[1] limit, ARGV[2]
 * lease ms, ARGV[3] holder id. A holder whose process died frees its place when its lease ends.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 1000)
return 1
`;

export interface SemaphoreOptions {
  /** A holder keeps its place at most this long (a crashed worker's places come back after it). Default 60 s. */
  leaseMs?: number;
  /** Longest pause between two tries while every place is taken. Default 50 ms. */
  maxPollMs?: number;
}

export class RedisSemaphore {
  private readonly leaseMs: number;
  private readonly maxPollMs: number;

  constructor(
    private readonly redis: Redis,
    options: SemaphoreOptions = {},
    /** Keys live under `<namespace>:<name>:held` inside the connection's own prefix. */
    private readonly namespace = 'budget',
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxPollMs = options.maxPollMs ?? 50;
  }

  /** Waits for one of `limit` places under `name` (shared by every connection); resolves to its release. */
  async acquire(name: string, limit: number): Promise<() => Promise<void>> {
    const key = this.key(name);
    const holder = randomUUID();
    let pollMs = 2;
    for (;;) {
      const granted = await this.redis.eval(ACQUIRE, 1, key, String(Math.max(1, Math.floor(limit))), String(this.leaseMs), holder);
      if (granted === 1) break;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      pollMs = Math.min(this.maxPollMs, pollMs * 2);
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      await this.redis.zrem(key, holder);
    };
  }

  /** Runs `work` holding one place under `name`. */
  async run<T>(name: string, limit: number, work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(name, limit);
    try {
      return await work();
    } finally {
      await release();
    }
  }

  /** How many places under `name` are held now (leases not yet ended). */
  async held(name: string): Promise<number> {
    const now = Number((await this.redis.time())[0]) * 1000;
    return this.redis.zcount(this.key(name), now, '+inf');
  }

  private key(name: string): string {
    return `${this.namespace}:${name}:held`;
  }
}
