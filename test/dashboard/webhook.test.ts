// Ticking a dashboard box through the app: the permission is asked of (simulated) GitHub, the scan is queued.
import { afterEach, beforeEach, expect, inject, it } from 'vitest';
import { DashboardRequests } from '../../src/dashboard/issue.js';
import { renderDashboard, updateKey } from '../../src/dashboard/render.js';
import { startAppStack, type AppStack } from '../support/app-stack.js';
import { exampleDashboard } from './example.js';

let stack: AppStack;
let installationId: number;
let repoId: number;
let issue: { number: number; body: string; user: { login: string; type: string } };

beforeEach(async () => {
  stack = await startAppStack({ redisUrl: inject('redisUrl'), registryHost: inject('registryHost') });
  await stack.worker.pause(true);
  installationId = stack.sim.createInstallation({ account: 'acme' }).id;
  repoId = stack.sim.createRepo({ owner: 'acme', name: 'shop', installationId, files: { 'README.md': 'hi\n' } }).id;
  stack.sim.setPermission('acme', 'shop', 'alice', 'write');
  stack.sim.setPermission('acme', 'shop', 'bob', 'triage');
  const gh = await stack.probot.auth(installationId);
  const created = await gh.rest.issues.create({ owner: 'acme', repo: 'shop', title: 'Freshen dashboard', body: renderDashboard(exampleDashboard) });
  issue = { number: created.data.number, body: created.data.body ?? '', user: { login: created.data.user!.login, type: created.data.user!.type } };
});
afterEach(async () => {
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
});

const edited = (sender: string) => ({
  action: 'edited',
  installation: { id: installationId },
  repository: { id: repoId, name: 'shop', full_name: 'acme/shop', owner: { login: 'acme' } },
  issue: { ...issue, body: issue.body.replace('- [ ] <!--', '- [x] <!--') },
  changes: { body: { from: issue.body } },
  sender: { login: sender, type: 'User' },
});

it('queues the scan and records the request when someone with write access ticks a box', async () => {
  await stack.deliver('issues', edited('alice'));
  const jobs = await stack.ns.queue.getJobs(['waiting', 'prioritized']);
  expect(jobs.map((j) => [j.name, (j.data as { reason: string }).reason])).toEqual([['scan-repo', 'dashboard: open now']]);
  expect(await new DashboardRequests(stack.ns.memory).take(repoId)).toEqual(new Set([updateKey(exampleDashboard.updates[1]!)]));
  expect(stack.sim.comments('acme', 'shop', issue.number)).toEqual([]);
});

it('refuses someone without write access with a reply, and queues nothing', async () => {
  await stack.deliver('issues', edited('bob'));
  expect(await stack.ns.queue.getJobs(['waiting', 'prioritized'])).toEqual([]);
  const [reply] = stack.sim.comments('acme', 'shop', issue.number);
  expect(reply?.body).toMatch(/@bob.*write, maintain or admin.*yours is triage/s);
});
