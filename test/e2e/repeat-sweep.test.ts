// Fleet manners against the GitHub simulation: a repeat sweep of an unchanged repository is nearly free,
// writes are paced under the content-creation limits (delayed, never refused), and no PATCH changes nothing.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { updatePr } from '../../src/github/pulls.js';
import type { GitHub } from '../../src/github/types.js';
import { enqueueRepoScan } from '../../src/queue/jobs.js';
import { startAppStack, type AppStack } from '../support/app-stack.js';
import { pushIndex } from '../support/oci-push.js';
import { waitFor } from '../support/ports.js';

const registryHost = inject('registryHost');
const redisUrl = inject('redisUrl');

async function pushTags(tags: string[]): Promise<string> {
  const image = `rs${randomBytes(4).toString('hex')}/base`;
  for (const tag of tags) await pushIndex(`http://${registryHost}`, image, tag, [{ files: [{ 'v.txt': `${tag}\n` }] }]);
  return image;
}

describe('a repeat sweep', () => {
  let stack: AppStack;
  beforeAll(async () => {
    stack = await startAppStack({ redisUrl, registryHost, sim: { latencyMs: 5 } });
  });
  afterAll(() => stack.stop());

  it('costs at most 2 counted requests for a repository with nothing new', async () => {
    const image = await pushTags(['1.0.0', '1.0.1']);
    const inst = stack.sim.createInstallation({ account: 'fleet' });
    const files = { Dockerfile: `FROM ${registryHost}/${image}:1.0.0\n`, 'api/Dockerfile': `FROM ${registryHost}/${image}:1.0.1\n` };
    const withPr = stack.sim.createRepo({ owner: 'fleet', name: 'svc', installationId: inst.id, files });
    const configured = stack.sim.createRepo({
      owner: 'fleet', name: 'quiet', installationId: inst.id,
      files: { '.github/freshen.yml': 'prLimit: 3\n', Dockerfile: `FROM ${registryHost}/${image}:1.0.1\n` },
    });
    const sweep = async () => {
      for (const r of [withPr, configured]) {
        await enqueueRepoScan(stack.ns.queue, { installationId: inst.id, repoId: r.id, owner: 'fleet', repo: String(r.name), reason: 'schedule' });
      }
      await stack.settle(30_000);
    };
    await sweep();
    expect(stack.sim.pulls('fleet', 'svc')).toHaveLength(1);
    const firstSweep = stack.sim.countedRequests(inst.id);
    // The second sweep sees what the first one wrote (a new PR, its branch); the third finds nothing new.
    await sweep();
    stack.sim.clearRequests();
    await sweep();
    const counted = stack.sim.requests.filter((r) => r.counted && r.installation === inst.id);
    const perRepo = (name: string) => counted.filter((r) => r.path.startsWith(`/repos/fleet/${name}/`) || r.path === `/repos/fleet/${name}`).length;
    expect(perRepo('svc'), JSON.stringify(counted)).toBeLessThanOrEqual(2);
    expect(perRepo('quiet'), JSON.stringify(counted)).toBeLessThanOrEqual(2);
    expect(counted.length).toBeLessThanOrEqual(4);
    expect(counted.length).toBeLessThan(firstSweep / 3);
    expect(stack.sim.contentCreatingRequests(inst.id)).toBe(0);
    expect(stack.sim.unhandled).toEqual([]);
  }, 60_000);

  it('notices a push: the changed repository is read again and its PR follows', async () => {
    const image = await pushTags(['2.0.0', '2.0.1', '2.0.2']);
    const inst = stack.sim.createInstallation({ account: 'moving' });
    const repo = stack.sim.createRepo({ owner: 'moving', name: 'app', installationId: inst.id, files: { Dockerfile: `FROM ${registryHost}/${image}:2.0.2\n` } });
    const scan = async () => {
      await enqueueRepoScan(stack.ns.queue, { installationId: inst.id, repoId: repo.id, owner: 'moving', repo: 'app', reason: 'schedule' });
      await stack.settle(30_000);
    };
    await scan();
    expect(stack.sim.pulls('moving', 'app').filter((p) => p.state === 'open')).toHaveLength(1);
    stack.sim.commit('moving', 'app', 'main', { Dockerfile: `FROM ${registryHost}/${image}:2.0.0\n` }, { author: 'dev' });
    await scan();
    const open = stack.sim.pulls('moving', 'app').filter((p) => p.state === 'open');
    expect(open).toHaveLength(1);
    expect(stack.sim.readFile('moving', 'app', open[0]!.head, 'Dockerfile')).toMatch(/:2\.0\.2@sha256:/);
  }, 60_000);
});

