// The scan job of one repository: config → tree → engine scan → PRs kept right.
import type { Redis } from 'ioredis';
import { managedPath, scan } from '../engine/index.js';
import type { HeldUpdate, PlannedUpdate, ScanContext } from '../engine/types.js';
import type { ArtifactOptions } from '../engine/artifacts.js';
import { configuredScanOptions } from '../config/apply.js';
import { branchFor, groupUpdates } from '../config/groups.js';
import { repoProcess, type RepoConfig } from '../config/repo-config.js';
import { ignoredDependencyNames, isUpdateIgnored } from '../commands/ignore-store.js';
import { dashboardSnapshot, heldByPrLimit, heldBySchedule, repeatabilityOf } from '../dashboard/from-scan.js';
import { DashboardRequests } from '../dashboard/issue.js';
import { updateKey } from '../dashboard/render.js';
import { clearConfigProblems, reportConfigProblems } from './config-report.js';
import { reconcilePrs, type LifecycleResult } from '../github/lifecycle.js';
import { listOpenFreshenPrs } from '../github/pulls.js';
import { loadRepoConfig } from '../github/repo-config-loader.js';
import { openTree, readDefaultBranchHead } from '../github/repo-reader.js';
import type { GitHub, RepoRef } from '../github/types.js';
import { heldNote } from '../render/pr.js';
import type { LocatedError, Logger } from '../types.js';
import type { WriteBudget } from './budgets.js';
import type { JobQueue, RepoJobData } from './job-data.js';
import { RateLimitedError } from '../budget/errors.js';
import { RepoMemory } from '../github/repo-memory.js';
import { rebuildImagesOf, scheduledRebuild } from './rebuild-repo.js';
import { rebuildStores, refreshStatusIssue, saveSnapshot } from './repo-status.js';
import { statusSnapshot } from './status-snapshot.js';

/**
 * Builds the engine's context for one job: registry access (with the repo's registries), logger;
 * `artifacts` are the app's settings for regenerating lockfiles (FRESHEN_NPMRC), never written to the repo.
 */
export type ScanContextFactory = (input: { repo: RepoRef; config: RepoConfig; log: Logger }) => ScanContext & {
  artifacts?: Pick<ArtifactOptions, 'settings' | 'insecureRegistries' | 'log'>;
  /** What the config asked that the app refused (a credential named for a host it is not for): the dashboard's Errors. */
  configErrors?: LocatedError[];
};

export interface RepoScanDeps {
  github: (installationId: number) => Promise<GitHub>;
  scanContext: ScanContextFactory;
  redis: Redis;
  /** For the next scheduled run shown on the status issue. */
  queue: JobQueue;
  log: Logger;
  /** Called with the valid config, e.g. to keep the repository's own schedule in step. */
  onConfig?: (data: RepoJobData, config: RepoConfig) => Promise<void>;
  maxBlobBytes?: number;
  /** Reserves the writes of PRs about to be opened (may delay the job while the budget is spent), and gives back unused ones. */
  writeBudget?: WriteBudget;
}

export type RepoScanOutcome =
  | { status: 'invalid-config'; issue: number | null }
  | { status: 'skipped'; reason: string }
  | ({ status: 'done'; updates: number; errors: number; rebuild?: string } & LifecycleResult);

