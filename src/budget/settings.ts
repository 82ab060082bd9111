// Budget numbers: GitHub's content-creation limits (kept under, with a margin) and how long a job waits inline.
import { z } from 'zod';
import type { Window } from './ledger.js';

export interface BudgetSettings {
  /** Content-generating requests (POST/PATCH/PUT/DELETE) per installation per minute; GitHub allows 80. */
  writesPerMinute: number;
  /** ... per hour; GitHub allows 500. */
  writesPerHour: number;
  /** Time runs this many times faster (benchmarks against a time-scaled GitHub simulation). */
  timeScale: number;
  /** Waits up to this long happen inside the job; longer ones delay the job in the queue. */
  maxInlineWaitMs: number;
  /** Per registry host (`host` or `host:port`): request windows, e.g. Docker Hub's pulls per 6 hours. */
  registryWindows: Record<string, Window[]>;
  /** GitHub requests of one installation in flight at once across all workers; GitHub allows 100. Default 100. */
  concurrentRequests?: number;
}

export const DEFAULT_BUDGET: BudgetSettings = {
  // A margin under GitHub's numbers absorbs clock skew and network jitter between workers.
  writesPerMinute: 70,
  writesPerHour: 450,
  timeScale: 1,
  maxInlineWaitMs: 30_000,
  registryWindows: {},
  concurrentRequests: 100,
};

export function githubWriteWindows(settings: BudgetSettings): Window[] {
  return [
    { windowMs: 60_000 / settings.timeScale, limit: settings.writesPerMinute },
    { windowMs: 3_600_000 / settings.timeScale, limit: settings.writesPerHour },
  ];
}

const windowList = z.array(z.object({ windowSeconds: z.number().positive(), limit: z.number().int().positive() }));

const budgetEnv = z.object({
  FRESHEN_GITHUB_WRITES_PER_MINUTE: z.coerce.number().int().min(1).max(80).default(DEFAULT_BUDGET.writesPerMinute),
  FRESHEN_GITHUB_WRITES_PER_HOUR: z.coerce.number().int().min(1).max(500).default(DEFAULT_BUDGET.writesPerHour),
  FRESHEN_BUDGET_TIME_SCALE: z.coerce.number().positive().default(1),
  FRESHEN_GITHUB_CONCURRENT_REQUESTS: z.coerce.number().int().min(1).max(100).default(DEFAULT_BUDGET.concurrentRequests!),
  FRESHEN_MAX_INLINE_WAIT_SECONDS: z.coerce.number().min(0).max(600).default(DEFAULT_BUDGET.maxInlineWaitMs / 1000),
  /** JSON: {"docker.io": [{"windowSeconds": 21600, "limit": 100}]} */
  FRESHEN_REGISTRY_BUDGETS: z.string().default('{}'),
});

/** Reads the FRESHEN_* budget variables; a bad value names the variable. */
export function budgetSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): BudgetSettings {
  const clean = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('FRESHEN_') && v !== ''));
  const parsed = budgetEnv.safeParse(clean);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid environment: ${issue.path.join('.')}: ${issue.message}`);
  }
  let registries: Record<string, { windowSeconds: number; limit: number }[]>;
  try {
    registries = z.record(z.string(), windowList).parse(JSON.parse(parsed.data.FRESHEN_REGISTRY_BUDGETS));
  } catch {
    throw new Error('Invalid environment: FRESHEN_REGISTRY_BUDGETS: must be JSON {"host": [{"windowSeconds": n, "limit": n}]}');
  }
  return {
    writesPerMinute: parsed.data.FRESHEN_GITHUB_WRITES_PER_MINUTE,
    writesPerHour: parsed.data.FRESHEN_GITHUB_WRITES_PER_HOUR,
    timeScale: parsed.data.FRESHEN_BUDGET_TIME_SCALE,
    maxInlineWaitMs: parsed.data.FRESHEN_MAX_INLINE_WAIT_SECONDS * 1000,
    concurrentRequests: parsed.data.FRESHEN_GITHUB_CONCURRENT_REQUESTS,
    registryWindows: Object.fromEntries(
      Object.entries(registries).map(([host, list]) => [host, list.map((w) => ({ windowMs: (w.windowSeconds * 1000) / parsed.data.FRESHEN_BUDGET_TIME_SCALE, limit: w.limit }))]),
    ),
  };
}
