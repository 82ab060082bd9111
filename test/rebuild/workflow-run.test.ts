import { afterAll, describe, expect, it } from 'vitest';
import { RebuildLedger, type DispatchRecord } from '../../src/rebuild/ledger.js';
import { onWorkflowRunCompleted } from '../../src/rebuild/workflow-run.js';
import { closeAll, connect, repo, uniquePrefix } from './helpers.js';

afterAll(closeAll);

const IMAGE = 'docker.io/library/python:3.13-slim';
const OLD = `sha256:${'1'.repeat(64)}`;
const NEW = `sha256:${'2'.repeat(64)}`;
const DISPATCHED_AT = '2026-05-01T02:00:00.000Z';

async function ledgerWithDispatch(overrides: Partial<DispatchRecord> = {}) {
  const ledger = new RebuildLedger(connect(), { prefix: uniquePrefix() });
  await ledger.recordBaseline(repo.id, IMAGE, OLD, new Date('2026-04-01T00:00:00Z'));
  await ledger.recordDispatch(repo.id, {
    id: 'abc123', at: DISPATCHED_AT, trigger: 'workflow_dispatch', target: 'build.yml', ref: 'main',
    images: { [IMAGE]: NEW }, reason: 'Freshen: base image changed [freshen:abc123]', forced: false, result: 'pending',
    ...overrides,
  });
  return ledger;
}

function event(run: Record<string, unknown>, action = 'completed') {
  return {
    action,
    repository: { id: repo.id, name: repo.name, owner: { login: repo.owner } },
    workflow_run: {
      id: 31, event: 'workflow_dispatch', path: '.github/workflows/build.yml', display_title: 'Build',
      conclusion: 'success', html_url: 'https://github.example/acme/app/actions/runs/31',
      created_at: '2026-05-01T02:00:05Z', updated_at: '2026-05-01T02:10:00Z', triggering_actor: { login: 'freshen[bot]' },
      ...run,
    },
  };
}

const built = async (ledger: RebuildLedger) => (await ledger.built(repo.id)).get(IMAGE)?.digest;

describe('onWorkflowRunCompleted', () => {
  it('recognises its run by the token in the title and advances the ledger on success', async () => {
    const ledger = await ledgerWithDispatch();
    const outcome = await onWorkflowRunCompleted(event({ display_title: 'Freshen: base image changed [freshen:abc123]', triggering_actor: { login: 'someone' } }), { ledger });
    expect(outcome.dispatch).toMatchObject({ id: 'abc123', result: 'success', runId: 31, runUrl: 'https://github.example/acme/app/actions/runs/31' });
    expect(await built(ledger)).toBe(NEW);
  });

  it('without the token: same workflow, started by the app, after the dispatch', async () => {
    const ledger = await ledgerWithDispatch();
    const outcome = await onWorkflowRunCompleted(event({ conclusion: 'failure' }), { ledger, appLogin: 'freshen[bot]' });
    expect(outcome.dispatch?.result).toBe('failure');
    expect(outcome.dispatch?.conclusion).toBe('failure');
    expect(await built(ledger)).toBe(OLD);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a run started by a person', { triggering_actor: { login: 'alice' } }, 'no Freshen dispatch'],
    ['another workflow', { path: '.github/workflows/lint.yml' }, 'no Freshen dispatch'],
    ['a run older than the dispatch', { created_at: '2026-05-01T01:00:00Z' }, 'no Freshen dispatch'],
    ['a push build', { event: 'push' }, 'triggered by push'],
  ])('leaves the ledger alone for %s', async (_name, run, reason) => {
    const ledger = await ledgerWithDispatch();
    const outcome = await onWorkflowRunCompleted(event(run), { ledger, appLogin: 'freshen[bot]' });
    expect(outcome.dispatch).toBeNull();
    expect(outcome.skipped).toContain(reason);
    expect(await built(ledger)).toBe(OLD);
    expect((await ledger.dispatch(repo.id, 'abc123'))?.result).toBe('pending');
  });

  it('ignores runs that are not completed yet', async () => {
    const ledger = await ledgerWithDispatch();
    expect((await onWorkflowRunCompleted(event({}, 'in_progress'), { ledger })).skipped).toBe('action in_progress');
  });

  it('follows repository_dispatch runs too', async () => {
    const ledger = await ledgerWithDispatch({ trigger: 'repository_dispatch', target: 'freshen-rebuild' });
    const outcome = await onWorkflowRunCompleted(event({ event: 'repository_dispatch', path: '.github/workflows/anything.yml' }), { ledger });
    expect(outcome.dispatch?.result).toBe('success');
  });

  it('rejects a payload that is not a workflow_run', async () => {
    const ledger = await ledgerWithDispatch();
    expect((await onWorkflowRunCompleted({ action: 'completed' }, { ledger })).skipped).toMatch(/not a workflow_run/);
  });
});
