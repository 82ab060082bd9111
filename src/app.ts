// The Probot app: webhooks validated and turned into queue jobs; nothing slow happens here.
import type { Redis } from 'ioredis';
import type { Context, Probot } from 'probot';
import { managedPath } from './engine/index.js';
import { groupFromBranch } from './config/groups.js';
import { CONFIG_PATH } from './config/repo-config.js';
import { commentCommandHandler } from './webhooks/comment-commands.js';
import { dashboardEditHandler, type IssueEditedHandler } from './webhooks/dashboard-edits.js';
import { enqueuePrClosed, enqueueRepoScan, enqueueWorkflowRun, type FreshenQueue } from './queue/jobs.js';
import { removeAllSchedules, upsertInstallationSchedule } from './queue/schedule.js';

/** Comment commands (`/rebuild`, `/freshen ...`); the default acknowledges, checks permission and queues them. */
export type CommentHandler = (context: Context<'issue_comment.created'>) => Promise<void>;

export interface AppDeps {
  queue: FreshenQueue;
  redis: Redis;
  onComment?: CommentHandler;
  /** Dashboard edits (ticked boxes); the default checks permission and queues the scan. */
  onIssueEdited?: IssueEditedHandler;
}

interface RepoItem {
  id: number;
  name: string;
  full_name: string;
}

/** The app's slug from GET /app, asked on first need and kept; a failed ask is asked again next time. */
function appSlugOf(app: Probot): () => Promise<string> {
  let slug: Promise<string> | undefined;
  return () => {
    slug ??= app.auth().then(async (octokit) => {
      const { data } = await octokit.rest.apps.getAuthenticated();
      if (!data?.slug) throw new Error('GET /app answered without a slug');
      return data.slug;
    });
    return slug.catch((err: unknown) => {
      slug = undefined;
      throw err;
    });
  };
}

/** GitHub caps the commits listed in a push payload; beyond it the file lists are incomplete. */
const PUSH_PAYLOAD_COMMIT_CAP = 20;

export function freshenApp(deps: AppDeps) {
  const onComment = deps.onComment ?? commentCommandHandler(deps.queue, deps.redis);
  return (app: Probot): void => {
    const onIssueEdited = deps.onIssueEdited ?? dashboardEditHandler({ queue: deps.queue, redis: deps.redis, appSlug: appSlugOf(app) });
    app.on('installation.created', async (context) => {
      const installationId = context.payload.installation.id;
      await upsertInstallationSchedule(deps.queue, installationId);
      await enqueueRepos(deps.queue, installationId, context.payload.repositories ?? [], 'installed');
    });

    app.on('installation_repositories.added', async (context) => {
      const installationId = context.payload.installation.id;
      await upsertInstallationSchedule(deps.queue, installationId);
      await enqueueRepos(deps.queue, installationId, context.payload.repositories_added, 'repository added');
    });

    app.on('installation.deleted', async (context) => {
      await removeAllSchedules(deps.queue, deps.redis, context.payload.installation.id);
    });

    app.on('push', async (context) => {
      const { payload } = context;
      const installationId = payload.installation?.id;
      if (!installationId || payload.deleted) return;
      if (payload.ref !== `refs/heads/${payload.repository.default_branch}`) return;
      if (!pushTouchesManagedFile(payload.commits)) return;
      await enqueueRepoScan(deps.queue, {
        installationId,
        repoId: payload.repository.id,
        owner: payload.repository.owner?.login ?? payload.repository.full_name.split('/')[0]!,
        repo: payload.repository.name,
        reason: 'push',
      });
    });

    app.on('pull_request.closed', async (context) => {
      const { payload } = context;
      const pr = payload.pull_request;
      const installationId = payload.installation?.id;
      if (!installationId || pr.merged || !groupFromBranch(pr.head.ref)) return;
      if (pr.head.repo?.id !== payload.repository.id) return;
      await enqueuePrClosed(deps.queue, {
        installationId,
        repoId: payload.repository.id,
        owner: payload.repository.owner.login,
        repo: payload.repository.name,
        prNumber: pr.number,
        branch: pr.head.ref,
        body: pr.body ?? '',
      });
    });

    // A box ticked on the dashboard issue: permission checked like commands, then the scan is queued.
    app.on('issues.edited', async (context) => {
      await onIssueEdited(context);
    });

    app.on('issue_comment.created', async (context) => {
      if (context.isBot) return;
      await onComment(context);
    });

    // A build Freshen may have dispatched finished: the job matches it to the ledger.
    app.on('workflow_run.completed', async (context) => {
      const { payload } = context;
      const run = payload.workflow_run;
      const installationId = payload.installation?.id;
      if (!installationId || (run.event !== 'workflow_dispatch' && run.event !== 'repository_dispatch')) return;
      const data = {
        action: payload.action,
        repository: { id: payload.repository.id, name: payload.repository.name, owner: { login: payload.repository.owner.login } },
        workflow_run: {
          id: run.id, event: run.event, path: run.path, display_title: run.display_title, conclusion: run.conclusion,
          html_url: run.html_url, created_at: run.created_at, updated_at: run.updated_at,
          actor: run.actor ? { login: run.actor.login } : null,
          triggering_actor: run.triggering_actor ? { login: run.triggering_actor.login } : null,
        },
      };
      await enqueueWorkflowRun(deps.queue, { installationId, payload: data }, { repoId: payload.repository.id, runId: run.id, attempt: run.run_attempt ?? 1 });
    });
  };
}

async function enqueueRepos(queue: FreshenQueue, installationId: number, repos: RepoItem[], reason: string): Promise<void> {
  for (const repo of repos) {
    const [owner, name] = repo.full_name.split('/');
    if (!owner || !name) continue;
    await enqueueRepoScan(queue, { installationId, repoId: repo.id, owner, repo: name, reason });
  }
}

interface PushCommit {
  added?: string[];
  modified?: string[];
  removed?: string[];
}

export function pushTouchesManagedFile(commits: PushCommit[] | undefined): boolean {
  if (!commits || commits.length === 0) return false;
  if (commits.length >= PUSH_PAYLOAD_COMMIT_CAP) return true;
  return commits.some((c) =>
    [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some((path) => path === CONFIG_PATH || managedPath(path)),
  );
}
