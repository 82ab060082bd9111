// The scan job of one repository: config → tree → engine scan → PRs kept right.
import type { Redis } from 'ioredis';
import { managedPath, scan } from '../engine/index.js';
import type { PlannedUpdate, ScanContext } from '../engine/types.js';
import { groupUpdates } from '../config/groups.js';
import type { RepoConfig } from '../config/repo-config.js';
import { clearConfigProblems, reportConfigProblems } from '../github/config-report.js';
import { reconcilePrs, type LifecycleResult } from '../github/lifecycle.js';
import { listOpenFreshenPrs } from '../github/pulls.js';
import { loadRepoConfig } from '../github/repo-config-loader.js';
import { openTree, readDefaultBranchHead } from '../github/repo-reader.js';
import type { GitHub, RepoRef } from '../github/types.js';
import type { Logger } from '../types.js';
import type { RepoJobData } from './jobs.js';
import { RepoMemory } from './memory.js';

/** Builds the engine's context for one job: registry access (with the repo's registries), logger. */
export type ScanContextFactory = (input: { repo: RepoRef; config: RepoConfig; log: Logger }) => ScanContext;

export interface RepoScanDeps {
  github: (installationId: number) => Promise<GitHub>;
  scanContext: ScanContextFactory;
  redis: Redis;
  log: Logger;
  /** Called with the valid config, e.g. to keep the repository's own schedule in step. */
  onConfig?: (data: RepoJobData, config: RepoConfig) => Promise<void>;
  maxBlobBytes?: number;
}

export type RepoScanOutcome =
  | { status: 'invalid-config'; issue: number }
  | { status: 'skipped'; reason: string }
  | ({ status: 'done'; updates: number; errors: number } & LifecycleResult);

export async function scanRepository(deps: RepoScanDeps, data: RepoJobData): Promise<RepoScanOutcome> {
  const repo: RepoRef = { installationId: data.installationId, repoId: data.repoId, owner: data.owner, repo: data.repo };
  const log = deps.log.child?.({ repo: `${data.owner}/${data.repo}`, reason: data.reason }) ?? deps.log;
  const gh = await deps.github(data.installationId);
  const memory = new RepoMemory(deps.redis, data.repoId);
  const head = await readDefaultBranchHead(gh, repo);

  const loaded = await loadRepoConfig(gh, repo, head.branch);
  if (!loaded.ok) {
    const issue = await reportConfigProblems(gh, repo, memory, loaded.problems, head.commitSha);
    log.warn({ problems: loaded.problems, issue }, 'invalid config: nothing changed, reported on the status issue');
    return { status: 'invalid-config', issue };
  }
  const config = loaded.config;
  await clearConfigProblems(gh, repo, memory);
  await deps.onConfig?.(data, config);
  if (config.process !== 'pinned') return { status: 'skipped', reason: `process ${config.process} is handled elsewhere` };

  const source = await openTree(gh, repo, head.treeSha, { managed: managedPath, maxBlobBytes: deps.maxBlobBytes, log });
  const result = await scan(source, deps.scanContext({ repo, config, log }), { ignore: config.ignore, pinDigests: true, throwOnRateLimit: true });
  for (const error of result.errors) log.warn({ file: error.file, line: error.line, dep: error.depName }, error.message);

  const wanted = await withoutDeclined(memory, result.updates);
  const groups = groupUpdates(wanted, config);
  const openPrs = await listOpenFreshenPrs(gh, repo);
  const outcome = await reconcilePrs({
    gh, repo, memory, log, head, source, groups, config, openPrs,
    filesWithErrors: new Set(result.errors.map((e) => e.file)),
  });
  log.info({ ...outcome, updates: wanted.length }, 'scan finished');
  return { status: 'done', updates: wanted.length, errors: result.errors.length, ...outcome };
}

async function withoutDeclined(memory: RepoMemory, updates: PlannedUpdate[]): Promise<PlannedUpdate[]> {
  const declined = await memory.declinedTargets();
  return updates.filter((u) => !declined.has(RepoMemory.targetKey(u)));
}
