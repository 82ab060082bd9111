// Writes reserved up front: sent as planned without asking Redis again, traded for a fresh slot when late, given back when unused.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { paceGitHub, releaseUnusedWrites, RequestBudget, reserveWrites, type BudgetSettings } from '../../src/budget/index.js';
import { lateWriteToleranceMs } from '../../src/budget/github.js';
import type { GitHub } from '../../src/github/types.js';
import { simHandlers } from '../support/github-sim/index.js';
import { signedSim, simProbot } from '../support/github-sim/testing.js';

const server = setupServer();
const connections: Redis[] = [];
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => {
  server.close();
  connections.forEach((c) => c.disconnect());
});

// A minute lasts 30 seconds here, so a write may be 750 ms late and still count as planned (a loaded
// machine easily takes 125 ms between two writes): 3 writes a "minute", at most 100 an "hour".
const settings: BudgetSettings = { writesPerMinute: 3, writesPerHour: 100, timeScale: 2, maxInlineWaitMs: 10_000, registryWindows: {} };
const windows = [{ windowMs: 30_000, limit: 3 }, { windowMs: 1_800_000, limit: 100 }];

async function world() {
  const sim = signedSim();
  server.resetHandlers(...simHandlers(sim));
  const inst = sim.createInstallation({ account: 'acme' });
  sim.createRepo({ owner: 'acme', name: 'web', installationId: inst.id, files: { a: 'a\n' } });
  const issue = sim.openIssue('acme', 'web', { user: 'dev', title: 'T' });
  const redis = new Redis(inject('redisUrl'), { keyPrefix: `pace${randomBytes(4).toString('hex')}:` });
  connections.push(redis);
  const budget = new RequestBudget(redis);
  const gh = paceGitHub((await simProbot(sim).auth(inst.id)) as GitHub, inst.id, budget, settings);
  const ledger = async () => {
    const raw = ((await redis.call('ZRANGE', `budget:gh-writes:${inst.id}:ledger`, '0', '-1', 'WITHSCORES')) as unknown[]).flat().map(String);
    return raw.flatMap((v, i) => (i % 2 === 0 ? [{ id: v, at: Number(raw[i + 1]) }] : []));
  };
  const write = (body: string) => gh.rest.issues.createComment({ owner: 'acme', repo: 'web', issue_number: Number(issue.number), body });
  return { sim, gh, budget, inst, ledger, write };
}

it('sends writes reserved up front as planned: the ledger holds them once, and the window is then full', async () => {
  const { gh, budget, inst, ledger, write } = await world();
  const slots = await reserveWrites(gh, budget, inst.id, settings, 3);
  expect(slots.granted).toBe(true);
  for (const n of [1, 2, 3]) await write(`comment ${n}`);
  const held = await ledger();
  expect(held.map((e) => e.id).sort()).toEqual([...slots.ids].sort());
  // A fourth write was not reserved: it would wait for the first to leave the window.
  expect(await budget.peek(`gh-writes:${inst.id}`, windows)).toBeGreaterThan(25_000);
});

it('trades a reserved slot for a fresh one when the write goes out too late to count where it was planned', async () => {
  const { gh, budget, inst, ledger, write } = await world();
  const slots = await reserveWrites(gh, budget, inst.id, settings, 1);
  const planned = (await ledger())[0]!;
  await new Promise((r) => setTimeout(r, lateWriteToleranceMs(settings) + 50));
  const sentAfter = Date.now();
  await write('late');
  const entries = await ledger();
  expect(entries).toHaveLength(1);
  expect(entries[0]!.id).not.toBe(slots.ids[0]);
  expect(entries[0]!.at).toBeGreaterThan(planned.at);
  expect(entries[0]!.at).toBeGreaterThanOrEqual(sentAfter - 50);
});

it('gives back slots a job reserved but did not use', async () => {
  const { gh, budget, inst, ledger, write } = await world();
  await reserveWrites(gh, budget, inst.id, settings, 3);
  await write('only one');
  await releaseUnusedWrites(gh, budget, inst.id);
  expect(await ledger()).toHaveLength(1);
});

