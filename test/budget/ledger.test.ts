// The shared request budget: one ledger for every connection, sliding windows, pauses, header signals.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { pauseFromHeaders, RequestBudget, updateValue, valuePriority } from '../../src/budget/index.js';
import type { PlannedUpdate } from '../../src/engine/types.js';
import type { GitHub } from '../../src/github/types.js';
import { writeGate } from '../../src/jobs/budgets.js';
import { RateLimitedError } from '../../src/budget/errors.js';

const redisUrl = inject('redisUrl');
const connections: Redis[] = [];
function sharedPair(): [RequestBudget, RequestBudget, Redis] {
  const prefix = `tb${randomBytes(4).toString('hex')}:`;
  const a = new Redis(redisUrl, { keyPrefix: prefix });
  const b = new Redis(redisUrl, { keyPrefix: prefix });
  connections.push(a, b);
  return [new RequestBudget(a), new RequestBudget(b), a];
}
afterAll(() => connections.forEach((c) => c.disconnect()));

describe('RequestBudget', () => {
  it('shares one window between two connections and spaces the overflow by the window', async () => {
    const [a, b] = sharedPair();
    const windows = [{ windowMs: 1_000, limit: 3 }];
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const slot = await (i % 2 === 0 ? a : b).reserve('gh-writes:1', windows, 10_000);
      expect(slot.granted).toBe(true);
      waits.push(slot.waitMs);
    }
    expect(waits.slice(0, 3).every((w) => w < 100)).toBe(true);
    // The 4th can only go when the 1st leaves the window.
    expect(waits.slice(3).every((w) => w > 850 && w <= 1_100)).toBe(true);
  });

  it('refuses (reserving nothing) when the wait is longer than the caller accepts', async () => {
    const [a, b] = sharedPair();
    const windows = [{ windowMs: 60_000, limit: 2 }, { windowMs: 3_600_000, limit: 100 }];
    expect((await a.reserve('w', windows, 0)).granted).toBe(true);
    expect((await b.reserve('w', windows, 0)).granted).toBe(true);
    const refused = await a.reserve('w', windows, 1_000);
    expect(refused.granted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(55_000);
    expect(await b.peek('w', windows)).toBeGreaterThan(55_000);
  });

  it('reserves several slots all at once or none, and takes back the unused ones', async () => {
    const [a, b] = sharedPair();
    const windows = [{ windowMs: 60_000, limit: 4 }];
    expect((await a.reserve('w', windows, 0)).granted).toBe(true);
    // Four more would need the minute to pass: nothing is reserved, and one more still fits at once.
    const tooMany = await b.reserveMany('w', windows, 1_000, 4);
    expect(tooMany.granted).toBe(false);
    expect(tooMany.waitMs).toBeGreaterThan(55_000);
    const three = await b.reserveMany('w', windows, 1_000, 3);
    expect(three.granted).toBe(true);
    expect(three.waitsMs).toHaveLength(3);
    expect(three.waitsMs.every((w) => w < 500)).toBe(true);
    expect(await a.peek('w', windows)).toBeGreaterThan(55_000);
    await a.release('w', three.ids.slice(1));
    expect(await b.peek('w', windows)).toBeLessThan(500);
  });

  it('swaps a slot reserved earlier for one at the moment of sending, keeping the window full but not over', async () => {
    const [a, b, redis] = sharedPair();
    const windows = [{ windowMs: 60_000, limit: 2 }];
    const held = await a.reserveMany('w', windows, 0, 2);
    expect(held.granted).toBe(true);
    const scoreBefore = Number(await redis.zscore('budget:w:ledger', held.ids[0]!));
    await new Promise((r) => setTimeout(r, 30));
    // The job sends its first write later than planned: its own slot makes room, nobody else's.
    expect((await b.reserve('w', windows, 0, held.ids[0])).granted).toBe(true);
    expect(await redis.zscore('budget:w:ledger', held.ids[0]!)).toBeNull();
    const withScores = ((await redis.call('ZRANGE', 'budget:w:ledger', '0', '-1', 'WITHSCORES')) as unknown[]).flat().map(String);
    const scores = withScores.filter((_, i) => i % 2 === 1).map(Number);
    expect(scores).toHaveLength(2);
    expect(Math.max(...scores)).toBeGreaterThanOrEqual(scoreBefore + 25);
    expect((await a.reserve('w', windows, 0)).granted).toBe(false);
    // A swap that cannot be granted gives the earlier slot up: that request is not sent.
    await a.pause('w', 5_000);
    expect((await b.reserve('w', windows, 0, held.ids[1])).granted).toBe(false);
    expect(await redis.zscore('budget:w:ledger', held.ids[1]!)).toBeNull();
  });

  it('holds everyone during a pause one worker learned of', async () => {
    const [a, b] = sharedPair();
    await a.pause('host:registry', 2_000);
    const slot = await b.reserve('host:registry', [{ windowMs: 1_000, limit: 100 }], 10_000);
    expect(slot.waitMs).toBeGreaterThan(1_800);
    // A shorter pause does not shorten a longer one.
    await b.pause('host:registry', 10);
    expect(await a.peek('host:registry', [])).toBeGreaterThan(1_500);
  });
});

