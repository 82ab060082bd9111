// A new Freshen branch: two content-creating requests (ref, GraphQL commit) when GitHub allows, never over someone's push.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitOnNewBranch, type NewBranchInput } from '../../src/github/git-writer.js';
import type { GitHub, RepoRef } from '../../src/github/types.js';
import { GitHubSim, simHandlers, type GitHubSimOptions } from '../support/github-sim/index.js';
import { signedSim, simProbot } from '../support/github-sim/testing.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

async function world(files: Record<string, string>, options: GitHubSimOptions = {}) {
  const sim: GitHubSim = signedSim(options);
  server.resetHandlers(...simHandlers(sim));
  const installationId = sim.createInstallation({ account: 'acme' }).id;
  const created = sim.createRepo({ owner: 'acme', name: 'web', installationId, files });
  const gh = (await simProbot(sim).auth(installationId)) as GitHub;
  const repo: RepoRef = { installationId, repoId: Number(created.id), owner: 'acme', repo: 'web' };
  const base = sim.getCommit('acme', 'web', 'main')!;
  const remembered: string[] = [];
  const input = (changed: Record<string, string>, modes: Record<string, string> = {}): NewBranchInput => ({
    branch: 'freshen/images',
    baseSha: sim.branches('acme', 'web').main!,
    baseTreeSha: base.tree,
    files: new Map(Object.entries(changed)),
    modes: new Map(Object.entries(modes)),
    message: 'Pin images\n\nnode 20 → 22',
    remember: async (sha) => void remembered.push(sha),
    rememberEmptyBranch: async (sha) => void remembered.push(`empty@${sha}`),
  });
  return { sim, gh, repo, input, remembered };
}

const writes = (sim: GitHubSim) => sim.requests.filter((r) => r.contentCreating).map((r) => `${r.method} ${decodeURIComponent(r.path)}`);

