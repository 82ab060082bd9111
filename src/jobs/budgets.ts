// The worker's GitHub clients with fleet manners: cheap conditional reads, writes paced per installation, valuable writes first.
import type { Redis } from 'ioredis';
import { limitConcurrentRequests, paceGitHub, RedisSemaphore, releaseUnusedWrites, RequestBudget, reserveWrites, updateValue, valuePriority, type BudgetSettings } from '../budget/index.js';
import { RedisLookupCache } from '../cache/index.js';
import type { PlannedUpdate } from '../engine/types.js';
import { conditionalReads } from '../github/conditional.js';
import type { GitHub } from '../github/types.js';
import { RateLimitedError } from '../budget/errors.js';

/** Wraps the installation client factory; every client shares the Redis ledgers of all workers. */
export function budgetedGitHub(
  github: (installationId: number) => Promise<GitHub>,
  redis: Redis,
  settings: BudgetSettings,
): (installationId: number) => Promise<GitHub> {
  const budget = new RequestBudget(redis);
  const inFlight = new RedisSemaphore(redis);
  const store = new RedisLookupCache(redis, { namespace: 'ghcache' });
  const prepared = new WeakSet<GitHub>();
  return async (installationId) => {
    const gh = await github(installationId);
    if (prepared.has(gh)) return gh;
    prepared.add(gh);
    // Innermost first: only requests actually sent hold one of the installation's concurrent places.
    const limited = limitConcurrentRequests(gh, installationId, inFlight, settings);
    return paceGitHub(conditionalReads(limited, installationId, store), installationId, budget, settings);
  };
}

/** What a scan job asks of the installation's write budget around its PR writes. */
export interface WriteBudget {
  /**
   * Before a PR's writes (opening or regenerating it): `writes` slots, reserved together (never more than a minute's worth).
   * When they are not free within the inline wait, the job is delayed (not failed) with a priority
   * from what it would write, so security fixes get the next free slots, then broken pins, then the rest.
   */
  reserve(gh: GitHub, installationId: number, updates: readonly PlannedUpdate[], writes: number): Promise<void>;
  /** After the writes: slots reserved but not used go back. */
  release(gh: GitHub, installationId: number): Promise<void>;
}

export function writeGate(redis: Redis, settings: BudgetSettings): WriteBudget {
  const budget = new RequestBudget(redis);
  return {
    async reserve(gh, installationId, updates, writes) {
      if (updates.length === 0 || writes <= 0) return;
      const slots = await reserveWrites(gh, budget, installationId, settings, Math.min(writes, settings.writesPerMinute));
      if (slots.granted) return;
      const value = updateValue(updates);
      throw new RateLimitedError(`installation ${installationId}: write budget spent; ${value} PR writes wait`, slots.waitMs, valuePriority(value));
    },
    release: (gh, installationId) => releaseUnusedWrites(gh, budget, installationId),
  };
}
