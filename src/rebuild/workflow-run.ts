// Follows the build Freshen dispatched: `workflow_run` completed → the ledger advances, or keeps the old digest.
import { z } from 'zod';
import { dispatchToken } from './dispatch.js';
import type { DispatchRecord, RebuildLedger } from './ledger.js';
import type { RepoRef } from './types.js';

const login = z.object({ login: z.string() }).nullish();

const workflowRunEvent = z.object({
  action: z.string(),
  repository: z.object({ id: z.number(), name: z.string(), owner: z.object({ login: z.string() }) }),
  workflow_run: z.object({
    id: z.number(),
    event: z.string(),
    path: z.string().nullish(),
    display_title: z.string().nullish(),
    conclusion: z.string().nullish(),
    html_url: z.string().nullish(),
    created_at: z.string(),
    updated_at: z.string().nullish(),
    actor: login,
    triggering_actor: login,
  }),
});

type WorkflowRun = z.infer<typeof workflowRunEvent>['workflow_run'];

export interface WorkflowRunOutcome {
  repo: RepoRef | null;
  /** The Freshen dispatch the run belongs to, as recorded after this event; null when it is not Freshen's. */
  dispatch: DispatchRecord | null;
  /** Why the event was not used. */
  skipped?: string;
}

export interface WorkflowRunDeps {
  ledger: RebuildLedger;
  /** The app's bot login (`freshen[bot]`): runs started by anyone else are not Freshen's. */
  appLogin?: string;
  /** How much earlier than the dispatch a run may claim to be created (clock skew). */
  skewMs?: number;
}

function actorOf(run: WorkflowRun): string | null {
  return run.triggering_actor?.login ?? run.actor?.login ?? null;
}

/** Without a token in the title: same kind of trigger, same workflow, started by the app, not before the dispatch. */
function looksLikeOurs(run: WorkflowRun, dispatch: DispatchRecord, deps: WorkflowRunDeps): boolean {
  if (dispatch.result !== 'pending' || run.event !== dispatch.trigger) return false;
  if (dispatch.trigger === 'workflow_dispatch' && (run.path ?? '').split('/').pop() !== dispatch.target) return false;
  const actor = actorOf(run);
  if (deps.appLogin ? actor !== deps.appLogin : !actor?.endsWith('[bot]')) return false;
  return Date.parse(run.created_at) >= Date.parse(dispatch.at) - (deps.skewMs ?? 60_000);
}

export function matchDispatch(run: WorkflowRun, dispatches: readonly DispatchRecord[], deps: WorkflowRunDeps): DispatchRecord | null {
  const byRun = dispatches.find((d) => d.runId === run.id);
  if (byRun) return byRun;
  const title = run.display_title ?? '';
  const byToken = dispatches.find((d) => title.includes(dispatchToken(d.id)));
  if (byToken) return byToken;
  // Newest first in the ledger; the oldest pending candidate is the one this run most likely answers.
  const candidates = dispatches.filter((d) => looksLikeOurs(run, d, deps));
  return candidates.at(-1) ?? null;
}

export async function onWorkflowRunCompleted(payload: unknown, deps: WorkflowRunDeps): Promise<WorkflowRunOutcome> {
  const parsed = workflowRunEvent.safeParse(payload);
  if (!parsed.success) return { repo: null, dispatch: null, skipped: `not a workflow_run payload: ${parsed.error.issues[0]?.message}` };
  const { repository, workflow_run: run, action } = parsed.data;
  const repo: RepoRef = { id: repository.id, owner: repository.owner.login, name: repository.name };
  if (action !== 'completed') return { repo, dispatch: null, skipped: `action ${action}` };
  if (run.event !== 'workflow_dispatch' && run.event !== 'repository_dispatch') {
    return { repo, dispatch: null, skipped: `run triggered by ${run.event}` };
  }
  const dispatch = matchDispatch(run, await deps.ledger.dispatches(repo.id), deps);
  if (dispatch === null) return { repo, dispatch: null, skipped: 'no Freshen dispatch matches this run' };
  const completed = await deps.ledger.completeDispatch(repo.id, dispatch.id, {
    conclusion: run.conclusion ?? 'unknown',
    runId: run.id,
    ...(run.html_url ? { runUrl: run.html_url } : {}),
    at: new Date(run.updated_at ?? Date.now()),
  });
  return { repo, dispatch: completed };
}
