import { afterAll, describe, expect, it } from 'vitest';
import { RebuildLedger, type DispatchRecord } from '../../src/rebuild/ledger.js';
import { closeAll, connect, repo, uniquePrefix } from './helpers.js';

afterAll(closeAll);

const IMAGE = 'docker.io/library/python:3.13-slim';
const OLD = `sha256:${'a'.repeat(64)}`;
const NEW = `sha256:${'b'.repeat(64)}`;

function dispatch(id: string, digest: string, at: string): DispatchRecord {
  return {
    id, at, trigger: 'workflow_dispatch', target: 'build.yml', ref: 'main',
    images: { [IMAGE]: digest }, reason: 'test', forced: false, result: 'pending',
  };
}

describe('RebuildLedger', () => {
  it('survives a new Redis connection (a worker restart)', async () => {
    const prefix = uniquePrefix();
    await new RebuildLedger(connect(), { prefix }).recordBaseline(repo.id, IMAGE, OLD, new Date('2026-01-01T00:00:00Z'));
    await new RebuildLedger(connect(), { prefix }).recordDispatch(repo.id, dispatch('d1', NEW, '2026-01-02T00:00:00.000Z'));

    const fresh = new RebuildLedger(connect(), { prefix });
    expect((await fresh.built(repo.id)).get(IMAGE)).toEqual({ digest: OLD, at: '2026-01-01T00:00:00.000Z', baseline: true });
    expect((await fresh.dispatches(repo.id)).map((d) => d.id)).toEqual(['d1']);
  });

  it('keeps repositories and prefixes apart', async () => {
    const prefix = uniquePrefix();
    const ledger = new RebuildLedger(connect(), { prefix });
    await ledger.recordBaseline(repo.id, IMAGE, OLD, new Date());
    expect((await ledger.built(repo.id + 1)).size).toBe(0);
    expect((await new RebuildLedger(connect(), { prefix: uniquePrefix() }).built(repo.id)).size).toBe(0);
  });

  it('never overwrites a digest with a baseline', async () => {
    const ledger = new RebuildLedger(connect(), { prefix: uniquePrefix() });
    expect(await ledger.recordBaseline(repo.id, IMAGE, OLD, new Date())).toBe(true);
    expect(await ledger.recordBaseline(repo.id, IMAGE, NEW, new Date())).toBe(false);
    expect((await ledger.built(repo.id)).get(IMAGE)?.digest).toBe(OLD);
  });

  it('moves the built digest only when the run succeeds', async () => {
    const ledger = new RebuildLedger(connect(), { prefix: uniquePrefix() });
    await ledger.recordBaseline(repo.id, IMAGE, OLD, new Date('2026-01-01T00:00:00Z'));
    await ledger.recordDispatch(repo.id, dispatch('d1', NEW, '2026-01-02T00:00:00.000Z'));
    expect((await ledger.built(repo.id)).get(IMAGE)?.digest).toBe(OLD);

    const failed = await ledger.completeDispatch(repo.id, 'd1', { conclusion: 'failure', runId: 77, at: new Date() });
    expect(failed?.result).toBe('failure');
    expect((await ledger.built(repo.id)).get(IMAGE)?.digest).toBe(OLD);

    // The same run re-run by hand and green this time.
    const rerun = await ledger.completeDispatch(repo.id, 'd1', { conclusion: 'success', runId: 77, at: new Date() });
    expect(rerun?.result).toBe('success');
    expect((await ledger.built(repo.id)).get(IMAGE)).toEqual({ digest: NEW, at: '2026-01-02T00:00:00.000Z', baseline: false });
  });

  it('does not go back when an older run finishes after a newer one', async () => {
    const ledger = new RebuildLedger(connect(), { prefix: uniquePrefix() });
    await ledger.recordDispatch(repo.id, dispatch('old', OLD, '2026-01-01T00:00:00.000Z'));
    await ledger.recordDispatch(repo.id, dispatch('new', NEW, '2026-01-02T00:00:00.000Z'));
    await ledger.completeDispatch(repo.id, 'new', { conclusion: 'success', at: new Date() });
    await ledger.completeDispatch(repo.id, 'old', { conclusion: 'success', at: new Date() });
    expect((await ledger.built(repo.id)).get(IMAGE)?.digest).toBe(NEW);
  });

  it('ignores a second completion of the same run', async () => {
    const ledger = new RebuildLedger(connect(), { prefix: uniquePrefix() });
    await ledger.recordDispatch(repo.id, dispatch('d1', NEW, '2026-01-02T00:00:00.000Z'));
    await ledger.completeDispatch(repo.id, 'd1', { conclusion: 'success', runId: 5, at: new Date() });
    const again = await ledger.completeDispatch(repo.id, 'd1', { conclusion: 'failure', runId: 5, at: new Date() });
    expect(again?.result).toBe('success');
  });

  it('keeps a refused dispatch for the status until the next accepted one', async () => {
    const ledger = new RebuildLedger(connect(), { prefix: uniquePrefix() });
    await ledger.recordDispatchError(repo.id, { at: '2026-01-01T00:00:00.000Z', message: 'Workflow does not have workflow_dispatch trigger' });
    expect((await ledger.lastDispatchError(repo.id))?.message).toMatch(/workflow_dispatch/);
    await ledger.recordDispatch(repo.id, dispatch('d1', NEW, '2026-01-02T00:00:00.000Z'));
    expect(await ledger.lastDispatchError(repo.id)).toBeNull();
  });
});