describe('pauseFromHeaders', () => {
  it('reads Retry-After (seconds or date), RateLimit-* and X-RateLimit-*', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(pauseFromHeaders(403, { 'retry-after': '60' }, now)).toBe(60_000);
    expect(pauseFromHeaders(429, { 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, now)).toBe(30_000);
    expect(pauseFromHeaders(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '12' }, now)).toBe(12_000);
    expect(pauseFromHeaders(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 90) }, now)).toBe(90_000);
    expect(pauseFromHeaders(200, { 'x-ratelimit-remaining': '41', 'x-ratelimit-reset': String(now / 1000 + 90) }, now)).toBe(0);
    expect(pauseFromHeaders(200, { 'retry-after': '60' }, now)).toBe(0);
  });
});

describe('write value', () => {
  const update = (extra: Partial<PlannedUpdate>): PlannedUpdate => ({
    manager: 'dockerfile', file: 'Dockerfile', line: 1, depName: 'node', from: 'node:20', to: 'node:22',
    updateType: 'major', newValue: '22', newDigest: null, depIndex: 0, ...extra,
  });

  it('ranks security fixes, then broken pins, then the rest', () => {
    const routine = update({});
    const broken = update({ notes: ['broken pin: curl=7.1 is no longer in the package sources; the next build fails'] });
    const security = update({ extra: { vulnerabilitiesFixed: [{ id: 'CVE-2025-1', aliases: [], package: 'openssl' }] } });
    expect(updateValue([routine])).toBe('routine');
    expect(updateValue([routine, broken])).toBe('broken-pin');
    expect(updateValue([broken, security])).toBe('security');
    expect([security, broken, routine].map((u) => valuePriority(updateValue([u])))).toEqual([1, 2, 3]);
  });

  it('delays a job whose PR writes would not all fit now, with its value as priority; gives back what a job did not use', async () => {
    const [budget, , redis] = sharedPair();
    const settings = { writesPerMinute: 4, writesPerHour: 10, timeScale: 1, maxInlineWaitMs: 1_000, registryWindows: {} };
    const windows = [{ windowMs: 60_000, limit: 4 }, { windowMs: 3_600_000, limit: 10 }];
    const gate = writeGate(redis, settings);
    const [first, second] = [{} as GitHub, {} as GitHub];
    await gate.reserve(first, 7, [update({})], 3);
    // One slot of the minute is left: a job needing two is delayed before it writes anything.
    const error = await gate.reserve(second, 7, [update({ extra: { security: true } })], 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).priority).toBe(1);
    expect((error as RateLimitedError).waitMs).toBeGreaterThan(50_000);
    // The first job opened fewer PRs than planned: its unused slots come back.
    await gate.release(first, 7);
    expect(await budget.peek('gh-writes:7', windows)).toBeLessThan(500);
    await gate.reserve(second, 7, [update({ extra: { security: true } })], 2);
    // Nothing to open: nothing to wait for.
    await gate.reserve(first, 7, [], 0);
  });
});
