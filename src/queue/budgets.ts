// The worker's GitHub clients with fleet manners: cheap conditional reads, writes paced per installation, valuable writes first.
import type { Redis } from 'ioredis';
import { limitConcurrentRequests, paceGitHub, RedisSemaphore, RequestBudget, updateValue, valuePriority, writeWaitMs, type BudgetSettings } from '../budget/index.js';
import { RedisLookupCache } from '../cache/index.js';
import type { PlannedUpdate } from '../engine/types.js';
import { conditionalReads } from '../github/conditional.js';
import type { GitHub } from '../github/types.js';
import { RateLimitedError } from './errors.js';

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

/**
 * Asked before a repository's PR writes: when the installation's write budget is spent for longer
 * than a job should wait, the job is delayed (not failed) with a priority from what it would write,
 * so security fixes get the next free slots, then broken pins, then the rest.
 */
export function writeGate(redis: Redis, settings: BudgetSettings): (installationId: number, updates: readonly PlannedUpdate[]) => Promise<void> {
  const budget = new RequestBudget(redis);
  return async (installationId, updates) => {
    if (updates.length === 0) return;
    const waitMs = await writeWaitMs(budget, installationId, settings);
    if (waitMs <= settings.maxInlineWaitMs) return;
    const value = updateValue(updates);
    throw new RateLimitedError(`installation ${installationId}: write budget spent; ${value} PR writes wait`, waitMs, valuePriority(value));
  };
}
