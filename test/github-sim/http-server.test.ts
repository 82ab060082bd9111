// The simulation behind a real loopback HTTP server: GHE-style /api/v3 base, auth, dispatches, limits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimServer, type GitHubSim, type SimServer } from '../support/github-sim/index.js';
import { signedSim, simProbot } from '../support/github-sim/testing.js';

let sim: GitHubSim;
let server: SimServer;
let installationId: number;

const REBUILD_WORKFLOW = `name: rebuild
on:
  push:
  workflow_dispatch:
    inputs:
      reason:
        required: true
      digest:
        required: false
      mode:
        type: choice
        options: [full, quick]
`;

beforeEach(async () => {
  sim = signedSim();
  server = await startSimServer(sim);
  installationId = sim.createInstallation({ account: 'acme' }).id;
  sim.createRepo({
    owner: 'acme', name: 'api', installationId,
    files: { '.github/workflows/rebuild.yml': REBUILD_WORKFLOW, '.github/workflows/ci.yml': 'on: [push]\njobs: {}\n' },
  });
});
afterEach(() => server.close());

async function app() {
  // What Probot computes from GHE_HOST=127.0.0.1:<port> and GHE_PROTOCOL=http.
  return simProbot(sim, `${server.url}/api/v3`).auth(installationId);
}

function fetchSim(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, init);
}