export async function scanRepository(deps: RepoScanDeps, data: RepoJobData): Promise<RepoScanOutcome> {
  const repo: RepoRef = { installationId: data.installationId, repoId: data.repoId, owner: data.owner, repo: data.repo };
  const log = deps.log.child?.({ repo: `${data.owner}/${data.repo}`, reason: data.reason }) ?? deps.log;
  const gh = await deps.github(data.installationId);
  const memory = new RepoMemory(deps.redis, data.repoId);
  const head = await readDefaultBranchHead(gh, repo);

  // At the scanned commit: the config matches the files, and a read by SHA is never read twice.
  const loaded = await loadRepoConfig(gh, repo, head.commitSha);
  if (!loaded.ok) {
    const shown = await reportConfigProblems(deps, gh, repo, loaded.problems);
    log.warn({ problems: loaded.problems, issue: shown?.number }, 'invalid config: nothing changed, reported on the dashboard issue');
    return { status: 'invalid-config', issue: shown?.number ?? null };
  }
  const config = loaded.config;
  await clearConfigProblems(deps, gh, repo, memory, config);
  await deps.onConfig?.(data, config);

  // `/freshen ignore` entries: whole dependencies are never looked up, versions are dropped below.
  const ignoreEntries = await rebuildStores(deps.redis).ignores.list(repo.repoId);
  const ignored = ignoredDependencyNames(ignoreEntries);
  const source = await openTree(gh, repo, head.treeSha, { managed: managedPath, maxBlobBytes: deps.maxBlobBytes, log });
  // One registry client per run: its memo must not outlive the run, or a re-pushed tag goes unseen.
  const context = deps.scanContext({ repo, config, log });
  const result = await scan(source, context, { ...configuredScanOptions(config, ignored), pinDigests: true, throwOnRateLimit: true });
  const errors = [...(context.configErrors ?? []), ...result.errors];
  for (const error of errors) log.warn({ file: error.file, line: error.line, dep: error.depName }, error.message);
  for (const h of result.held) log.info({ file: h.update.file, dep: h.update.depName, to: h.update.to, eligibleAt: h.eligibleAt }, `update held: ${h.reason}`);

  // Boxes ticked on the dashboard: those updates open now, even outside the schedule or over prLimit.
  const requested = await new DashboardRequests(deps.redis).take(repo.repoId);
  const released = result.held.filter((h) => heldBySchedule(h) && requested.has(updateKey(h.update)));
  const held = result.held.filter((h) => !released.includes(h));
  const proposed = [...result.updates, ...released.map((h) => h.update)];
  const wanted = (await withoutDeclined(memory, proposed)).filter((u) => !isUpdateIgnored(u, ignoreEntries));
  const groups = groupUpdates(wanted, config);
  const openNow = new Set([...groups].filter(([, list]) => list.some((u) => requested.has(updateKey(u)))).map(([group]) => group));
  const openPrs = await listOpenFreshenPrs(gh, repo);
  let outcome: LifecycleResult;
  let rebuild: string | undefined;
  try {
    const regenerate = await memory.regenerateRequests();
    outcome = await reconcilePrs({
      gh, repo, memory, log, head, source, groups, config, openPrs, regenerate, openNow,
      ...(deps.writeBudget ? { reserveWrites: (updates: readonly PlannedUpdate[], writes: number) => deps.writeBudget!.reserve(gh, repo.installationId, updates, writes) } : {}),
      filesWithErrors: new Set(result.errors.map((e) => e.file)),
      held: held.map((h) => h.update),
      heldNotes: heldNotesByGroup(held, config),
      ...(context.artifacts ? { artifacts: context.artifacts } : {}),
    });
    await memory.clearRegenerateRequests(regenerate);

    const images = rebuildImagesOf(result.dependencies, config, ignored);
    const allHeld = [...held, ...heldByPrLimit(groups, outcome.overLimit, config.prLimit)];
    const dashboard = dashboardSnapshot({
      enabled: config.dashboard, dependencies: result.dependencies, groups, prs: outcome.prs, overLimit: outcome.overLimit, held: allHeld,
      errors: [...errors, ...outcome.writeErrors],
      repeatability: await repeatabilityOf(source, { pinned: repoProcess(config) === 'pinned' }),
    });
    await saveSnapshot(deps.redis, repo.repoId, statusSnapshot({ config, dependencies: result.dependencies, ignored, updates: wanted, images, held: allHeld, dashboard }));
    if (repoProcess(config) !== 'pinned') {
      const checked = await scheduledRebuild({ ...deps, log }, { gh, repo, defaultBranch: head.branch, config, images, lookup: context.images });
      rebuild = checked.status;
    }
    // The dashboard (or, with `dashboard: false`, the rebuild status issue) after the rebuild check's digests.
    await refreshStatusIssue(deps, gh, repo);
  } catch (err) {
    // Delayed (the write budget): the boxes ticked on the dashboard wait for the next run.
    if (err instanceof RateLimitedError) await new DashboardRequests(deps.redis).add(repo.repoId, [...requested]);
    throw err;
  } finally {
    await deps.writeBudget?.release(gh, repo.installationId).catch((err: unknown) => log.warn({ error: String(err) }, 'reserved writes not given back'));
  }
  log.info({ ...outcome, updates: wanted.length, rebuild }, 'scan finished');
  return { status: 'done', updates: wanted.length, errors: errors.length, ...outcome, ...(rebuild ? { rebuild } : {}) };
}

/** Per PR group, the notes of its updates that wait, so the PR says what is held back and why. */
function heldNotesByGroup(held: readonly HeldUpdate[], config: RepoConfig): Map<string, string[]> {
  const byUpdate = new Map(held.map((h) => [h.update, h]));
  const notes = new Map<string, string[]>();
  for (const [group, updates] of groupUpdates(held.map((h) => h.update), config)) {
    notes.set(group, updates.map((u) => heldNote(byUpdate.get(u)!)));
  }
  return notes;
}

async function withoutDeclined(memory: RepoMemory, updates: PlannedUpdate[]): Promise<PlannedUpdate[]> {
  const declined = await memory.declinedTargets();
  return updates.filter((u) => !declined.has(RepoMemory.targetKey(u)));
}
