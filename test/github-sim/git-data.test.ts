// The simulation's Git Data API, contents and ETags, driven by Probot's Octokit through msw.
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
  sim.createRepo({ owner: 'acme', name: 'web', installationId, files: { Dockerfile: 'FROM node:20\n', 'src/app.js': 'x\n' } });
});

async function octokit() {
  return simProbot(sim).auth(installationId);
}

describe('git data', () => {
  it('creates a branch with a commit and reads the tree back', async () => {
    const gh = await octokit();
    const { data: ref } = await gh.rest.git.getRef({ owner: 'acme', repo: 'web', ref: 'heads/main' });
    const { data: base } = await gh.rest.git.getCommit({ owner: 'acme', repo: 'web', commit_sha: ref.object.sha });
    const { data: tree } = await gh.rest.git.createTree({
      owner: 'acme', repo: 'web', base_tree: base.tree.sha,
      tree: [
        { path: 'Dockerfile', mode: '100644', type: 'blob', content: 'FROM node:22@sha256:abc\n' },
        { path: 'src/app.js', mode: '100644', type: 'blob', sha: null },
        { path: 'deploy/compose.yaml', mode: '100644', type: 'blob', content: 'services: {}\n' },
      ],
    });
    const { data: commit } = await gh.rest.git.createCommit({ owner: 'acme', repo: 'web', message: 'Pin images', tree: tree.sha, parents: [ref.object.sha] });
    await gh.rest.git.createRef({ owner: 'acme', repo: 'web', ref: 'refs/heads/freshen/images', sha: commit.sha });

    const { data: read } = await gh.rest.git.getTree({ owner: 'acme', repo: 'web', tree_sha: 'freshen/images', recursive: '1' });
    expect(read.truncated).toBe(false);
    expect(read.tree.map((e) => `${e.type}:${e.path}`).sort()).toEqual(['blob:Dockerfile', 'blob:deploy/compose.yaml', 'tree:deploy']);
    const dockerfile = read.tree.find((e) => e.path === 'Dockerfile')!;
    const { data: blob } = await gh.rest.git.getBlob({ owner: 'acme', repo: 'web', file_sha: dockerfile.sha! });
    expect(Buffer.from(blob.content, 'base64').toString()).toBe('FROM node:22@sha256:abc\n');
    expect(sim.readFile('acme', 'web', 'freshen/images', 'Dockerfile')).toBe('FROM node:22@sha256:abc\n');
    expect(sim.readFile('acme', 'web', 'main', 'Dockerfile')).toBe('FROM node:20\n');
    expect(sim.listFiles('acme', 'web', 'freshen/images')).toEqual(['Dockerfile', 'deploy/compose.yaml']);
    expect(commit.verification?.verified).toBe(true);
    expect(commit.author.name).toBe('freshen[bot]');
    expect(sim.unhandled).toEqual([]);
  });

  it('uses git object ids: a blob sha is the sha git would compute', async () => {
    const gh = await octokit();
    const { data } = await gh.rest.git.createBlob({ owner: 'acme', repo: 'web', content: 'hello\n' });
    // `printf 'hello\n' | git hash-object --stdin`
    expect(data.sha).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });

  it('refuses a non-fast-forward ref update unless forced', async () => {
    const gh = await octokit();
    const main = sim.branches('acme', 'web').main!;
    const side = sim.commit('acme', 'web', 'side', { 'a.txt': 'a' }, { author: 'alice' });
    const ahead = sim.commit('acme', 'web', 'main', { 'b.txt': 'b' }, { author: 'alice' });
    expect(sim.getCommit('acme', 'web', ahead)?.parents).toEqual([main]);

    const err = await gh.rest.git.updateRef({ owner: 'acme', repo: 'web', ref: 'heads/side', sha: ahead }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 422, message: expect.stringContaining('Update is not a fast forward') });
    expect(sim.branches('acme', 'web').side).toBe(side);

    await gh.rest.git.updateRef({ owner: 'acme', repo: 'web', ref: 'heads/side', sha: ahead, force: true });
    expect(sim.branches('acme', 'web').side).toBe(ahead);
    await gh.rest.git.deleteRef({ owner: 'acme', repo: 'web', ref: 'heads/side' });
    expect(sim.branches('acme', 'web').side).toBeUndefined();
  });

  it('marks commits with an explicit author, and human pushes, as unverified', async () => {
    const gh = await octokit();
    const main = sim.branches('acme', 'web').main!;
    const { data: parent } = await gh.rest.git.getCommit({ owner: 'acme', repo: 'web', commit_sha: main });
    const { data } = await gh.rest.git.createCommit({
      owner: 'acme', repo: 'web', message: 'x', tree: parent.tree.sha, parents: [main],
      author: { name: 'Someone', email: 'someone@example.com' },
    });
    expect(data.verification?.verified).toBe(false);
    const human = sim.commit('acme', 'web', 'main', { 'c.txt': 'c' }, { author: 'alice', message: 'by hand' });
    const { data: rest } = await gh.rest.repos.getCommit({ owner: 'acme', repo: 'web', ref: human });
    expect(rest.author?.login).toBe('alice');
    expect(rest.commit.verification?.verified).toBe(false);
    expect(rest.files?.map((f) => `${f.status}:${f.filename}`)).toEqual(['added:c.txt']);
  });

  it('compares branches with ahead/behind counts and commit authors', async () => {
    const gh = await octokit();
    sim.commit('acme', 'web', 'freshen/x', { 'a.txt': '1' }, { author: 'freshen[bot]' });
    sim.commit('acme', 'web', 'freshen/x', { 'a.txt': '2' }, { author: 'bob' });
    sim.commit('acme', 'web', 'main', { 'm.txt': 'm' }, { author: 'alice' });
    const { data } = await gh.rest.repos.compareCommitsWithBasehead({ owner: 'acme', repo: 'web', basehead: 'main...freshen/x' });
    expect(data).toMatchObject({ status: 'diverged', ahead_by: 2, behind_by: 1, total_commits: 2 });
    expect(data.commits.map((c) => c.author?.login)).toEqual(['freshen[bot]', 'bob']);
  });

  it('serves contents as base64 and raw, and Probot config with _extends', async () => {
    sim.commit('acme', 'web', 'main', { '.github/freshen.yml': '_extends: .github\nprLimit: 2\n' }, { author: 'alice' });
    sim.createRepo({ owner: 'acme', name: '.github', installationId, files: { '.github/freshen.yml': 'prLimit: 9\nlabels: [deps]\n' } });
    const gh = await octokit();
    const { data } = await gh.rest.repos.getContent({ owner: 'acme', repo: 'web', path: 'Dockerfile' });
    expect(Buffer.from((data as { content: string }).content, 'base64').toString()).toBe('FROM node:20\n');
    const missing = await gh.rest.repos.getContent({ owner: 'acme', repo: 'web', path: 'nope' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404 });
    const { config } = await gh.config.get({ owner: 'acme', repo: 'web', path: '.github/freshen.yml' });
    expect(config).toEqual({ prLimit: 2, labels: ['deps'] });
  });

  it('refuses workflow file changes to an installation without the workflows permission', async () => {
    const limited = sim.createInstallation({ account: 'lean', permissions: { contents: 'write', metadata: 'read', pull_requests: 'write' } });
    sim.createRepo({ owner: 'lean', name: 'svc', installationId: limited.id, files: { '.github/workflows/ci.yml': 'on: push\n' } });
    const gh = await simProbot(sim).auth(limited.id);
    const main = sim.branches('lean', 'svc').main!;
    const touch = async (files: Record<string, string>, branch: string) => {
      const { data: tree } = await gh.rest.git.createTree({ owner: 'lean', repo: 'svc', base_tree: sim.getCommit('lean', 'svc', main)!.tree, tree: Object.entries(files).map(([path, content]) => ({ path, mode: '100644' as const, type: 'blob' as const, content })) });
      const { data: commit } = await gh.rest.git.createCommit({ owner: 'lean', repo: 'svc', message: 'm', tree: tree.sha, parents: [main] });
      return gh.rest.git.createRef({ owner: 'lean', repo: 'svc', ref: `refs/heads/${branch}`, sha: commit.sha }).then((r) => r.status, (e: { status: number; message: string }) => `${e.status} ${e.message}`);
    };
    expect(await touch({ '.github/workflows/ci.yml': 'on: [push]\n' }, 'freshen/wf')).toMatch(/^422 refusing to allow a GitHub App .*ci\.yml/);
    expect(await touch({ Dockerfile: 'FROM node:22\n' }, 'freshen/df')).toBe(201);
    expect(Object.keys(sim.branches('lean', 'svc')).sort()).toEqual(['freshen/df', 'main']);
    const issue = await gh.rest.issues.create({ owner: 'lean', repo: 'svc', title: 'x' }).catch((e: unknown) => e);
    expect(issue).toMatchObject({ status: 403 });
  });

  it('answers If-None-Match with 304 that costs no rate limit', async () => {
    const gh = await octokit();
    const first = await gh.rest.git.getRef({ owner: 'acme', repo: 'web', ref: 'heads/main' });
    const remaining = Number(first.headers['x-ratelimit-remaining']);
    const etag = first.headers.etag!;
    const again = await gh.rest.git.getRef({ owner: 'acme', repo: 'web', ref: 'heads/main', headers: { 'if-none-match': etag } }).catch((e: unknown) => e);
    expect(again).toMatchObject({ status: 304 });
    const counted = sim.countedRequests(installationId);
    sim.commit('acme', 'web', 'main', { 'x.txt': 'x' }, { author: 'alice' });
    const changed = await gh.rest.git.getRef({ owner: 'acme', repo: 'web', ref: 'heads/main', headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(Number(changed.headers['x-ratelimit-remaining'])).toBe(remaining - 1);
    expect(sim.countedRequests(installationId)).toBe(counted + 1);
  });
});
