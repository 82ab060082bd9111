// Triggers during a running scan or rebuild are not lost: one more run follows (real Redis, real BullMQ workers).
import { randomBytes } from 'node:crypto';
import { afterEach, expect, inject, it } from 'vitest';
import { enqueueRepoScan, rebuildJobId, scanJobId } from '../../src/queue/jobs.js';
import { runAgainKey } from '../../src/queue/run-again.js';
import type { ScanContextFactory } from '../../src/jobs/scan-repo.js';
import { queuedJobs } from '../support/app-harness.js';
import { installOneRepo, runsOwed, startAppStack, testScanContext, type AppStack } from '../support/app-stack.js';
import { pushIndex } from '../support/oci-push.js';
import { waitFor } from '../support/ports.js';
import { BUILD_WORKFLOW, OWNER, pushBase, REPO, RepoUnderTest, uniqueName } from './rebuild-support.js';

const registryHost = inject('registryHost');
let stack: AppStack | undefined;

afterEach(async () => {
  expect(stack?.sim.unhandled).toEqual([]);
  await stack?.stop();
  stack = undefined;
});

/** Registry lookups that wait while the gate is closed: a scan that stays running as long as the test wants. */
function lookupGate() {
  let open: Promise<void> = Promise.resolve();
  let openIt = (): void => undefined;
  let waiting = 0;
  const wrap = (factory: ScanContextFactory): ScanContextFactory => (input) => {
    const context = factory(input);
    const images = new Proxy(context.images, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          waiting += 1;
          await open;
          waiting -= 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    return { ...context, images };
  };
  return {
    wrap,
    close() {
      open = new Promise((resolve) => (openIt = resolve));
    },
    open: () => openIt(),
    isHolding: () => waiting > 0,
  };
}

const scans = (s: AppStack) => s.completed.filter((j) => j.name === 'scan-repo');

function pushPayload(installationId: number, repoId: number, owner: string, repo: string) {
  return {
    ref: 'refs/heads/main', before: '0'.repeat(40), after: '1'.repeat(40), deleted: false,
    installation: { id: installationId },
    repository: { id: repoId, name: repo, full_name: `${owner}/${repo}`, default_branch: 'main', owner: { login: owner } },
    commits: [{ modified: ['Dockerfile'] }],
    sender: { login: 'dev', type: 'User' },
  };
}

it('ten triggers during a slow scan make exactly one more scan, which sees the newest commit; a trigger when idle makes one', async () => {
  const gate = lookupGate();
  stack = await startAppStack({ redisUrl: inject('redisUrl'), registryHost, scanContext: () => gate.wrap(testScanContext(registryHost)) });
  const image = `ra${randomBytes(4).toString('hex')}/app`;
  await pushIndex(`http://${registryHost}`, image, '1.0.0', [{ files: [{ 'a.txt': 'a\n' }] }]);
  await pushIndex(`http://${registryHost}`, image, '1.0.1', [{ files: [{ 'a.txt': 'b\n' }] }]);
  const dockerfile = (note: string) => `# ${note}\nFROM ${registryHost}/${image}:1.0.0\n`;
  const { installationId, repoId } = await installOneRepo(stack, 'acme', 'web', { Dockerfile: dockerfile('first') });
  const branch = 'freshen/container-images';
  expect(stack.sim.getCommit('acme', 'web', branch)!.parents).toEqual([stack.sim.branches('acme', 'web')['main']]);

  // A push starts a scan, which stays in its registry lookups until the gate opens.
  gate.close();
  stack.completed.length = 0;
  const push = async (note: string) => {
    stack!.sim.commit('acme', 'web', 'main', { Dockerfile: dockerfile(note) }, { author: 'dev' });
    await stack!.deliver('push', pushPayload(installationId, repoId, 'acme', 'web'));
  };
  await push('push 0');
  await waitFor(async () => gate.isHolding(), 'the scan waiting in its lookups');
  // Ten more triggers while it runs: nine pushes and a command.
  for (let i = 1; i <= 9; i++) await push(`push ${i}`);
  await enqueueRepoScan(stack.ns.queue, { installationId, repoId, owner: 'acme', repo: 'web', reason: 'command' });
  const newest = stack.sim.branches('acme', 'web')['main'];
  // BullMQ kept the running job's id: nothing else is queued yet; the flag remembers the triggers.
  expect((await queuedJobs(stack.ns.queue)).filter((j) => j.name === 'scan-repo').map((j) => j.id)).toEqual([scanJobId(repoId)]);
  expect(await stack.ns.connection.exists(runAgainKey(stack.ns.queue, scanJobId(repoId)))).toBe(1);

  gate.open();
  await stack.settle();
  expect(scans(stack).map((j) => j.data.reason)).toEqual(['push', 'again after a run: command, push']);
  // The second scan rebuilt the PR on the newest default branch.
  expect(stack.sim.getCommit('acme', 'web', branch)!.parents).toEqual([newest]);
  expect(stack.sim.readFile('acme', 'web', branch, 'Dockerfile')).toMatch(/^# push 9\nFROM .*:1\.0\.1@sha256:/);
  // No loop: the follow-up asked for nothing more.
  expect(await stack.ns.connection.exists(runAgainKey(stack.ns.queue, scanJobId(repoId)))).toBe(0);
  expect(await runsOwed(stack.ns)).toEqual([]);

  // Idle: one trigger, one scan.
  stack.completed.length = 0;
  await push('push 10');
  await stack.settle();
  expect(scans(stack).map((j) => j.data.reason)).toEqual(['push']);
  expect(stack.sim.readFile('acme', 'web', branch, 'Dockerfile')).toMatch(/^# push 10\n/);
  expect(await stack.ns.connection.exists(runAgainKey(stack.ns.queue, scanJobId(repoId)))).toBe(0);
});

it('a /rebuild that lands while the previous rebuild job is finishing gets its own rebuild after it', async () => {
  stack = await startAppStack({ redisUrl: inject('redisUrl'), registryHost });
  const repo = new RepoUnderTest(stack);
  const base = uniqueName('python');
  await pushBase(registryHost, base, '3.13-slim');
  await repo.install({
    Dockerfile: `FROM ${registryHost}/${base}:3.13-slim\n`,
    '.github/freshen.yml': 'process: rebuild\nrebuild:\n  workflow: build.yml\n',
    '.github/workflows/build.yml': BUILD_WORKFLOW,
  });
  const issueNumber = Number(stack.sim.openIssue(OWNER, REPO, { user: 'alice', title: 'please rebuild' })['number']);
  stack.sim.setPermission(OWNER, REPO, 'alice', 'write');
  stack.sim.setPermission(OWNER, REPO, 'bob', 'write');

  // Alice's rebuild names no image of this repository: nothing is dispatched, so no cooldown. Its
  // job has freed the gate and is telling her so; that reply is held, keeping the job running.
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let holding = false;
  const handle = stack.sim.handle.bind(stack.sim);
  stack.sim.handle = async (request) => {
    if (request.method === 'POST' && /\/issues\/\d+\/comments$/.test(new URL(request.url).pathname) && (await request.clone().text()).includes('@alice')) {
      holding = true;
      await held;
    }
    return handle(request);
  };
  await repo.comment(issueNumber, 'alice', '/rebuild no-such-image', { settle: false });
  await waitFor(async () => holding, 'the rebuild job replying to alice');

  // Bob's /rebuild takes the free gate; the running rebuild job still holds the job id.
  stack.completed.length = 0;
  await repo.comment(issueNumber, 'bob', '/rebuild', { settle: false });
  await waitFor(async () => stack!.completed.some((j) => j.name === 'comment-command'), 'bob\'s command job');
  expect(repo.workflowDispatches()).toEqual([]);
  expect(await stack.ns.connection.exists(runAgainKey(stack.ns.queue, rebuildJobId(repo.repoId)))).toBe(1);

  release();
  await stack.settle();
  expect(repo.workflowDispatches()).toHaveLength(1);
  expect(String(repo.workflowDispatches()[0]!.inputs['reason'])).toContain('asked for by @bob');
  const replies = repo.repliesOn(issueNumber);
  expect(replies.filter((r) => r.startsWith('@alice'))).toEqual([expect.stringContaining('Nothing dispatched')]);
  expect(replies.filter((r) => r.startsWith('@bob'))).toEqual([expect.stringMatching(/^@bob Dispatched workflow `build\.yml`/)]);
  expect(stack.completed.filter((j) => j.name === 'rebuild-repo').map((j) => j.data.reason)).toEqual(['command', 'again after a run: command']);
});
