// A Freshen PR closed without merging: remember its exact targets so they are not proposed again.
import type { Redis } from 'ioredis';
import { readBranch, deleteBranch } from '../github/git-writer.js';
import type { GitHub, RepoRef } from '../github/types.js';
import { parseMarker } from '../render/pr.js';
import type { Logger } from '../types.js';
import type { PrClosedJobData } from './job-data.js';
import { RepoMemory } from '../github/repo-memory.js';

export async function recordDeclinedPr(
  deps: { github: (installationId: number) => Promise<GitHub>; redis: Redis; log: Logger },
  data: PrClosedJobData,
): Promise<{ declined: number }> {
  const memory = new RepoMemory(deps.redis, data.repoId);
  if (await memory.hasNotice(`closed-by-freshen:${data.prNumber}`)) return { declined: 0 };
  const marker = parseMarker(data.body);
  if (!marker) return { declined: 0 };
  await memory.decline(marker.updates);
  // Tidy up: the branch goes too, but only while it holds nothing but Freshen's commit.
  const repo: RepoRef = { installationId: data.installationId, repoId: data.repoId, owner: data.owner, repo: data.repo };
  const gh = await deps.github(data.installationId);
  const branch = await readBranch(gh, repo, data.branch);
  if (branch && (await memory.isOwnCommit(branch.sha))) await deleteBranch(gh, repo, data.branch);
  deps.log.info({ pr: data.prNumber, declined: marker.updates.length }, 'PR closed unmerged: its targets will not be proposed again');
  return { declined: marker.updates.length };
}
