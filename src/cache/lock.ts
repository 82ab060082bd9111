// A short Redis lock (SET NX PX) so two workers do not do the same one-off thing at once.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
}

// Deletes the key only if it still holds our token (it may have expired and been taken by another).
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
// Pushes the expiry out only while the key still holds our token.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/** Frees a lock taken with `SET key token NX PX`, only while it is still ours (a slow holder must not free a newer lock). */
export async function releaseLock(redis: Redis, key: string, token: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, token);
}

/**
 * Runs fn holding a lock already taken with `SET key token NX PX ttlMs`, then frees it. The lock is
 * renewed every third of its TTL while fn runs: a slow holder (a loaded machine, a slow registry)
 * keeps it, and only a crashed holder's lock lapses.
 */
export async function holdingLock<T>(redis: Redis, lock: { key: string; token: string; ttlMs: number }, fn: () => Promise<T>): Promise<T> {
  const renew = setInterval(() => {
    redis.eval(RENEW, 1, lock.key, lock.token, String(lock.ttlMs)).catch(() => undefined);
  }, Math.max(10, Math.floor(lock.ttlMs / 3)));
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await releaseLock(redis, lock.key, lock.token);
  }
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
    return holdingLock(redis, { key, token, ttlMs }, fn);
  };
}
