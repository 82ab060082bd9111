// The `issues.edited` handler: a ticked dashboard box queues the scan that opens that PR now.
import type { Redis } from 'ioredis';
import type { Context } from 'probot';
import { refusalText } from '../commands/permission.js';
import { RefusalReplies } from '../commands/refusal-replies.js';
import { enqueueRepoScan, type FreshenQueue } from '../queue/jobs.js';
import { DashboardRequests } from '../dashboard/issue.js';
import { handleDashboardEdit, type DashboardEditOutcome } from '../dashboard/ticks.js';

export type IssueEditedHandler = (context: Context<'issues.edited'>) => Promise<DashboardEditOutcome | void>;

/** The app's slug, asked once (the dashboard is the issue its bot wrote; another app's issue is not). */
export type AppSlugSource = () => Promise<string>;

export function dashboardEditHandler(deps: { queue: FreshenQueue; redis: Redis; appSlug: AppSlugSource }): IssueEditedHandler {
  const refusals = new RefusalReplies(deps.redis);
  return async (context) => {
    const { payload } = context;
    const installationId = payload.installation?.id;
    if (!installationId || !payload.issue.user) return;
    if (payload.issue.user.type !== 'Bot') return;
    const appSlug = await deps.appSlug();
    const repo = context.repo();
    const outcome = await handleDashboardEdit(
      {
        body: payload.issue.body ?? '',
        previousBody: payload.changes?.body?.from,
        author: { login: payload.issue.user.login, type: payload.issue.user.type ?? 'User' },
        appSlug,
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
    // Told once an hour per person, like a refused command: edits cannot make Freshen write without end.
    if (outcome.action === 'refused' && (await refusals.first(payload.repository.id, outcome.login))) {
      await context.octokit.rest.issues.createComment({ ...repo, issue_number: payload.issue.number, body: refusalText(outcome.login, outcome.role) });
    }
    return outcome;
  };
}
