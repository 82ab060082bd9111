// A Freshen branch is moved only while it still points at Freshen's own commit: a human push in between is never overwritten.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCommit, pointBranch, readBranch } from '../../src/github/git-writer.js';
import type { GitHub, RepoRef } from '../../src/github/types.js';
import { simHandlers, type GitHubSim } from '../support/github-sim/index.js';
import { signedSim, simProbot } from '../support/github-sim/testing.js';

const server = setupServer();
let sim: GitHubSim;
let repo: RepoRef;
let gh: GitHub;

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());
beforeEach(async () => {
  sim = signedSim();
  server.resetHandlers(...simHandlers(sim));
  const installationId = sim.createInstallation({ account: 'acme' }).id;
  const created = sim.createRepo({ owner: 'acme', name: 'web', installationId, files: { Dockerfile: 'FROM node:20\n' } });
  repo = { installationId, repoId: created.id as number, owner: 'acme', repo: 'web' };
  gh = (await simProbot(sim).auth(installationId)) as unknown as GitHub;
});

async function freshenCommit(text: string): Promise<string> {
  const main = (await readBranch(gh, repo, 'main'))!;
  const commit = await createCommit(gh, repo, {
    parentSha: main.sha, baseTreeSha: main.treeSha, files: new Map([['Dockerfile', text]]), modes: new Map(), message: 'Update node',
  });
  return commit.sha;
}

describe('pointBranch', () => {
  it('does not move a branch someone pushed to after Freshen checked it', async () => {
    const first = await freshenCommit('FROM node:22\n');
    expect(await pointBranch(gh, repo, 'freshen/node', first, null)).toBe(true);
    const checked = (await readBranch(gh, repo, 'freshen/node'))!.sha;
    expect(checked).toBe(first);
    // A maintainer pushes a fix while Freshen prepares its regenerated commit.
    const human = sim.commit('acme', 'web', 'freshen/node', { 'NOTES.md': 'keep this\n' }, { author: 'maintainer' });
    const second = await freshenCommit('FROM node:24\n');
    expect(await pointBranch(gh, repo, 'freshen/node', second, checked)).toBe(false);
    expect(sim.branches('acme', 'web')['freshen/node']).toBe(human);
  });

  it('moves the branch when it still points at the commit Freshen checked', async () => {
    const first = await freshenCommit('FROM node:22\n');
    await pointBranch(gh, repo, 'freshen/node', first, null);
    const second = await freshenCommit('FROM node:24\n');
    expect(await pointBranch(gh, repo, 'freshen/node', second, first)).toBe(true);
    expect(sim.branches('acme', 'web')['freshen/node']).toBe(second);
  });

  it('never overwrites a branch that appeared after Freshen saw none', async () => {
    const human = sim.commit('acme', 'web', 'freshen/node', { 'NOTES.md': 'mine\n' }, { author: 'maintainer' });
    const mine = await freshenCommit('FROM node:22\n');
    await expect(pointBranch(gh, repo, 'freshen/node', mine, null)).rejects.toMatchObject({ status: 422 });
    expect(sim.branches('acme', 'web')['freshen/node']).toBe(human);
  });
});
