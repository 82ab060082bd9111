// End to end: comment commands through the app — acknowledged, permission-checked, carried out by the worker.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { queuedJobs } from '../support/app-harness.js';
import { startAppStack, type AppStack } from '../support/app-stack.js';
import { BUILD_WORKFLOW, OWNER, pushBase, REPO, RepoUnderTest, uniqueName } from './rebuild-support.js';

const registryHost = inject('registryHost');

let stack: AppStack;
let repo: RepoUnderTest;
let base: string;
let issueNumber: number;

async function installRebuildRepo(): Promise<string> {
  const digest = await pushBase(registryHost, base, '3.13-slim');
  await repo.install({
    Dockerfile: `FROM ${registryHost}/${base}:3.13-slim\n`,
    '.github/freshen.yml': 'process: rebuild\nrebuild:\n  workflow: build.yml\n',
    '.github/workflows/build.yml': BUILD_WORKFLOW,
  });
  issueNumber = Number(stack.sim.openIssue(OWNER, REPO, { user: 'alice', title: 'please rebuild' })['number']);
  return digest;
}

beforeEach(async () => {
  stack = await startAppStack({ redisUrl: inject('redisUrl'), registryHost });
  repo = new RepoUnderTest(stack);
  base = uniqueName('python');
});
afterEach(async () => {
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
});

describe('/rebuild in a rebuild repository', () => {
  it('an allowed user gets a dispatch, a reaction and a reply with the outcome', async () => {
    const digest = await installRebuildRepo();
    stack.sim.setPermission(OWNER, REPO, 'alice', 'maintain');
    const comment = await repo.comment(issueNumber, 'alice', 'Base has a CVE fix.\n\n/rebuild\n');
    expect(repo.workflowDispatches()).toHaveLength(1);
    expect(JSON.parse(String(repo.workflowDispatches()[0]!.inputs['base_images']))).toEqual({ [`${registryHost}/${base}:3.13-slim`]: digest });
    expect(String(repo.workflowDispatches()[0]!.inputs['reason'])).toContain('asked for by @alice');
    expect(repo.reactions(comment)).toEqual(['+1', 'eyes']);
    const replies = repo.repliesOn(issueNumber);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^@alice Dispatched workflow `build\.yml` on `main`/);
  });

  it('a read-only user gets one polite refusal and nothing is dispatched', async () => {
    await installRebuildRepo();
    stack.sim.setPermission(OWNER, REPO, 'bob', 'triage');
    const comment = await repo.comment(issueNumber, 'bob', '/rebuild');
    expect(repo.workflowDispatches()).toEqual([]);
    expect(repo.repliesOn(issueNumber)).toEqual([expect.stringContaining('can only be run by people with write, maintain or admin permission')]);
    expect(repo.repliesOn(issueNumber)[0]).toContain('yours is triage');
    expect(repo.reactions(comment)).toEqual(['confused']);
    // Only the schedulers' next runs are queued (the repository's own, nightly): no command job.
    const jobs = await queuedJobs(stack.ns.queue);
    expect(jobs.map((j) => j.name).sort()).toEqual(['scan-installation', 'scan-repo']);
    expect(jobs.every((j) => j.id.startsWith('repeat:'))).toBe(true);
    expect((await stack.ns.queue.getJobScheduler(`repo-${repo.repoId}`))?.pattern).toMatch(/^\d+ [0-5] \* \* \*$/);
  });

  it('ignores bots, edited comments and commands inside code blocks or quotes', async () => {
    await installRebuildRepo();
    stack.sim.setPermission(OWNER, REPO, 'alice', 'admin');
    const ignored = [
      await repo.comment(issueNumber, 'ci-helper[bot]', '/rebuild', { bot: true }),
      await repo.comment(issueNumber, 'alice', '/rebuild', { action: 'edited' }),
      await repo.comment(issueNumber, 'alice', 'Run this:\n\n```\n/rebuild\n```\n'),
      await repo.comment(issueNumber, 'alice', '> /rebuild\n\nno thanks'),
    ];
    expect(repo.workflowDispatches()).toEqual([]);
    expect(repo.repliesOn(issueNumber)).toEqual([]);
    for (const id of ignored) expect(repo.reactions(id)).toEqual([]);
  });

  it('two /rebuild comments in a row make one dispatch, and both people hear back', async () => {
    await installRebuildRepo();
    stack.sim.setPermission(OWNER, REPO, 'alice', 'write');
    stack.sim.setPermission(OWNER, REPO, 'carol', 'write');
    await repo.comment(issueNumber, 'alice', '/rebuild', { settle: false });
    await repo.comment(issueNumber, 'carol', '/rebuild', { settle: false });
    await stack.settle();
    expect(repo.workflowDispatches()).toHaveLength(1);
    const replies = repo.repliesOn(issueNumber).join('\n');
    expect(replies).toContain('@alice');
    expect(replies).toContain('@carol');
    // Once dispatched, a forced rebuild within the cooldown is refused with a reply.
    await repo.comment(issueNumber, 'alice', '/rebuild');
    expect(repo.workflowDispatches()).toHaveLength(1);
    expect(repo.repliesOn(issueNumber).at(-1)).toMatch(/forced rebuilds wait 10 minutes/);
  });

  it('answers /freshen help, status and ignore, and shows the ignore on the status issue', async () => {
    await installRebuildRepo();
    stack.sim.setPermission(OWNER, REPO, 'alice', 'write');
    await repo.comment(issueNumber, 'alice', '/freshen status');
    expect(repo.repliesOn(issueNumber).at(-1)).toContain(`${registryHost}/${base}:3.13-slim`);
    await repo.comment(issueNumber, 'alice', '/freshen ignore lodash 4.17.21');
    expect(repo.repliesOn(issueNumber).at(-1)).toContain('will no longer propose `lodash` version `4.17.21`');
    expect(repo.statusIssues()).toHaveLength(1);
    expect(repo.statusIssues()[0]!.body).toContain('`lodash` version `4.17.21` — by @alice');
    await repo.comment(issueNumber, 'alice', '/freshen help');
    expect(repo.repliesOn(issueNumber).at(-1)).toContain('`/freshen unignore <dependency>`');
  });
});

