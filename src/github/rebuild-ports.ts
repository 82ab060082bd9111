// The rebuild process's and the comment commands' ports, implemented with Octokit.
import type { Redis } from 'ioredis';
import type { CollaboratorPermission } from '../commands/permission.js';
import type { PullRequestInfo, Reaction } from '../commands/handle.js';
import type { DispatchPort } from '../rebuild/dispatch.js';
import type { RequesterPort } from '../rebuild/run.js';
import type { StatusIssuePort } from '../rebuild/status-issue.js';
import { withoutUserInfoIn } from '../http/url.js';
import type { GitHub, RepoRef } from './types.js';

export function dispatchPort(gh: GitHub): DispatchPort {
  return {
    async createWorkflowDispatch(repo, workflow, ref, inputs) {
      await gh.rest.actions.createWorkflowDispatch({ owner: repo.owner, repo: repo.name, workflow_id: workflow, ref, inputs });
    },
    async createRepositoryDispatch(repo, eventType, clientPayload) {
      await gh.rest.repos.createDispatchEvent({ owner: repo.owner, repo: repo.name, event_type: eventType, client_payload: clientPayload });
    },
  };
}

/** The one writer of Freshen's comments; replies quote errors, so no URL's credentials go with them. */
export async function replyOn(gh: GitHub, repo: RepoRef, issueNumber: number, body: string): Promise<void> {
  await gh.rest.issues.createComment({ owner: repo.owner, repo: repo.repo, issue_number: issueNumber, body: withoutUserInfoIn(body) });
}

export async function reactTo(gh: GitHub, repo: RepoRef, commentId: number, content: Reaction): Promise<void> {
  await gh.rest.reactions.createForIssueComment({ owner: repo.owner, repo: repo.repo, comment_id: commentId, content });
}

export function requesterPort(gh: GitHub, repo: RepoRef): RequesterPort {
  return {
    reply: (issueNumber, body) => replyOn(gh, repo, issueNumber, body),
    react: (commentId, content) => reactTo(gh, repo, commentId, content),
  };
}

/** GitHub's answer now: `permission` (legacy values) and `role_name` (maintain, custom roles). */
export async function collaboratorPermission(gh: GitHub, repo: RepoRef, login: string): Promise<CollaboratorPermission> {
  const { data } = await gh.rest.repos.getCollaboratorPermissionLevel({ owner: repo.owner, repo: repo.repo, username: login });
  return { permission: data.permission, role_name: (data as { role_name?: string | null }).role_name ?? null };
}

export async function pullRequestInfo(gh: GitHub, repo: RepoRef, number: number): Promise<PullRequestInfo | null> {
  try {
    const { data } = await gh.rest.pulls.get({ owner: repo.owner, repo: repo.repo, pull_number: number });
    return { number: data.number, headRef: data.head.ref, body: data.body };
  } catch (err) {
    if ((err as { status?: number }).status === 404) return null;
    throw err;
  }
}

const statusIssueKey = (repoId: number) => `mem:rebuild-status-issue:${repoId}`;

/**
 * The status issue through Octokit. Its number is remembered in Redis; when unknown (or the issue
 * lost its marker) the app's own issues, in any state, are searched for the marker.
 */
export function statusIssuePort(gh: GitHub, repo: RepoRef, redis: Redis): StatusIssuePort {
  const owner = repo.owner;
  const name = repo.repo;
  return {
    async findByMarker(marker) {
      const remembered = await redis.get(statusIssueKey(repo.repoId));
      if (remembered !== null) {
        const found = await gh.rest.issues.get({ owner, repo: name, issue_number: Number(remembered) }).catch(() => null);
        if (found && (found.data.body ?? '').includes(marker)) return { number: found.data.number, body: found.data.body ?? '' };
      }
      const issues = await gh.paginate(gh.rest.issues.listForRepo, { owner, repo: name, state: 'all', per_page: 100 });
      const ours = issues
        .filter((i) => !i.pull_request && i.user?.type === 'Bot' && (i.body ?? '').includes(marker))
        .sort((a, b) => a.number - b.number)[0];
      if (!ours) return null;
      await redis.set(statusIssueKey(repo.repoId), String(ours.number));
      return { number: ours.number, body: ours.body ?? '' };
    },
    async create(title, body) {
      const { data } = await gh.rest.issues.create({ owner, repo: name, title, body });
      await redis.set(statusIssueKey(repo.repoId), String(data.number));
      return { number: data.number };
    },
    async update(issueNumber, body) {
      await gh.rest.issues.update({ owner, repo: name, issue_number: issueNumber, body });
    },
  };
}
