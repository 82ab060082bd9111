// Per registry host budgets for the HTTP client: configured request windows and the host's own slow-down signals.
import { RateLimitError } from '../http/errors.js';
import { pauseFromHeaders } from './headers.js';
import type { RequestBudget, Window } from './ledger.js';

/** What the HTTP client asks before and tells after each attempt. */
export interface HostBudget {
  /** Resolves when a request to `host` may go; throws RateLimitError when the wait is too long. */
  acquire(host: string): Promise<void>;
  /** Learns from an answer (Retry-After, RateLimit-*, X-RateLimit-*). */
  observe(host: string, status: number, headers: Record<string, string>): Promise<void>;
}

export function registryBudget(budget: RequestBudget, windows: Record<string, Window[]>, maxInlineWaitMs: number): HostBudget {
  const name = (host: string) => `host:${host}`;
  return {
    async acquire(host) {
      const hostWindows = windows[host] ?? windows[host.replace(/:\d+$/, '')] ?? [];
      // Without configured windows only a pause (Retry-After...) can hold the request: nothing to reserve.
      const slot = hostWindows.length > 0 ? await budget.reserve(name(host), hostWindows, maxInlineWaitMs) : await pausedFor(budget, name(host), maxInlineWaitMs);
      if (!slot.granted) throw new RateLimitError(`${host}: request budget spent, retry after ${Math.ceil(slot.waitMs / 1000)} s`, host, slot.waitMs);
      if (slot.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, slot.waitMs));
    },
    async observe(host, status, headers) {
      const pause = pauseFromHeaders(status, headers);
      if (pause > 0) await budget.pause(name(host), pause);
    },
  };
}

async function pausedFor(budget: RequestBudget, name: string, maxInlineWaitMs: number): Promise<{ granted: boolean; waitMs: number }> {
  const waitMs = await budget.peek(name, []);
  return { granted: waitMs <= maxInlineWaitMs, waitMs };
}
