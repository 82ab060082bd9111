// An invalid config is shown in the Errors section of the repository's dashboard issue; nothing else changes until it is fixed.
import { CONFIG_PATH, configErrorOf, repoProcess, type ConfigProblem, type RepoConfig } from '../config/repo-config.js';
import type { RepoMemory } from '../github/repo-memory.js';
import { loadSnapshot, refreshStatusIssue, saveSnapshot, type StatusDeps, type StatusSnapshot } from './repo-status.js';
import { STATUS_MARKER, type UpsertResult } from '../rebuild/status-issue.js';
import { statusIssuePort } from '../github/rebuild-ports.js';
import type { GitHub, RepoRef } from '../github/types.js';

/**
 * Keeps what the last valid scan saw and replaces its errors with the config's problems. The
 * dashboard is written even with `dashboard: false`: a config that cannot be read cannot turn it off.
 */
export async function reportConfigProblems(deps: StatusDeps, gh: GitHub, repo: RepoRef, problems: readonly ConfigProblem[]): Promise<UpsertResult | null> {
  const previous = await loadSnapshot(deps.redis, repo.repoId);
  const base: StatusSnapshot = previous ?? { pinned: [], floating: [], currentDigests: {}, pendingUpdates: [], lastRun: new Date().toISOString(), usesRebuild: false };
  const dashboard = base.dashboard ?? { enabled: true, dependencies: [], updates: [], held: [], errors: [], repeatability: [] };
  await saveSnapshot(deps.redis, repo.repoId, { ...base, invalidConfig: true, dashboard: { ...dashboard, enabled: true, errors: problems.map(configErrorOf) } });
  const shown = await refreshStatusIssue(deps, gh, repo);
  // New problems on an issue someone closed: open it again, or nobody sees them.
  if (shown?.action === 'updated') await gh.rest.issues.update({ owner: repo.owner, repo: repo.repo, issue_number: shown.number, state: 'open' });
  return shown;
}

/**
 * The config is valid again. With `dashboard: false` (and no rebuild status issue to keep), the
 * issue opened only for the config's problems says so and closes; the separate issue earlier
 * versions opened is closed too.
 */
export async function clearConfigProblems(deps: StatusDeps, gh: GitHub, repo: RepoRef, memory: RepoMemory, config: RepoConfig): Promise<void> {
  await closeEarlierIssue(gh, repo, memory);
  const snapshot = await loadSnapshot(deps.redis, repo.repoId);
  if (!snapshot?.invalidConfig || config.dashboard || repoProcess(config) !== 'pinned') return;
  const issue = await statusIssuePort(gh, repo, deps.redis).findByMarker(STATUS_MARKER);
  await saveSnapshot(deps.redis, repo.repoId, { ...snapshot, invalidConfig: false });
  if (!issue) return;
  await closeWith(gh, repo, issue.number, `\`${CONFIG_PATH}\` is valid again and says \`dashboard: false\`, so this issue is no longer updated.`);
}

async function closeWith(gh: GitHub, repo: RepoRef, issueNumber: number, comment: string): Promise<void> {
  await gh.rest.issues.createComment({ owner: repo.owner, repo: repo.repo, issue_number: issueNumber, body: comment });
  await gh.rest.issues.update({ owner: repo.owner, repo: repo.repo, issue_number: issueNumber, state: 'closed' });
}

/** Before the dashboard carried them, config problems had an issue of their own ("Freshen cannot read its configuration"). */
async function closeEarlierIssue(gh: GitHub, repo: RepoRef, memory: RepoMemory): Promise<void> {
  const number = await memory.statusIssue();
  if (number === null) return;
  const { data } = await gh.rest.issues.get({ owner: repo.owner, repo: repo.repo, issue_number: number }).catch(() => ({ data: null }));
  if (data?.state === 'open') await closeWith(gh, repo, number, 'The configuration is valid; its problems are now shown on the dashboard issue when there are any.');
  await memory.clearStatusIssue();
}
