// Webhook handlers only enqueue: the right jobs for each event, deduplicated, and signed deliveries only.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { Probot, ProbotOctokit } from 'probot';
import { freshenApp } from '../../src/app.js';
import { schedulerId } from '../../src/queue/jobs.js';
import { queuedJobs, redisNamespace, sign, startWebRole, testKeys, WEBHOOK_SECRET, type RedisNamespace } from '../support/app-harness.js';

const installation = { id: 77, account: { login: 'acme', id: 5, type: 'Organization' } };
const repo = (id: number, name: string) => ({ id, name, full_name: `acme/${name}`, private: true, node_id: 'x' });
const repository = { id: 501, name: 'web', full_name: 'acme/web', default_branch: 'main', owner: { login: 'acme', id: 5 } };

let ns: RedisNamespace;
let probot: Probot;

function deliver(name: string, payload: Record<string, unknown>) {
  return probot.receive({ id: randomUUID(), name, payload } as Parameters<Probot['receive']>[0]);
}

beforeEach(async () => {
  ns = redisNamespace(inject('redisUrl'));
  probot = new Probot({
    appId: 1,
    privateKey: testKeys.privateKey,
    secret: WEBHOOK_SECRET,
    Octokit: ProbotOctokit.defaults((o: Record<string, any>) => ({ ...o, retry: { enabled: false }, throttle: { ...o.throttle, enabled: false } })),
    logLevel: 'fatal',
  });
  await probot.load(freshenApp({ queue: ns.queue, redis: ns.memory }));
  return () => ns.close();
});

describe('handlers', () => {
  it('installation.created schedules the installation and queues one scan per repository', async () => {
    await deliver('installation', { action: 'created', installation, repositories: [repo(501, 'web'), repo(502, 'api')], sender: { login: 'octo', type: 'User' } });
    const jobs = await queuedJobs(ns.queue);
    const scans = jobs.filter((j) => j.name === 'scan-repo');
    expect(scans.map((j) => j.id)).toEqual(['scan-501', 'scan-502']);
    expect(scans[0]?.data).toMatchObject({ installationId: 77, repoId: 501, owner: 'acme', repo: 'web', reason: 'installed' });
    const scheduler = await ns.queue.getJobScheduler(schedulerId(77));
    expect(scheduler?.pattern).toMatch(/^\d+ \d+ \* \* [0-6]$/);
  });

  it('a second trigger while a scan waits adds nothing', async () => {
    await deliver('installation_repositories', { action: 'added', installation, repositories_added: [repo(501, 'web')], repositories_removed: [], repository_selection: 'selected', sender: { login: 'octo' } });
    const push = pushPayload('refs/heads/main', [{ modified: ['Dockerfile'] }]);
    await deliver('push', push);
    await deliver('push', push);
    expect((await queuedJobs(ns.queue)).filter((j) => j.name === 'scan-repo').map((j) => j.id)).toEqual(['scan-501']);
  });

  it('push rescans only for the default branch and managed or config files', async () => {
    await deliver('push', pushPayload('refs/heads/feature', [{ modified: ['Dockerfile'] }]));
    await deliver('push', pushPayload('refs/heads/main', [{ modified: ['README.md'], added: ['src/index.ts'] }]));
    expect(await queuedJobs(ns.queue)).toEqual([]);
    await deliver('push', pushPayload('refs/heads/main', [{ modified: ['README.md'] }, { added: ['.github/freshen.yml'] }]));
    expect((await queuedJobs(ns.queue)).map((j) => j.id)).toEqual(['scan-501']);
    await ns.queue.obliterate({ force: true });
    await deliver('push', pushPayload('refs/heads/main', [{ removed: ['services/api/Dockerfile'] }]));
    expect((await queuedJobs(ns.queue)).map((j) => j.id)).toEqual(['scan-501']);
  });

  it('installation.deleted removes its schedulers', async () => {
    await deliver('installation', { action: 'created', installation, repositories: [], sender: { login: 'octo' } });
    expect(await ns.queue.getJobScheduler(schedulerId(77))).toBeDefined();
    await deliver('installation', { action: 'deleted', installation, repositories: [], sender: { login: 'octo' } });
    expect(await ns.queue.getJobScheduler(schedulerId(77))).toBeUndefined();
  });

  it('a Freshen PR closed unmerged queues the decline bookkeeping; merged or foreign PRs do not', async () => {
    const pr = (merged: boolean, ref: string, number: number) => ({
      action: 'closed', number, installation, repository, sender: { login: 'octo' },
      pull_request: { number, merged, body: 'b', head: { ref, repo: { id: 501 } }, base: { ref: 'main' } },
    });
    await deliver('pull_request', pr(true, 'freshen/container-images', 1));
    await deliver('pull_request', pr(false, 'feature/x', 2));
    await deliver('pull_request', pr(false, 'freshen/container-images', 3));
    expect((await queuedJobs(ns.queue)).map((j) => j.id)).toEqual(['pr-closed-501-3']);
  });
});

function pushPayload(ref: string, commits: { added?: string[]; modified?: string[]; removed?: string[] }[]) {
  return {
    ref, before: '0'.repeat(40), after: '1'.repeat(40), deleted: false, created: false, forced: false,
    installation: { id: 77 }, repository, sender: { login: 'octo' },
    commits: commits.map((c, i) => ({ id: String(i), added: [], modified: [], removed: [], ...c })),
  };
}

describe('web role', () => {
  let url: string;
  let web: RedisNamespace;
  let webRole: Awaited<ReturnType<typeof startWebRole>>;

  beforeAll(async () => {
    webRole = await startWebRole(inject('redisUrl'));
    ({ url, namespace: web } = webRole);
  });
  afterAll(async () => {
    await webRole?.stop();
  });

  const body = JSON.stringify({ action: 'created', installation, repositories: [repo(601, 'site')], sender: { login: 'octo' } });
  const post = (headers: Record<string, string>) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'installation', 'x-github-delivery': randomUUID(), ...headers } });

  it('rejects unsigned and wrongly signed deliveries and queues nothing', async () => {
    const unsigned = await post({});
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
    expect(unsigned.status).toBeLessThan(500);
    const wrong = await post({ 'x-hub-signature-256': sign(body, 'not-the-secret') });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.status).toBeLessThan(500);
    expect(await queuedJobs(web.queue)).toEqual([]);
  });

  it('accepts a correctly signed delivery and queues the scan', async () => {
    const ok = await post({ 'x-hub-signature-256': sign(body) });
    expect(ok.status).toBe(200);
    expect((await queuedJobs(web.queue)).filter((j) => j.name === 'scan-repo').map((j) => j.id)).toEqual(['scan-601']);
    expect(await web.queue.getJobScheduler('installation-77')).toBeDefined();
  });
});
