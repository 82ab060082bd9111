// One dashboard issue per repository: found by the status marker, edited in place, never duplicated.
import type { Redis } from 'ioredis';
import { upsertMarkedIssue, type StatusIssuePort, type UpsertResult } from '../rebuild/status-issue.js';
import { DASHBOARD_TITLE, renderDashboard, sameDashboard, type DashboardData } from './render.js';

/**
 * Creates the dashboard once, then edits it; the rebuild status issue (same marker) becomes it.
 * `lock` serialises concurrent upserts of one repository. With `dashboard: false` nothing is written.
 */
export async function upsertDashboard(
  port: StatusIssuePort,
  data: DashboardData,
  options: { enabled: boolean; lock?: <T>(fn: () => Promise<T>) => Promise<T> },
): Promise<UpsertResult | null> {
  if (!options.enabled) return null;
  return upsertMarkedIssue(port, { title: DASHBOARD_TITLE, body: renderDashboard(data), same: sameDashboard }, options.lock);
}

/** "Open this PR now" requests from ticked boxes, kept until the next scan of the repository takes them. */
export class DashboardRequests {
  constructor(private readonly redis: Redis) {}

  private key = (repoId: number) => `dashboard:open:${repoId}`;

  async add(repoId: number, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.redis.multi().sadd(this.key(repoId), ...keys).expire(this.key(repoId), 7 * 24 * 3600).exec();
  }

  /** The pending requests, removed as they are read (one scan acts on them). */
  async take(repoId: number): Promise<Set<string>> {
    const [[, members]] = (await this.redis.multi().smembers(this.key(repoId)).del(this.key(repoId)).exec()) as [[Error | null, string[]], unknown];
    return new Set(members);
  }
}
