// The simulation's pull requests, issues, comments, reactions, labels and permissions through msw.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { simHandlers, type GitHubSim } from '../support/github-sim/index.js';
import { signedSim, simProbot } from '../support/github-sim/testing.js';

const server = setupServer();
let sim: GitHubSim;
let installationId: number;

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());
beforeEach(() => {
  sim = signedSim();
  server.resetHandlers(...simHandlers(sim));
  installationId = sim.createInstallation({ account: 'acme' }).id;
  sim.createRepo({ owner: 'acme', name: 'web', installationId, files: { Dockerfile: 'FROM node:20\n' } });
});

const repo = { owner: 'acme', repo: 'web' };

describe('pull requests', () => {
  it('filters the list by head in owner:branch form and shares numbers with issues', async () => {
    const gh = await simProbot(sim).auth(installationId);
    await gh.rest.issues.create({ ...repo, title: 'Dashboard' });
    sim.commit('acme', 'web', 'freshen/a', { a: '1' }, { author: 'freshen[bot]' });
    sim.commit('acme', 'web', 'freshen/b', { b: '1' }, { author: 'freshen[bot]' });
    const { data: a } = await gh.rest.pulls.create({ ...repo, title: 'A', head: 'freshen/a', base: 'main', body: 'a' });
    await gh.rest.pulls.create({ ...repo, title: 'B', head: 'freshen/b', base: 'main' });
    expect(a.number).toBe(2);
    expect(a.user?.login).toBe('freshen[bot]');
    expect(a.head.sha).toBe(sim.branches('acme', 'web')['freshen/a']);

    const { data: onlyA } = await gh.rest.pulls.list({ ...repo, head: 'acme:freshen/a' });
    expect(onlyA.map((p) => p.title)).toEqual(['A']);
    const { data: otherOwner } = await gh.rest.pulls.list({ ...repo, head: 'someone:freshen/a' });
    expect(otherOwner).toEqual([]);

    const dup = await gh.rest.pulls.create({ ...repo, title: 'A again', head: 'freshen/a', base: 'main' }).catch((e: unknown) => e);
    expect(dup).toMatchObject({ status: 422 });
    expect(JSON.stringify((dup as { response: { data: unknown } }).response.data)).toContain('A pull request already exists');
  });

  it('updates a PR in place, closes it, and closes it when its branch is deleted', async () => {
    const gh = await simProbot(sim).auth(installationId);
    sim.commit('acme', 'web', 'freshen/a', { a: '1' }, { author: 'freshen[bot]' });
    const { data: pr } = await gh.rest.pulls.create({ ...repo, title: 'A', head: 'freshen/a', base: 'main' });
    await gh.rest.pulls.update({ ...repo, pull_number: pr.number, body: 'new body' });
    expect(sim.pulls('acme', 'web')[0]).toMatchObject({ body: 'new body', state: 'open' });
    await gh.rest.git.deleteRef({ ...repo, ref: 'heads/freshen/a' });
    expect(sim.pulls('acme', 'web')[0]).toMatchObject({ state: 'closed', merged: false });
    const tooLong = await gh.rest.issues.create({ ...repo, title: 't', body: 'x'.repeat(70_000) }).catch((e: unknown) => e);
    expect(tooLong).toMatchObject({ status: 422 });
  });

  it('lists the commits of a PR and merges it on request of the test', async () => {
    const gh = await simProbot(sim).auth(installationId);
    sim.commit('acme', 'web', 'freshen/a', { Dockerfile: 'FROM node:22\n' }, { author: 'freshen[bot]' });
    const { data: pr } = await gh.rest.pulls.create({ ...repo, title: 'A', head: 'freshen/a', base: 'main' });
    const { data: commits } = await gh.rest.pulls.listCommits({ ...repo, pull_number: pr.number });
    expect(commits).toHaveLength(1);
    sim.mergePull('acme', 'web', pr.number, { by: 'alice' });
    expect(sim.readFile('acme', 'web', 'main', 'Dockerfile')).toBe('FROM node:22\n');
    const { data: merged } = await gh.rest.pulls.get({ ...repo, pull_number: pr.number });
    expect(merged).toMatchObject({ state: 'closed', merged: true });
  });
});

describe('issues, comments, reactions, labels', () => {
  it('filters issues by creator and labels, and records comments and reactions', async () => {
    const gh = await simProbot(sim).auth(installationId);
    const human = sim.openIssue('acme', 'web', { user: 'alice', title: 'Bug' });
    const { data: mine } = await gh.rest.issues.create({ ...repo, title: 'Freshen dashboard', labels: ['dependencies'] });
    const { data: byBot } = await gh.rest.issues.listForRepo({ ...repo, creator: 'freshen[bot]' });
    expect(byBot.map((i) => i.number)).toEqual([mine.number]);
    const { data: labelled } = await gh.rest.issues.listForRepo({ ...repo, labels: 'dependencies', state: 'all' });
    expect(labelled.map((i) => i.title)).toEqual(['Freshen dashboard']);

    const comment = sim.comment('acme', 'web', Number(human.number), 'alice', '/rebuild');
    await gh.rest.reactions.createForIssueComment({ ...repo, comment_id: comment.id, content: 'eyes' });
    const { data: reply } = await gh.rest.issues.createComment({ ...repo, issue_number: Number(human.number), body: 'Dispatched.' });
    expect(reply.user?.type).toBe('Bot');
    expect(sim.reactions('acme', 'web', { commentId: comment.id }).map((r) => `${r.user}:${r.content}`)).toEqual(['freshen[bot]:eyes']);
    expect(sim.comments('acme', 'web', Number(human.number)).map((c) => c.user)).toEqual(['alice', 'freshen[bot]']);
    const { data: listed } = await gh.rest.issues.listComments({ ...repo, issue_number: Number(human.number) });
    expect(listed.map((c) => c.user?.type)).toEqual(['User', 'Bot']);

    await gh.rest.issues.addLabels({ ...repo, issue_number: Number(human.number), labels: ['bug', 'triage'] });
    await gh.rest.issues.update({ ...repo, issue_number: mine.number, state: 'closed' });
    expect(sim.issues('acme', 'web').map((i) => `${i.number}:${i.state}:${i.labels.join('+')}`)).toEqual([
      `${human.number}:open:bug+triage`,
      `${mine.number}:closed:dependencies`,
    ]);
  });

  it('reports collaborator permissions the way GitHub does (legacy permission + role_name)', async () => {
    const gh = await simProbot(sim).auth(installationId);
    sim.setPermission('acme', 'web', 'maria', 'maintain');
    sim.setPermission('acme', 'web', 'rita', 'read');
    const check = async (username: string) => (await gh.rest.repos.getCollaboratorPermissionLevel({ ...repo, username })).data;
    expect(await check('maria')).toMatchObject({ permission: 'write', role_name: 'maintain', user: { permissions: { push: true, admin: false } } });
    expect(await check('rita')).toMatchObject({ permission: 'read', role_name: 'read', user: { permissions: { push: false } } });
    expect(await check('stranger')).toMatchObject({ permission: 'none' });
  });
});
