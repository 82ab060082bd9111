// Paces GitHub per installation across all workers: content-generating requests under GitHub's limits, pauses on its signals.
import type { GitHub } from '../github/types.js';
import { RateLimitedError } from './errors.js';
import { pauseFromHeaders } from './headers.js';
import type { BatchReservation, RequestBudget } from './ledger.js';
import type { RedisSemaphore } from './semaphore.js';
import { DEFAULT_BUDGET, githubWriteWindows, type BudgetSettings } from './settings.js';

/** Longest a job that has begun writing waits for its next write slot: at most the hour window frees it. */
const STARTED_WAIT_MS = 3_600_000;
const CONTENT_GENERATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export const writesBudgetName = (installationId: number): string => `gh-writes:${installationId}`;
const readsBudgetName = (installationId: number): string => `gh:${installationId}`;
export const inFlightName = (installationId: number): string => `gh-in-flight:${installationId}`;

interface RequestOptions {
  method?: string;
  url?: string;
}

function isContentGenerating(options: RequestOptions): boolean {
  const method = (options.method ?? 'GET').toUpperCase();
  // Asking for an installation token is the app's own request, not content.
  return CONTENT_GENERATING.has(method) && !/\/access_tokens$/.test(options.url ?? '');
}

/** Write slots a job reserved up front (reserveWrites): the client's next content-generating requests use them, in order. */
const prepaid = new WeakMap<GitHub, { atMs: number; id: string }[]>();

/**
 * How much later than its reserved time a write may go out and still count where it was reserved:
 * 1/40 of the minute window (1.5 s in production). At Freshen's pace of 70 a minute that moves at
 * most two writes into the next window, well inside the 10 GitHub's 80 leave spare.
 */
export function lateWriteToleranceMs(settings: BudgetSettings): number {
  return 60_000 / settings.timeScale / 40;
}

/**
 * Reserves `count` write slots at once for this client, all within the inline wait, or none. A job
 * that is granted them can write a whole PR without waiting on the budget halfway; one that is not
 * is delayed before it writes anything, so no worker slot sits waiting for an installation's budget.
 */
export async function reserveWrites(gh: GitHub, budget: RequestBudget, installationId: number, settings: BudgetSettings, count: number): Promise<BatchReservation> {
  const slots = await budget.reserveMany(writesBudgetName(installationId), githubWriteWindows(settings), settings.maxInlineWaitMs, count);
  if (slots.granted) {
    const now = Date.now();
    prepaid.set(gh, [...(prepaid.get(gh) ?? []), ...slots.ids.map((id, i) => ({ atMs: now + slots.waitsMs[i]!, id }))]);
  }
  return slots;
}

/** Gives back the slots reserveWrites took for this client that no request used. */
export async function releaseUnusedWrites(gh: GitHub, budget: RequestBudget, installationId: number): Promise<void> {
  const left = prepaid.get(gh) ?? [];
  prepaid.delete(gh);
  await budget.release(writesBudgetName(installationId), left.map((slot) => slot.id));
}

/**
 * Installs the pacing hooks on one installation client: each content-generating request reserves a
 * slot in the installation's shared write ledger (waiting for it when the wait is short, else the
 * job is delayed with RateLimitedError); answers asking to slow down pause the whole installation.
 */
export function paceGitHub(gh: GitHub, installationId: number, budget: RequestBudget, settings: BudgetSettings): GitHub {
  const windows = githubWriteWindows(settings);
  const lateToleranceMs = lateWriteToleranceMs(settings);
  // Once a job has started writing (a tree, a commit), it finishes that PR even if it must wait
  // longer: delaying it halfway would throw those writes away and spend them again on the retry.
  let started = false;
  gh.hook.before('request', async (options: RequestOptions) => {
    const reads = await budget.peek(readsBudgetName(installationId), []);
    if (reads > settings.maxInlineWaitMs) throw new RateLimitedError(`GitHub asked installation ${installationId} to wait`, reads);
    if (reads > 0) await sleep(reads);
    if (!isContentGenerating(options)) return;
    const reserved = prepaid.get(gh)?.shift();
    if (reserved) {
      started = true;
      const lateMs = Date.now() - reserved.atMs;
      if (lateMs <= lateToleranceMs) {
        if (lateMs < 0) await sleep(-lateMs);
        return;
      }
      // Much later than planned: the ledger would count it in a window it did not go out in. It
      // trades its slot, in one step, for one at the moment it is really sent.
    }
    const maxWaitMs = started ? Math.max(settings.maxInlineWaitMs, STARTED_WAIT_MS / settings.timeScale) : settings.maxInlineWaitMs;
    const slot = await budget.reserve(writesBudgetName(installationId), windows, maxWaitMs, reserved?.id);
    if (!slot.granted) {
      throw new RateLimitedError(`installation ${installationId}: GitHub's content-creation budget is spent for now`, slot.waitMs);
    }
    started = true;
    if (slot.waitMs > 0) await sleep(slot.waitMs);
  });
  gh.hook.after('request', async (response: { status: number; headers: Record<string, string | number | undefined> }) => {
    const pause = pauseFromHeaders(response.status, response.headers);
    if (pause > 0) await budget.pause(readsBudgetName(installationId), pause);
  });
  gh.hook.error('request', async (error: Error & { status?: number; response?: { headers?: Record<string, string | number | undefined> } }) => {
    const pause = pauseFromHeaders(error.status ?? 0, error.response?.headers ?? {});
    if (pause > 0) await budget.pause(readsBudgetName(installationId), pause);
    throw error;
  });
  return gh;
}

/**
 * Holds one of the installation's places (GitHub: at most 100 concurrent requests) for each request
 * this client sends, shared by all workers. Install it before the caching and pacing hooks so that
 * answers served from the cache take no place and waits for a write slot hold none.
 */
export function limitConcurrentRequests(gh: GitHub, installationId: number, semaphore: RedisSemaphore, settings: BudgetSettings): GitHub {
  const limit = settings.concurrentRequests ?? DEFAULT_BUDGET.concurrentRequests!;
  gh.hook.wrap('request', (request, options) => semaphore.run(inFlightName(installationId), limit, async () => request(options)));
  return gh;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
