// The `issues.edited` handler: a ticked dashboard box queues the scan that opens that PR now.
import type { Redis } from 'ioredis';
import type { Context } from 'probot';
import { refusalText } from '../commands/permission.js';
import { enqueueRepoScan, type FreshenQueue } from '../queue/jobs.js';
import { DashboardRequests } from './issue.js';
import { handleDashboardEdit, type DashboardEditOutcome } from './ticks.js';

export type IssueEditedHandler = (context: Context<'issues.edited'>) => Promise<DashboardEditOutcome | void>;

export function dashboardEditHandler(deps: { queue: FreshenQueue; redis: Redis; appSlug?: string }): IssueEditedHandler {
  return async (context) => {
    const { payload } = context;
    const installationId = payload.installation?.id;
    if (!installationId || !payload.issue.user) return;
    const repo = context.repo();
    const outcome = await handleDashboardEdit(
      {
        body: payload.issue.body ?? '',
        previousBody: payload.changes?.body?.from,
        author: { login: payload.issue.user.login, type: payload.issue.user.type ?? 'User' },
        appSlug: deps.appSlug,
        editor: { login: payload.sender.login, type: payload.sender.type },
      },
      {
        permission: async (login) => (await context.octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login })).data,
        enqueue: async (keys) => {
          await new DashboardRequests(deps.redis).add(payload.repository.id, keys);
          await enqueueRepoScan(deps.queue, { installationId, repoId: payload.repository.id, owner: repo.owner, repo: repo.repo, reason: 'dashboard: open now' });
        },
      },
    );
    if (outcome.action === 'refused') {
      await context.octokit.rest.issues.createComment({ ...repo, issue_number: payload.issue.number, body: refusalText(outcome.login, outcome.role) });
    }
    return outcome;
  };
}
