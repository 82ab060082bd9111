// One rebuild per repository at a time: requests coalesce while one is queued, and a cooldown refuses floods.
import type { Redis } from 'ioredis';

/** Who asked for a rebuild by comment, so the outcome can be told to them. */
export interface RebuildRequester {
  issueNumber: number;
  commentId: number;
  login: string;
}

export interface RebuildRequest {
  /** Images named by `/rebuild <image>`; `all` for a bare `/rebuild`; empty when nothing is forced. */
  force: string[] | 'all';
  /** Also dispatch for base images whose digest changed (the scheduled run). */
  checkChanged: boolean;
  requester?: RebuildRequester;
}

export type GateAnswer =
  | { status: 'queued' }
  | { status: 'coalesced' }
  | { status: 'cooldown'; lastDispatchAt: string; retryAfterMs: number };

/** What was asked for since the slot was taken, merged. */
export interface PendingRebuild {
  force: string[] | 'all';
  checkChanged: boolean;
  requesters: RebuildRequester[];
}

export interface GateOptions {
  prefix?: string;
  /** How long a queued or running rebuild holds the slot at most (a crashed worker frees it then). */
  slotTtlMs?: number;
}

const ALL = '*';
const CHANGED = '?changed';

// Atomic: refuse a forced request in cooldown; otherwise merge it into the pending request and
// take the slot if free. KEYS: slot, images, requesters, cooldown. ARGV: ttl, now, forced, requester, images...
const REQUEST_SCRIPT = `
if ARGV[3] == '1' then
  local last = redis.call('GET', KEYS[4])
  if last then return {'cooldown', last, tostring(redis.call('PTTL', KEYS[4]))} end
end
for i = 5, #ARGV do redis.call('SADD', KEYS[2], ARGV[i]) end
if ARGV[4] ~= '' then redis.call('RPUSH', KEYS[3], ARGV[4]) end
redis.call('PEXPIRE', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[1])
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[1]) then return {'queued'} end
return {'coalesced'}
`;

export class RebuildGate {
  private readonly prefix: string;
  private readonly slotTtlMs: number;

  constructor(
    private readonly redis: Redis,
    options: GateOptions = {},
  ) {
    this.prefix = options.prefix ?? 'freshen:';
    this.slotTtlMs = options.slotTtlMs ?? 15 * 60_000;
  }

  private keys(repoId: number) {
    const base = `${this.prefix}rebuild`;
    return {
      slot: `${base}:slot:${repoId}`,
      images: `${base}:pending-images:${repoId}`,
      requesters: `${base}:pending-requesters:${repoId}`,
      cooldown: `${base}:cooldown:${repoId}`,
    };
  }

  /**
   * Asks for a rebuild. `queued`: the caller owns the slot and must start the rebuild job.
   * `coalesced`: one is already queued or running and this request was folded into it.
   * `cooldown`: a forced request too soon after the last dispatch, refused.
   */
  async request(repoId: number, request: RebuildRequest, now: Date = new Date()): Promise<GateAnswer> {
    const k = this.keys(repoId);
    const forced = request.force === 'all' || request.force.length > 0;
    const images = request.force === 'all' ? [ALL] : [...request.force];
    if (request.checkChanged) images.push(CHANGED);
    const requester = request.requester ? JSON.stringify(request.requester) : '';
    const answer = (await this.redis.eval(
      REQUEST_SCRIPT, 4, k.slot, k.images, k.requesters, k.cooldown,
      String(this.slotTtlMs), now.toISOString(), forced ? '1' : '0', requester, ...images,
    )) as string[];
    if (answer[0] === 'cooldown') {
      return { status: 'cooldown', lastDispatchAt: answer[1]!, retryAfterMs: Math.max(0, Number(answer[2])) };
    }
    return { status: answer[0] === 'queued' ? 'queued' : 'coalesced' };
  }

  /** Reads what was asked for. Leaves it in place, so a retried job sees the same request. */
  async pending(repoId: number): Promise<PendingRebuild> {
    const k = this.keys(repoId);
    const [images, requesters] = await Promise.all([
      this.redis.smembers(k.images),
      this.redis.lrange(k.requesters, 0, -1),
    ]);
    return toPending(images, requesters);
  }

  async isBusy(repoId: number): Promise<boolean> {
    return (await this.redis.exists(this.keys(repoId).slot)) === 1;
  }

  /**
   * Ends the rebuild: frees the slot, starts the cooldown when a dispatch was sent, and returns
   * the requests that arrived after `taken` was read (they were not part of this rebuild).
   */
  async finish(repoId: number, taken: PendingRebuild, result: { dispatched: boolean; cooldownMs: number; now?: Date }): Promise<RebuildRequester[]> {
    const k = this.keys(repoId);
    const tx = this.redis.multi().lrange(k.requesters, taken.requesters.length, -1).del(k.slot, k.images, k.requesters);
    if (result.dispatched && result.cooldownMs > 0) tx.set(k.cooldown, (result.now ?? new Date()).toISOString(), 'PX', result.cooldownMs);
    const replies = await tx.exec();
    const late = (replies?.[0]?.[1] ?? []) as string[];
    return late.map((json) => JSON.parse(json) as RebuildRequester);
  }
}

function toPending(images: string[], requesters: string[]): PendingRebuild {
  const named = images.filter((i) => i !== ALL && i !== CHANGED).sort();
  return {
    force: images.includes(ALL) ? 'all' : named,
    checkChanged: images.includes(CHANGED),
    requesters: requesters.map((json) => JSON.parse(json) as RebuildRequester),
  };
}
