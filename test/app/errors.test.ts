// Rate limits are recognized from GitHub answers and registry errors; other errors are not.
import { describe, expect, it } from 'vitest';
import { rateLimitWaitMs } from '../../src/budget/errors.js';
import { defaultWeeklyCron } from '../../src/queue/schedule.js';

describe('rate limit recognition', () => {
  const now = 1_700_000_000_000;
  it('reads GitHub primary limits from x-ratelimit-reset', () => {
    const err = { status: 403, response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 120) } } };
    expect(rateLimitWaitMs(err, now)).toBe(121_000);
  });
  it('reads retry-after of secondary limits and 429s', () => {
    expect(rateLimitWaitMs({ status: 429, response: { headers: { 'retry-after': '7' } } }, now)).toBe(7_000);
    expect(rateLimitWaitMs({ status: 403, response: { headers: { 'retry-after': '30' } } }, now)).toBe(30_000);
  });
  it('takes retryAfterMs from registry errors', () => {
    expect(rateLimitWaitMs(Object.assign(new Error('slow down'), { name: 'RateLimitError', retryAfterMs: 5_000 }))).toBe(5_000);
  });
  it('is null for other failures', () => {
    expect(rateLimitWaitMs({ status: 403, response: { headers: { 'x-ratelimit-remaining': '4000' } } })).toBeNull();
    expect(rateLimitWaitMs({ status: 500, response: { headers: {} } })).toBeNull();
    expect(rateLimitWaitMs(new Error('boom'))).toBeNull();
  });
});

describe('default schedule', () => {
  it('is weekly and spreads installations over the week', () => {
    const crons = Array.from({ length: 200 }, (_, i) => defaultWeeklyCron(1000 + i));
    for (const cron of crons) expect(cron).toMatch(/^\d{1,2} \d{1,2} \* \* [0-6]$/);
    expect(new Set(crons).size).toBeGreaterThan(190);
    expect(new Set(crons.map((c) => c.split(' ')[4])).size).toBe(7);
    expect(defaultWeeklyCron(1234)).toBe(defaultWeeklyCron(1234));
  });
});
