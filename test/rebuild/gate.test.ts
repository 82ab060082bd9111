import { afterAll, describe, expect, it } from 'vitest';
import { RebuildGate } from '../../src/rebuild/gate.js';
import { closeAll, connect, repo, uniquePrefix } from './helpers.js';

afterAll(closeAll);

const alice = { issueNumber: 1, commentId: 11, login: 'alice' };
const bob = { issueNumber: 2, commentId: 22, login: 'bob' };
const carol = { issueNumber: 3, commentId: 33, login: 'carol' };

describe('RebuildGate', () => {
  it('queues the first request and folds the next ones into it', async () => {
    const gate = new RebuildGate(connect(), { prefix: uniquePrefix() });
    expect(await gate.request(repo.id, { force: ['python'], checkChanged: false, requester: alice })).toEqual({ status: 'queued' });
    expect(await gate.request(repo.id, { force: ['node'], checkChanged: false, requester: bob })).toEqual({ status: 'coalesced' });
    expect(await gate.pending(repo.id)).toEqual({ force: ['node', 'python'], checkChanged: false, requesters: [alice, bob] });
  });

  it('a bare /rebuild widens the request to every image; a scheduled check adds change detection', async () => {
    const gate = new RebuildGate(connect(), { prefix: uniquePrefix() });
    await gate.request(repo.id, { force: ['python'], checkChanged: false });
    await gate.request(repo.id, { force: 'all', checkChanged: false });
    await gate.request(repo.id, { force: [], checkChanged: true });
    const pending = await gate.pending(repo.id);
    expect(pending.force).toBe('all');
    expect(pending.checkChanged).toBe(true);
  });

  it('is one slot per repository, seen from any connection', async () => {
    const prefix = uniquePrefix();
    await new RebuildGate(connect(), { prefix }).request(repo.id, { force: 'all', checkChanged: false });
    const other = new RebuildGate(connect(), { prefix });
    expect(await other.isBusy(repo.id)).toBe(true);
    expect(await other.isBusy(repo.id + 1)).toBe(false);
    expect((await other.request(repo.id + 1, { force: 'all', checkChanged: false })).status).toBe('queued');
  });

  it('frees the slot on finish and hands back requests that came too late', async () => {
    const gate = new RebuildGate(connect(), { prefix: uniquePrefix() });
    await gate.request(repo.id, { force: 'all', checkChanged: false, requester: alice });
    const taken = await gate.pending(repo.id);
    await gate.request(repo.id, { force: 'all', checkChanged: false, requester: bob });
    const late = await gate.finish(repo.id, taken, { dispatched: false, cooldownMs: 600_000 });
    expect(late).toEqual([bob]);
    expect(await gate.isBusy(repo.id)).toBe(false);
    expect(await gate.pending(repo.id)).toEqual({ force: [], checkChanged: false, requesters: [] });
  });

  it('refuses forced requests during the cooldown after a dispatch, not scheduled checks', async () => {
    const gate = new RebuildGate(connect(), { prefix: uniquePrefix() });
    const now = new Date('2026-03-01T10:00:00Z');
    await gate.request(repo.id, { force: 'all', checkChanged: false, requester: alice });
    await gate.finish(repo.id, await gate.pending(repo.id), { dispatched: true, cooldownMs: 600_000, now });

    const refused = await gate.request(repo.id, { force: 'all', checkChanged: false, requester: carol });
    expect(refused.status).toBe('cooldown');
    if (refused.status !== 'cooldown') return;
    expect(refused.lastDispatchAt).toBe(now.toISOString());
    expect(refused.retryAfterMs).toBeGreaterThan(590_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(600_000);
    expect((await gate.pending(repo.id)).requesters).toEqual([]);

    expect((await gate.request(repo.id, { force: [], checkChanged: true })).status).toBe('queued');
  });

  it('lets a forced request through once the cooldown has passed', async () => {
    const gate = new RebuildGate(connect(), { prefix: uniquePrefix() });
    await gate.request(repo.id, { force: 'all', checkChanged: false });
    // Long enough that the next request lands inside it on a loaded machine.
    await gate.finish(repo.id, await gate.pending(repo.id), { dispatched: true, cooldownMs: 1_500 });
    expect((await gate.request(repo.id, { force: 'all', checkChanged: false })).status).toBe('cooldown');
    await new Promise((r) => setTimeout(r, 1_600));
    expect((await gate.request(repo.id, { force: 'all', checkChanged: false })).status).toBe('queued');
  });

  it('no cooldown when nothing was dispatched', async () => {
    const gate = new RebuildGate(connect(), { prefix: uniquePrefix() });
    await gate.request(repo.id, { force: 'all', checkChanged: false });
    await gate.finish(repo.id, await gate.pending(repo.id), { dispatched: false, cooldownMs: 600_000 });
    expect((await gate.request(repo.id, { force: 'all', checkChanged: false })).status).toBe('queued');
  });

  it('a slot held by a crashed worker frees itself', async () => {
    const gate = new RebuildGate(connect(), { prefix: uniquePrefix(), slotTtlMs: 1_500 });
    await gate.request(repo.id, { force: 'all', checkChanged: false });
    expect((await gate.request(repo.id, { force: 'all', checkChanged: false })).status).toBe('coalesced');
    await new Promise((r) => setTimeout(r, 1_600));
    expect((await gate.request(repo.id, { force: 'all', checkChanged: false })).status).toBe('queued');
  });
});
