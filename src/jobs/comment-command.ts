// The `comment-command` job: carries out commands the webhook handler acknowledged and allowed, then replies.
import { runCommands, type CommandOutcome, type RunPorts } from '../commands/handle.js';
import { durationMs, defaultRebuildSettings } from '../rebuild/types.js';
import { formatConfigProblem, repoProcess } from '../config/repo-config.js';
import { loadRepoConfig } from '../github/repo-config-loader.js';
import { pullRequestInfo, reactTo, replyOn } from '../github/rebuild-ports.js';
import type { GitHub, RepoRef } from '../github/types.js';
import type { Logger } from '../types.js';
import type { CommentCommandJobData, JobQueue, RepoJobData } from './job-data.js';
import { RepoMemory } from '../github/repo-memory.js';
import { buildRepoStatus, rebuildStores, refreshStatusIssue, type StatusDeps } from './repo-status.js';
import type { Redis } from 'ioredis';

export interface CommentJobDeps extends StatusDeps {
  github: (installationId: number) => Promise<GitHub>;
  redis: Redis;
  queue: JobQueue;
  log: Logger;
}

export async function runCommentCommands(deps: CommentJobDeps, data: CommentCommandJobData): Promise<CommandOutcome[]> {
  const repo: RepoRef = { installationId: data.installationId, repoId: data.repoId, owner: data.owner, repo: data.repo };
  const gh = await deps.github(data.installationId);
  const loaded = await loadRepoConfig(gh, repo);
  if (!loaded.ok) {
    const where = loaded.problems.map((p) => formatConfigProblem(p)).join('; ');
    await replyOn(gh, repo, data.issueNumber, `Freshen cannot act on this: its configuration is invalid (${where}).`);
    await reactTo(gh, repo, data.commentId, 'confused');
    return [];
  }
  const config = loaded.config;
  const { gate, ignores } = rebuildStores(deps.redis);
  const jobData: RepoJobData = { installationId: data.installationId, repoId: data.repoId, owner: data.owner, repo: data.repo, reason: 'command' };
  const ports: RunPorts = {
    react: (content) => reactTo(gh, repo, data.commentId, content),
    reply: (body) => replyOn(gh, repo, data.issueNumber, body),
    getPullRequest: () => pullRequestInfo(gh, repo, data.issueNumber),
    enqueueRebuild: () => deps.queue.enqueueRebuild(jobData),
    enqueueScan: () => deps.queue.enqueueRepoScan(jobData),
    async regeneratePr(prNumber) {
      await new RepoMemory(deps.redis, data.repoId).requestRegenerate(prNumber);
      await deps.queue.enqueueRepoScan(jobData);
    },
    getStatus: () => buildRepoStatus(deps, repo),
    statusChanged: async () => {
      await refreshStatusIssue(deps, gh, repo);
    },
  };
  return runCommands(data.commands, {
    repo: { id: data.repoId, owner: data.owner, name: data.repo },
    issueNumber: data.issueNumber,
    isPullRequest: data.isPullRequest,
    commentId: data.commentId,
    author: data.author,
    repoProcess: repoProcess(config),
    cooldownMs: durationMs((config.rebuild ?? defaultRebuildSettings).cooldown),
    gate,
    ignoreStore: ignores,
    ports,
  });
}