describe('/rebuild in a pinned repository', () => {
  it('on a Freshen PR re-resolves versions and regenerates its branch now', async () => {
    const image = uniqueName('node');
    await pushBase(registryHost, image, '1.0.0');
    await pushBase(registryHost, image, '1.0.1');
    await repo.install({ Dockerfile: `FROM ${registryHost}/${image}:1.0.0\n` });
    const [pr] = stack.sim.pulls(OWNER, REPO);
    expect(stack.sim.readFile(OWNER, REPO, pr!.head, 'Dockerfile')).toContain(':1.0.1@');
    const newer = await pushBase(registryHost, image, '1.0.2');
    stack.sim.setPermission(OWNER, REPO, 'alice', 'write');
    const comment = await repo.comment(pr!.number, 'alice', '/rebuild', { isPr: true });
    expect(stack.sim.readFile(OWNER, REPO, pr!.head, 'Dockerfile')).toBe(`FROM ${registryHost}/${image}:1.0.2@${newer}\n`);
    expect(repo.repliesOn(pr!.number).at(-1)).toContain('regenerating this pull request');
    expect(repo.reactions(comment)).toEqual(['+1', 'eyes']);
    expect(stack.sim.workflowDispatches).toEqual([]);
  });

  it('elsewhere scans the repository now', async () => {
    const image = uniqueName('node');
    await pushBase(registryHost, image, '2.0.0');
    await repo.install({ Dockerfile: `FROM ${registryHost}/${image}:2.0.0@${await pushBase(registryHost, image, '2.0.0')}\n` });
    expect(stack.sim.pulls(OWNER, REPO)).toEqual([]);
    await pushBase(registryHost, image, '2.0.1');
    const number = Number(stack.sim.openIssue(OWNER, REPO, { user: 'alice', title: 'new node?' })['number']);
    stack.sim.setPermission(OWNER, REPO, 'alice', 'admin');
    await repo.comment(number, 'alice', '/rebuild');
    expect(repo.repliesOn(number).at(-1)).toContain('Scanning this repository now');
    expect(stack.sim.pulls(OWNER, REPO)).toHaveLength(1);
    expect(stack.sim.workflowDispatches).toEqual([]);
  });

  it('/freshen ignore stops proposing a dependency from the next scan; unignore brings it back', async () => {
    const image = uniqueName('node');
    await pushBase(registryHost, image, '3.0.0');
    await pushBase(registryHost, image, '3.0.1');
    await repo.install({ Dockerfile: `FROM ${registryHost}/${image}:3.0.0\n` });
    const openPulls = () => stack.sim.pulls(OWNER, REPO).filter((p) => p.state === 'open');
    expect(openPulls()).toHaveLength(1);
    const number = Number(stack.sim.openIssue(OWNER, REPO, { user: 'alice', title: 'not now' })['number']);
    stack.sim.setPermission(OWNER, REPO, 'alice', 'maintain');
    await repo.comment(number, 'alice', `/freshen ignore ${registryHost}/${image}`);
    await repo.scheduledRun();
    expect(openPulls()).toEqual([]);
    await repo.comment(number, 'alice', `/freshen unignore ${registryHost}/${image}`);
    expect(repo.repliesOn(number).at(-1)).toContain('again from the next scan');
    await repo.scheduledRun();
    expect(openPulls()).toHaveLength(1);
    expect(stack.sim.readFile(OWNER, REPO, openPulls()[0]!.head, 'Dockerfile')).toContain(':3.0.1@sha256:');
  });
});