describe('commitOnNewBranch', () => {
  it('creates the branch with one verified commit on the base in two content-creating requests', async () => {
    const { sim, gh, repo, input, remembered } = await world({ Dockerfile: 'FROM node:20\n', 'web/Dockerfile': 'FROM nginx:1\n', 'README.md': 'hi\n' });
    const mainSha = sim.branches('acme', 'web').main!;
    sim.clearRequests();
    expect(await commitOnNewBranch(gh, repo, input({ Dockerfile: 'FROM node:22@sha256:aa\n', 'web/Dockerfile': 'FROM nginx:1.27\n' }))).toBe(true);
    expect(writes(sim)).toEqual(['POST /repos/acme/web/git/refs', 'POST /graphql']);
    const head = sim.getCommit('acme', 'web', 'freshen/images')!;
    expect(head.parents).toEqual([mainSha]);
    expect(head.verified).toBe(true);
    expect(head.author.name).toBe('freshen[bot]');
    expect(head.message).toBe('Pin images\n\nnode 20 → 22');
    expect(sim.readFile('acme', 'web', 'freshen/images', 'Dockerfile')).toBe('FROM node:22@sha256:aa\n');
    expect(sim.readFile('acme', 'web', 'freshen/images', 'web/Dockerfile')).toBe('FROM nginx:1.27\n');
    expect(sim.readFile('acme', 'web', 'freshen/images', 'README.md')).toBe('hi\n');
    // The empty branch at the base, then the new commit: both Freshen's to move later.
    expect(remembered).toEqual([`empty@${mainSha}`, sim.branches('acme', 'web')['freshen/images']]);
    expect(sim.unhandled).toEqual([]);
  });

  it('keeps an executable file executable: that commit goes through the Git Data API', async () => {
    const { sim, gh, repo, input } = await world({ 'install.sh': '#!/bin/sh\napt-get install -y curl=7\n' });
    sim.clearRequests();
    expect(await commitOnNewBranch(gh, repo, input({ 'install.sh': '#!/bin/sh\napt-get install -y curl=8\n' }, { 'install.sh': '100755' }))).toBe(true);
    expect(writes(sim)).toEqual(['POST /repos/acme/web/git/trees', 'POST /repos/acme/web/git/commits', 'POST /repos/acme/web/git/refs']);
    const { data: tree } = await gh.rest.git.getTree({ owner: 'acme', repo: 'web', tree_sha: 'freshen/images' });
    expect(tree.tree.find((e) => e.path === 'install.sh')?.mode).toBe('100755');
  });

  it('falls back to the Git Data API where GraphQL has no createCommitOnBranch (older GitHub Enterprise)', async () => {
    const { sim, gh, repo, input } = await world({ Dockerfile: 'FROM node:20\n' }, { commitOnBranchMutation: false });
    sim.clearRequests();
    expect(await commitOnNewBranch(gh, repo, input({ Dockerfile: 'FROM node:22\n' }))).toBe(true);
    expect(writes(sim)).toEqual(['POST /repos/acme/web/git/refs', 'POST /graphql', 'POST /repos/acme/web/git/trees', 'POST /repos/acme/web/git/commits', 'PATCH /repos/acme/web/git/refs/heads/freshen/images']);
    expect(sim.readFile('acme', 'web', 'freshen/images', 'Dockerfile')).toBe('FROM node:22\n');
    expect(sim.getCommit('acme', 'web', 'freshen/images')!.parents).toEqual([sim.branches('acme', 'web').main]);
    // Known now: the next branch on this server goes straight to the Git Data API.
    sim.clearRequests();
    expect(await commitOnNewBranch(gh, repo, { ...input({ Dockerfile: 'FROM node:23\n' }), branch: 'freshen/other' })).toBe(true);
    expect(writes(sim)).toEqual(['POST /repos/acme/web/git/trees', 'POST /repos/acme/web/git/commits', 'POST /repos/acme/web/git/refs']);
  });

  it('adopts its commit when the answer was lost after GitHub made it (no retry, no stray branch)', async () => {
    const { sim, gh, repo, input, remembered } = await world({ Dockerfile: 'FROM node:20\n' });
    gh.hook.wrap('request', async (request, options) => {
      const response = await request(options);
      if (String(options.url).endsWith('/graphql')) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return response;
    });
    sim.clearRequests();
    expect(await commitOnNewBranch(gh, repo, input({ Dockerfile: 'FROM node:22\n' }))).toBe(true);
    const head = sim.branches('acme', 'web')['freshen/images']!;
    expect(sim.readFile('acme', 'web', 'freshen/images', 'Dockerfile')).toBe('FROM node:22\n');
    expect(remembered.at(-1)).toBe(head);
    expect(writes(sim)).toEqual(['POST /repos/acme/web/git/refs', 'POST /graphql']);
  });

  it('leaves a branch alone that someone created or pushed to meanwhile', async () => {
    const { sim, gh, repo, input } = await world({ Dockerfile: 'FROM node:20\n' });
    sim.commit('acme', 'web', 'freshen/images', { Dockerfile: 'FROM node:21\n' }, { author: 'dev' });
    expect(await commitOnNewBranch(gh, repo, input({ Dockerfile: 'FROM node:22\n' }))).toBe(false);
    expect(sim.readFile('acme', 'web', 'freshen/images', 'Dockerfile')).toBe('FROM node:21\n');

    // A push landing between the ref and the commit: GitHub's expectedHeadOid check refuses ours.
    const second = await world({ Dockerfile: 'FROM node:20\n' });
    second.gh.hook.after('request', (_response, options) => {
      if (options.method === 'POST' && String(options.url).endsWith('/git/refs')) {
        second.sim.commit('acme', 'web', 'freshen/images', { Dockerfile: 'FROM node:23\n' }, { author: 'dev' });
      }
    });
    expect(await commitOnNewBranch(second.gh, second.repo, second.input({ Dockerfile: 'FROM node:22\n' }))).toBe(false);
    expect(second.sim.readFile('acme', 'web', 'freshen/images', 'Dockerfile')).toBe('FROM node:23\n');
    expect(second.sim.getCommit('acme', 'web', 'freshen/images')!.author.name).toBe('dev');
  });

  it('refuses the commit without the workflows permission when it changes a workflow', async () => {
    const { sim, gh, repo, input } = await world({ '.github/workflows/ci.yml': 'jobs: {}\n' });
    const inst = [...sim.installations.values()][0]!;
    delete (inst.permissions as Record<string, string>).workflows;
    await expect(commitOnNewBranch(gh, repo, input({ '.github/workflows/ci.yml': 'jobs: { a: {} }\n' }))).rejects.toThrow(/workflows/);
    expect(sim.readFile('acme', 'web', 'main', '.github/workflows/ci.yml')).toBe('jobs: {}\n');
    // Nothing half-made is left: the empty branch goes again.
    expect(sim.branches('acme', 'web')['freshen/images']).toBeUndefined();
  });
});
