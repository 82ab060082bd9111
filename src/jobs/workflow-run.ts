// The `workflow-run` job: a build Freshen dispatched finished; the ledger follows and the status issue shows it.
import type { GitHub, RepoRef } from '../github/types.js';
import { onWorkflowRunCompleted, type WorkflowRunOutcome } from '../rebuild/workflow-run.js';
import type { Logger } from '../types.js';
import type { WorkflowRunJobData } from './job-data.js';
import { rebuildStores, refreshStatusIssue, type StatusDeps } from './repo-status.js';

export interface WorkflowRunJobDeps extends StatusDeps {
  github: (installationId: number) => Promise<GitHub>;
  log: Logger;
  /** The app's bot login (`freshen[bot]`), when known: runs started by others are never Freshen's. */
  appLogin?: string;
}

export async function recordWorkflowRun(deps: WorkflowRunJobDeps, data: WorkflowRunJobData): Promise<WorkflowRunOutcome> {
  const outcome = await onWorkflowRunCompleted(data.payload, {
    ledger: rebuildStores(deps.redis).ledger,
    ...(deps.appLogin ? { appLogin: deps.appLogin } : {}),
  });
  if (outcome.dispatch === null || outcome.repo === null) {
    deps.log.debug({ skipped: outcome.skipped }, 'workflow_run not recorded');
    return outcome;
  }
  deps.log.info({ dispatch: outcome.dispatch.id, result: outcome.dispatch.result }, 'rebuild finished');
  const repo: RepoRef = { installationId: data.installationId, repoId: outcome.repo.id, owner: outcome.repo.owner, repo: outcome.repo.name };
  await refreshStatusIssue(deps, await deps.github(data.installationId), repo);
  return outcome;
}
