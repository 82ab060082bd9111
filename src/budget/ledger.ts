// Request budgets in Redis, shared by all workers: a reservation ledger over sliding windows, plus pauses.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** At most `limit` requests in any `windowMs` (GitHub: 80 writes a minute and 500 an hour). */
export interface Window {
  windowMs: number;
  limit: number;
}

export interface Reservation {
  /** True when a slot was reserved; the caller may send its request after `waitMs`. */
  granted: boolean;
  waitMs: number;
}

export interface BatchReservation extends Reservation {
  /** Per slot, in order: how long from now its request may be sent (waitMs is the last one's). */
  waitsMs: number[];
  /** Ledger members of the slots, to give back the ones not used. */
  ids: string[];
}

/*
 * KEYS[1] the ledger (sorted set of reserved send times, ms), KEYS[2] "paused until" (ms).
 * ARGV[1] longest acceptable wait, ARGV[2] member id, ARGV[3] 1 = reserve, 0 = only ask,
 * ARGV[4] how many slots, ARGV[5] a slot reserved earlier that this one replaces ('' for none),
 * ARGV[6..] window ms, limit pairs. Slots are handed out in order (never before the last one), so
 * the window check only needs the limit-th most recent slot. Several slots are all granted or none:
 * the last one decides. Redis's own clock keeps workers in step.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local longest = 0
for i = 6, #ARGV, 2 do longest = math.max(longest, tonumber(ARGV[i])) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
-- A replaced slot is given up either way: refused, its request is not sent (the job is delayed).
if ARGV[5] ~= '' then redis.call('ZREM', KEYS[1], ARGV[5]) end
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
local count = tonumber(ARGV[4])
local waits = {}
for k = 1, count do
  local at = now
  if paused > at then at = paused end
  local n = redis.call('ZCARD', KEYS[1])
  if n > 0 then
    local last = tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
    if last > at then at = last end
  end
  for i = 6, #ARGV, 2 do
    local w = tonumber(ARGV[i])
    local limit = tonumber(ARGV[i + 1])
    if n >= limit then
      local e = tonumber(redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')[2])
      if e + w > at then at = e + w end
    end
  end
  waits[k] = at - now
  redis.call('ZADD', KEYS[1], at, ARGV[2] .. ':' .. k)
end
local wait = waits[count]
if wait > tonumber(ARGV[1]) or ARGV[3] == '0' then
  for k = 1, count do redis.call('ZREM', KEYS[1], ARGV[2] .. ':' .. k) end
  return {0, wait}
end
redis.call('PEXPIRE', KEYS[1], longest + wait + 1000)
table.insert(waits, 1, 1)
return waits
`;

// Only ever extends a pause.
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000) end
return untilMs - now
`;

export class RequestBudget {
  constructor(
    private readonly redis: Redis,
    /** Keys live under `<namespace>:<name>` inside the connection's own prefix. */
    private readonly namespace = 'budget',
  ) {}

  /**
   * Reserves a slot under `name` if one is free within `maxWaitMs`, else reserves nothing and says
   * how long the wait would be. Shared by every connection to the same Redis. `replacing` names a
   * slot from reserveMany that this one takes the place of, in the same step: a request sent later
   * than its slot said is then counted when it is really sent, so the windows stay true.
   */
  async reserve(name: string, windows: Window[], maxWaitMs: number, replacing?: string): Promise<Reservation> {
    const { granted, waitMs } = await this.run(name, windows, maxWaitMs, true, 1, replacing);
    return { granted, waitMs };
  }

  /** `count` slots in a row, all within `maxWaitMs`, or none (then waitMs says how long the last would wait). */
  async reserveMany(name: string, windows: Window[], maxWaitMs: number, count: number): Promise<BatchReservation> {
    return this.run(name, windows, maxWaitMs, true, count);
  }

  /** Gives back reserved slots that will not be used (their requests were never needed). */
  async release(name: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.zrem(this.key(name, 'ledger'), ...ids);
  }

  /** How long a request under `name` would wait now, without reserving. */
  async peek(name: string, windows: Window[]): Promise<number> {
    return (await this.run(name, windows, Number.MAX_SAFE_INTEGER, false, 1)).waitMs;
  }

  /** Nothing under `name` is sent for `ms` (a Retry-After, a spent rate limit), in any worker. */
  async pause(name: string, ms: number): Promise<void> {
    if (!(ms > 0)) return;
    await this.redis.eval(PAUSE, 1, this.key(name, 'paused'), String(Math.ceil(ms)));
  }

  private async run(name: string, windows: Window[], maxWaitMs: number, reserve: boolean, count: number, replacing = ''): Promise<BatchReservation> {
    const args = windows.flatMap((w) => [String(Math.max(1, Math.round(w.windowMs))), String(Math.max(1, Math.floor(w.limit)))]);
    const slots = Math.max(1, Math.floor(count));
    const id = randomUUID();
    const [granted, ...waits] = (await this.redis.eval(
      RESERVE, 2, this.key(name, 'ledger'), this.key(name, 'paused'),
      String(Math.floor(maxWaitMs)), id, reserve ? '1' : '0', String(slots), replacing, ...args,
    )) as number[];
    const waitsMs = waits.map((w) => Math.max(0, w));
    if (granted !== 1) return { granted: false, waitMs: waitsMs[0] ?? 0, waitsMs: [], ids: [] };
    return { granted: true, waitMs: waitsMs.at(-1) ?? 0, waitsMs, ids: waitsMs.map((_, k) => `${id}:${k + 1}`) };
  }

  private key(name: string, part: string): string {
    return `${this.namespace}:${name}:${part}`;
  }
}