describe('loopback HTTP server', () => {
  it('serves the app flow on /api/v3 and the same routes on bare paths', async () => {
    const gh = await app();
    const { data } = await gh.rest.apps.listReposAccessibleToInstallation();
    expect(data.repositories.map((r) => r.full_name)).toEqual(['acme/api']);
    const token = sim.requests.find((r) => r.path === `/app/installations/${installationId}/access_tokens`);
    expect(token?.status).toBe(201);

    const { token: ghs } = sim.issueToken(installationId);
    const bare = await fetchSim('/repos/acme/api', { headers: { authorization: `token ${ghs}` } });
    expect(bare.status).toBe(200);
    expect(((await bare.json()) as { default_branch: string }).default_branch).toBe('main');
    expect(bare.headers.get('x-ratelimit-limit')).toBe('5000');
  });

  it('writes a branch through the Git Data API and reads the tree back', async () => {
    const gh = await app();
    const main = sim.branches('acme', 'api').main!;
    const { data: tree } = await gh.rest.git.createTree({
      owner: 'acme', repo: 'api', base_tree: sim.getCommit('acme', 'api', main)!.tree,
      tree: [{ path: 'Dockerfile', mode: '100644', type: 'blob', content: 'FROM alpine:3.21\n' }],
    });
    const { data: commit } = await gh.rest.git.createCommit({ owner: 'acme', repo: 'api', message: 'Add Dockerfile', tree: tree.sha, parents: [main] });
    await gh.rest.git.createRef({ owner: 'acme', repo: 'api', ref: 'refs/heads/freshen/all', sha: commit.sha });
    const { data: read } = await gh.rest.git.getTree({ owner: 'acme', repo: 'api', tree_sha: commit.sha, recursive: '1' });
    expect(read.tree.filter((e) => e.type === 'blob').map((e) => e.path).sort()).toEqual(['.github/workflows/ci.yml', '.github/workflows/rebuild.yml', 'Dockerfile']);
    expect(sim.readFile('acme', 'api', 'freshen/all', 'Dockerfile')).toBe('FROM alpine:3.21\n');
  });

  it('answers 404 for a private repo without a token or from another installation, 401 for a bad token', async () => {
    const other = sim.createInstallation({ account: 'other' });
    sim.createRepo({ owner: 'other', name: 'lib', installationId: other.id, private: false });
    const { token } = sim.issueToken(other.id);
    expect((await fetchSim('/repos/acme/api')).status).toBe(404);
    expect((await fetchSim('/repos/acme/api', { headers: { authorization: `token ${token}` } })).status).toBe(404);
    expect((await fetchSim('/repos/acme/api', { headers: { authorization: 'token ghs_wrong' } })).status).toBe(401);
    // Public repos are readable by anyone, writable only by their installation.
    const { token: acmeToken } = sim.issueToken(installationId);
    expect((await fetchSim('/repos/other/lib', { headers: { authorization: `token ${acmeToken}` } })).status).toBe(200);
    const write = await fetchSim('/repos/other/lib/issues', { method: 'POST', headers: { authorization: `token ${acmeToken}` }, body: '{"title":"x"}' });
    expect(write.status).toBe(403);
  });

  it('rejects an app JWT signed by another key', async () => {
    const forged = Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = Buffer.from(JSON.stringify({ iss: sim.app.id, iat: now, exp: now + 60 })).toString('base64url');
    const res = await fetchSim('/app', { headers: { authorization: `Bearer ${forged}.${claims}.c2lnbmF0dXJl` } });
    expect(res.status).toBe(401);
  });

  it('validates and records workflow dispatches', async () => {
    const gh = await app();
    const dispatch = (workflow_id: string, inputs: Record<string, string>, ref = 'main') =>
      gh.rest.actions.createWorkflowDispatch({ owner: 'acme', repo: 'api', workflow_id, ref, inputs }).then((r) => r.status, (e: { status: number; message: string }) => `${e.status} ${e.message}`);

    expect(await dispatch('missing.yml', {})).toMatch(/^404/);
    expect(await dispatch('ci.yml', {})).toMatch(/^422 .*workflow_dispatch/);
    expect(await dispatch('rebuild.yml', { reason: 'x', extra: '1' })).toMatch(/^422 Unexpected inputs provided: \["extra"\]/);
    expect(await dispatch('rebuild.yml', {})).toMatch(/^422 Required input 'reason'/);
    expect(await dispatch('rebuild.yml', { reason: 'x', mode: 'slow' })).toMatch(/^422 .*allowed values/);
    expect(await dispatch('rebuild.yml', { reason: 'x' }, 'nope')).toMatch(/^422 No ref found/);
    expect(sim.workflowDispatches).toEqual([]);

    expect(await dispatch('rebuild.yml', { reason: 'base changed', digest: 'sha256:1' })).toBe(204);
    expect(sim.workflowDispatches).toMatchObject([{ repo: 'api', workflow: 'rebuild.yml', ref: 'main', inputs: { reason: 'base changed', digest: 'sha256:1' }, installationId }]);
  });

  it('validates and records repository dispatches', async () => {
    const gh = await app();
    const tooMany = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    const refused = await gh.rest.repos.createDispatchEvent({ owner: 'acme', repo: 'api', event_type: 'freshen-rebuild', client_payload: tooMany }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 422 });
    const ok = await gh.rest.repos.createDispatchEvent({ owner: 'acme', repo: 'api', event_type: 'freshen-rebuild', client_payload: { image: 'node' } });
    expect(ok.status).toBe(204);
    expect(sim.repositoryDispatches).toMatchObject([{ eventType: 'freshen-rebuild', clientPayload: { image: 'node' } }]);
  });

  it('paginates long lists with Link headers that keep the /api/v3 base', async () => {
    for (let i = 1; i <= 35; i++) sim.openIssue('acme', 'api', { user: 'alice', title: `issue ${i}` });
    const gh = await app();
    const first = await gh.rest.issues.listForRepo({ owner: 'acme', repo: 'api', per_page: 30 });
    expect(first.data).toHaveLength(30);
    expect(first.headers.link).toContain(`${server.url}/api/v3/repos/acme/api/issues?per_page=30&page=2`);
    const all = await gh.paginate(gh.rest.issues.listForRepo, { owner: 'acme', repo: 'api', per_page: 30 });
    expect(all.map((i) => i.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
  });

  it('counts unhandled routes and answers them with 404 naming the route', async () => {
    const { token } = sim.issueToken(installationId);
    const res = await fetchSim('/api/v3/repos/acme/api/deployments', { headers: { authorization: `token ${token}` } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toContain('GET /repos/acme/api/deployments');
    expect(sim.unhandled.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /repos/acme/api/deployments']);
  });
});

describe('limits and latency', () => {
  it('answers 403 with retry-after past the content-creation limit, and not below it', async () => {
    await server.close();
    sim = signedSim({ contentLimits: { perMinute: 3, perHour: 100, timeScale: 20 } });
    server = await startSimServer(sim);
    installationId = sim.createInstallation({ account: 'acme' }).id;
    sim.createRepo({ owner: 'acme', name: 'api', installationId });
    const { token } = sim.issueToken(installationId);
    const post = () => fetchSim('/repos/acme/api/issues', { method: 'POST', headers: { authorization: `token ${token}` }, body: '{"title":"t"}' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post()).status);
    expect(statuses).toEqual([201, 201, 201, 403]);
    const refused = await post();
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    expect(sim.secondaryLimitAnswers).toBe(2);
    expect(sim.contentCreatingRequests(installationId)).toBe(3);
    // A scaled minute is three real seconds: the five requests above fit in it on a loaded machine.
    await new Promise((r) => setTimeout(r, 3_100));
    expect((await post()).status).toBe(201);
  });

  it('adds the configured latency to every answer', async () => {
    await server.close();
    sim = signedSim({ latencyMs: 120 });
    server = await startSimServer(sim);
    const started = performance.now();
    await fetchSim('/repos/nobody/nothing');
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });
});