describe('writes', () => {
  let stack: AppStack;
  const saved = { ...process.env };
  beforeAll(async () => {
    // The simulation's minute lasts two seconds (long enough that event-loop lag on a loaded machine
    // is a small share of it); Freshen's budget runs on the same clock.
    Object.assign(process.env, {
      FRESHEN_GITHUB_WRITES_PER_MINUTE: '6',
      FRESHEN_GITHUB_WRITES_PER_HOUR: '400',
      FRESHEN_BUDGET_TIME_SCALE: '30',
      FRESHEN_MAX_INLINE_WAIT_SECONDS: '0',
    });
    stack = await startAppStack({ redisUrl, registryHost, sim: { contentLimits: { perMinute: 8, perHour: 500, timeScale: 30 } } });
  });
  afterAll(async () => {
    process.env = saved;
    await stack.stop();
  });

  it('are paced under the content-creation limit: jobs are delayed, none fails, no secondary-limit answer', async () => {
    const image = await pushTags(['3.0.0', '3.0.1']);
    const inst = stack.sim.createInstallation({ account: 'busy' });
    const repos = Array.from({ length: 5 }, (_, i) =>
      stack.sim.createRepo({ owner: 'busy', name: `r${i}`, installationId: inst.id, files: { Dockerfile: `FROM ${registryHost}/${image}:3.0.0\n` } }));
    for (const r of repos) await enqueueRepoScan(stack.ns.queue, { installationId: inst.id, repoId: r.id, owner: 'busy', repo: String(r.name), reason: 'schedule' });
    await waitFor(async () => repos.every((r) => stack.sim.pulls('busy', String(r.name)).length === 1), 'every PR opened', 40_000);
    // The labels follow each PR's creation: wait until every job has finished, not only until the PRs exist.
    await stack.settle(40_000);
    expect(stack.failures).toEqual([]);
    expect(stack.sim.secondaryLimitAnswers).toBe(0);
    // 5 PRs x 4 writes (ref, GraphQL commit, PR, labels) at 6 per simulated minute: delays happened.
    const writes = stack.sim.requests.filter((r) => r.contentCreating).map((r) => r.at);
    expect(writes.length).toBeGreaterThanOrEqual(20);
    const paths = stack.sim.requests.filter((r) => r.contentCreating).map((r) => `${r.method} ${r.path}`);
    expect(paths.filter((p) => p === 'POST /graphql')).toHaveLength(5);
    for (const r of repos) {
      const own = paths.filter((p) => p.startsWith(`POST /repos/busy/${String(r.name)}/`) && !p.endsWith('/issues'));
      expect(own.sort()).toEqual([`POST /repos/busy/${String(r.name)}/git/refs`, `POST /repos/busy/${String(r.name)}/issues/1/labels`, `POST /repos/busy/${String(r.name)}/pulls`]);
    }
    expect(writes.at(-1)! - writes[0]!).toBeGreaterThan(2_000);
  }, 60_000);

  it('skip a PR edit that changes nothing', async () => {
    const inst = stack.sim.createInstallation({ account: 'calm' });
    stack.sim.createRepo({ owner: 'calm', name: 'x', installationId: inst.id, files: { a: 'a\n' } });
    stack.sim.commit('calm', 'x', 'topic', { a: 'b\n' }, { author: 'dev' });
    const gh = (await stack.probot.auth(inst.id)) as GitHub;
    const { data: pr } = await gh.rest.pulls.create({ owner: 'calm', repo: 'x', head: 'topic', base: 'main', title: 'T', body: 'B' });
    const repo = { installationId: inst.id, repoId: 0, owner: 'calm', repo: 'x' };
    stack.sim.clearRequests();
    expect(await updatePr(gh, repo, pr.number, { title: 'T', body: 'B' }, { title: 'T', body: 'B' })).toBe(false);
    expect(stack.sim.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    expect(await updatePr(gh, repo, pr.number, { title: 'T', body: 'B2' }, { title: 'T', body: 'B' })).toBe(true);
    expect(stack.sim.pulls('calm', 'x')[0]!.body).toBe('B2');
  });
});
