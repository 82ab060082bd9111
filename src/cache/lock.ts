// A short Redis lock (SET NX PX) so two workers do not do the same one-off thing at once.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
}

// Deletes the key only if it still holds our token (it may have expired and been taken by another).
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Frees a lock taken with `SET key token NX PX`, only while it is still ours (a slow holder must not free a newer lock). */
export async function releaseLock(redis: Redis, key: string, token: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, token);
}

/** Returns a `lock(fn)` that runs fn while holding `key`, waiting up to `waitMs` for it. */
export function redisLock(redis: Redis, key: string, options: { ttlMs?: number; waitMs?: number } = {}) {
  const ttlMs = options.ttlMs ?? 30_000;
  const waitMs = options.waitMs ?? 10_000;
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    const token = randomBytes(8).toString('hex');
    const deadline = Date.now() + waitMs;
    while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new LockTimeoutError(`lock ${key} still held after ${waitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      return await fn();
    } finally {
      await releaseLock(redis, key, token);
    }
  };
}
