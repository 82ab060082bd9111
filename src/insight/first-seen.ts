// When Freshen first saw a release (a tag's digest, a package version): the clock for minimum release age.
import type { Redis } from 'ioredis';

/** Records the first time a key is seen and returns that time ever after. */
export interface FirstSeenStore {
  firstSeen(key: string, now: Date): Promise<Date>;
}

/** For the CLI and tests: forgets everything when the process ends. */
export class MemoryFirstSeenStore implements FirstSeenStore {
  private readonly seen = new Map<string, Date>();

  async firstSeen(key: string, now: Date): Promise<Date> {
    const found = this.seen.get(key);
    if (found) return found;
    this.seen.set(key, now);
    return now;
  }
}

/** Kept a year: a release older than that is old enough for any sensible minimum age. */
const TTL_SECONDS = 365 * 24 * 3600;

/** In Redis (the connection carries the deployment's key prefix), shared by every worker. */
export class RedisFirstSeenStore implements FirstSeenStore {
  constructor(private readonly redis: Redis) {}

  async firstSeen(key: string, now: Date): Promise<Date> {
    const redisKey = `first-seen:${key}`;
    // NX: two workers racing agree on the first writer's time (SET NX GET would need Redis 7).
    if ((await this.redis.set(redisKey, now.toISOString(), 'EX', TTL_SECONDS, 'NX')) === 'OK') return now;
    const previous = await this.redis.get(redisKey);
    const date = new Date(previous ?? '');
    return Number.isNaN(date.getTime()) ? now : date;
  }
}
