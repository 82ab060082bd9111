// The short Redis lock: one holder at a time, also when the holder outlives the lock's TTL.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, expect, inject, it } from 'vitest';
import { redisLock } from '../../src/cache/lock.js';

const connections: Redis[] = [];
afterAll(() => connections.forEach((c) => c.disconnect()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('keeps a slow holder\'s lock past its TTL, so a second worker waits instead of joining it', async () => {
  const key = `tl${randomBytes(4).toString('hex')}:lock`;
  const [a, b] = [0, 1].map(() => {
    const redis = new Redis(inject('redisUrl'));
    connections.push(redis);
    return redisLock(redis, key, { ttlMs: 1_500, waitMs: 20_000 });
  });
  const events: string[] = [];
  let entered = (): void => undefined;
  const isEntered = new Promise<void>((resolve) => (entered = resolve));
  const slow = a!(async () => {
    events.push('a in');
    entered();
    await sleep(4_000);
    events.push('a out');
  });
  await isEntered;
  const second = b!(async () => void events.push('b in'));
  await Promise.all([slow, second]);
  expect(events).toEqual(['a in', 'a out', 'b in']);
  expect(await connections[0]!.exists(key)).toBe(0);
});
