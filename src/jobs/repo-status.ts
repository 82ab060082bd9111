// What Freshen sees in a repository, kept after each scan, shown in the status issue and `/freshen status`.
import type { Redis } from 'ioredis';
import { IgnoreStore } from '../commands/ignore-store.js';
import { CONFIG_PATH } from '../config/repo-config.js';
import type { DashboardSnapshot } from '../dashboard/from-scan.js';
import { upsertDashboard } from '../dashboard/issue.js';
import { statusIssuePort } from '../github/rebuild-ports.js';
import type { GitHub, RepoRef } from '../github/types.js';
import { RebuildGate } from '../rebuild/gate.js';
import { RebuildLedger } from '../rebuild/ledger.js';
import { redisLock } from '../cache/lock.js';
import { rebuildStatusImages } from '../rebuild/status.js';
import { upsertStatusIssue, type HeldStatus, type PendingUpdate, type RepoStatus, type StatusImage, type UpsertResult } from '../rebuild/status-issue.js';
import type { FloatingBaseImage, RepoRef as RebuildRepoRef } from '../rebuild/types.js';
import type { UnmaintainedBase } from '../insight/unmaintained.js';
import type { JobQueue } from './job-data.js';

/** What the last scan (or rebuild) saw; the ledger and ignore list are read fresh when rendering. */
export interface StatusSnapshot {
  /** Images on the pinned process, one row each. */
  pinned: StatusImage[];
  /** Floating base images on the rebuild process. */
  floating: FloatingBaseImage[];
  /** Ledger key → digest the tag pointed to at the last check. */
  currentDigests: Record<string, string | null>;
  pendingUpdates: PendingUpdate[];
  /** Updates that exist but wait (release age, schedule, prLimit, a blocking package pin), with why. */
  held?: HeldStatus[];
  lastRun: string;
  /** The repository has images on the rebuild process: it gets a status issue. */
  usesRebuild: boolean;
  /** What the dashboard shows of the last scan (absent in snapshots written before it existed). */
  dashboard?: DashboardSnapshot;
  /** The config was invalid at the last scan: the dashboard's errors are its problems, and nothing else was done. */
  invalidConfig?: boolean;
  /** Floating bases (ledger key `name:tag`) that are no longer maintained. */
  unmaintained?: Record<string, UnmaintainedBase>;
}

/** The rebuild process's Redis stores, on a connection that carries the deployment's key prefix. */
export function rebuildStores(redis: Redis) {
  return {
    ledger: new RebuildLedger(redis, { prefix: '' }),
    gate: new RebuildGate(redis, { prefix: '' }),
    ignores: new IgnoreStore(redis, { prefix: '' }),
  };
}

export function rebuildRepoRef(repo: RepoRef): RebuildRepoRef {
  return { id: repo.repoId, owner: repo.owner, name: repo.repo };
}

const snapshotKey = (repoId: number) => `mem:status:${repoId}`;

export async function saveSnapshot(redis: Redis, repoId: number, snapshot: StatusSnapshot): Promise<void> {
  await redis.set(snapshotKey(repoId), JSON.stringify(snapshot));
}

export async function loadSnapshot(redis: Redis, repoId: number): Promise<StatusSnapshot | null> {
  const raw = await redis.get(snapshotKey(repoId));
  return raw === null ? null : (JSON.parse(raw) as StatusSnapshot);
}

/** Merges the digests of a newer check into the saved snapshot. */
export async function recordCurrentDigests(redis: Redis, repoId: number, digests: ReadonlyMap<string, string | null>): Promise<void> {
  const snapshot = await loadSnapshot(redis, repoId);
  if (!snapshot) return;
  for (const [key, digest] of digests) snapshot.currentDigests[key] = digest;
  await saveSnapshot(redis, repoId, snapshot);
}

/** When the next scheduled scan runs: the repository's own scheduler, else its installation's. */
export async function nextRun(queue: JobQueue, repo: RepoRef): Promise<Date | null> {
  const scheduler = await queue.scanScheduler(repo);
  return scheduler?.next ? new Date(scheduler.next) : null;
}

export interface StatusDeps {
  redis: Redis;
  queue: JobQueue;
}

export async function buildRepoStatus(deps: StatusDeps, repo: RepoRef): Promise<RepoStatus> {
  const { ledger, ignores } = rebuildStores(deps.redis);
  const snapshot = await loadSnapshot(deps.redis, repo.repoId);
  const rebuild = await rebuildStatusImages(
    ledger,
    repo.repoId,
    snapshot?.floating ?? [],
    new Map(Object.entries(snapshot?.currentDigests ?? {})),
  );
  // Rows come in the order of `floating`.
  const floating = snapshot?.floating ?? [];
  const rebuildRows = rebuild.images.map((row, i) => {
    const unmaintained = snapshot?.unmaintained?.[floating[i]?.key ?? ''];
    return unmaintained ? { ...row, unmaintained } : row;
  });
  const problems = [...rebuild.problems];
  if (!snapshot) problems.push('Freshen has not scanned this repository yet.');
  if (snapshot?.invalidConfig) problems.push(`\`${CONFIG_PATH}\` is invalid (see Errors): Freshen changes nothing in this repository until it is fixed.`);
  return {
    repo: rebuildRepoRef(repo),
    images: [...rebuildRows, ...(snapshot?.pinned ?? [])],
    pendingUpdates: snapshot?.pendingUpdates ?? [],
    held: snapshot?.held ?? [],
    ignored: await ignores.list(repo.repoId),
    lastRun: snapshot ? new Date(snapshot.lastRun) : null,
    nextRun: await nextRun(deps.queue, repo),
    problems,
  };
}

/** The scan schedule in force, as written: the repository's own, else its installation's. */
export async function scanSchedule(queue: JobQueue, repo: RepoRef): Promise<string | undefined> {
  const scheduler = await queue.scanScheduler(repo);
  if (!scheduler?.pattern) return undefined;
  return `\`${scheduler.pattern}\` (${scheduler.tz ?? 'UTC'})`;
}

/**
 * Creates or edits the repository's one issue (STATUS_MARKER): the dashboard, or with
 * `dashboard: false` the rebuild status issue of a repository on the rebuild process; else none.
 * Every writer (scan, rebuild, workflow run, commands) comes through here.
 */
export async function refreshStatusIssue(deps: StatusDeps, gh: GitHub, repo: RepoRef): Promise<UpsertResult | null> {
  const snapshot = await loadSnapshot(deps.redis, repo.repoId);
  const dashboard = snapshot?.dashboard;
  if (!snapshot || (!dashboard?.enabled && !snapshot.usesRebuild)) return null;
  const status = await buildRepoStatus(deps, repo);
  // Two workers must not both create the issue: the find-or-create runs under one lock per repository.
  // The lock is renewed while held, so a short TTL only shortens how long a killed worker blocks the next.
  const lock = redisLock(deps.redis, `lock:status-issue:${repo.repoId}`, { ttlMs: 15_000, waitMs: 30_000 });
  const port = statusIssuePort(gh, repo, deps.redis);
  if (!dashboard?.enabled) return upsertStatusIssue(port, status, lock);
  const schedule = await scanSchedule(deps.queue, repo);
  return upsertDashboard(port, { ...status, ...dashboard, ...(schedule ? { schedule } : {}) }, { enabled: true, lock });
}
