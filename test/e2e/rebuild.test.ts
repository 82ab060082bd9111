// End to end: the rebuild process through the app — real Redis, real registry, the GitHub simulation.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { stopWorker } from '../../src/queue/worker.js';
import { startAppStack, type AppStack } from '../support/app-stack.js';
import { BUILD_WORKFLOW, OWNER, pushBase, REPO, RepoUnderTest, restartWorker, uniqueName } from './rebuild-support.js';

const registryHost = inject('registryHost');

let stack: AppStack;
let repo: RepoUnderTest;
let base: string;

const rebuildFiles = (config: string) => ({
  Dockerfile: `FROM ${registryHost}/${base}:3.13-slim\nRUN make\n`,
  '.github/freshen.yml': config,
  '.github/workflows/build.yml': BUILD_WORKFLOW,
});
const baseImages = (i: number) => JSON.parse(String(repo.workflowDispatches()[i]!.inputs['base_images'])) as Record<string, string>;

beforeEach(async () => {
  stack = await startAppStack({ redisUrl: inject('redisUrl'), registryHost });
  repo = new RepoUnderTest(stack);
  base = uniqueName('python');
});
afterEach(async () => {
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
});

describe('the rebuild loop', () => {
  it('dispatches exactly when the base changed, again after a failed build, and keeps one status issue', async () => {
    const first = await pushBase(registryHost, base, '3.13-slim');
    await repo.install(rebuildFiles('process: rebuild\nrebuild:\n  workflow: .github/workflows/build.yml\n'));
    // First sight: a baseline, no build; no digest-pin PR for the floating image.
    expect(repo.workflowDispatches()).toEqual([]);
    expect(stack.sim.pulls(OWNER, REPO)).toEqual([]);
    const [issue] = repo.statusIssues();
    expect(issue?.body).toContain(`${registryHost}/${base}:3.13-slim`);
    expect(issue?.body).toContain(first.slice(0, 19));

    await repo.scheduledRun();
    expect(repo.workflowDispatches()).toEqual([]);

    const second = await pushBase(registryHost, base, '3.13-slim');
    await repo.scheduledRun();
    expect(repo.workflowDispatches()).toHaveLength(1);
    const dispatch = repo.workflowDispatches()[0]!;
    expect(dispatch).toMatchObject({ workflow: 'build.yml', ref: 'main' });
    expect(baseImages(0)).toEqual({ [`${registryHost}/${base}:3.13-slim`]: second });
    expect(String(dispatch.inputs['reason'])).toMatch(/base image changed.*\[freshen:[0-9a-f]+\]/);

    // While that build runs, the next run does not dispatch the same digest again.
    await repo.scheduledRun();
    expect(repo.workflowDispatches()).toHaveLength(1);

    // The build failed: the ledger still points at the old digest, so the next run dispatches again.
    await repo.runCompleted(0, 'failure', 7001);
    expect(repo.statusIssues()[0]?.body).toContain('❌ failure');
    await repo.scheduledRun();
    expect(repo.workflowDispatches()).toHaveLength(2);
    expect(baseImages(1)).toEqual({ [`${registryHost}/${base}:3.13-slim`]: second });

    // This one succeeds: nothing more until the base changes again.
    await repo.runCompleted(1, 'success', 7002);
    await repo.scheduledRun();
    expect(repo.workflowDispatches()).toHaveLength(2);
    const issues = repo.statusIssues();
    expect(issues).toHaveLength(1);
    expect(issues[0]!.number).toBe(issue!.number);
    expect(issues[0]!.body).toContain('✅ success');
    expect(issues[0]!.body).toContain(second.slice(0, 19));
  });

  it('keeps the ledger across a worker restart', async () => {
    await pushBase(registryHost, base, '3.13-slim');
    await repo.install(rebuildFiles('process: rebuild\nrebuild:\n  workflow: build.yml\n'));
    const worker = await restartWorker(stack, registryHost);
    try {
      await repo.scheduledRun();
      expect(repo.workflowDispatches()).toEqual([]);
      const next = await pushBase(registryHost, base, '3.13-slim');
      await repo.scheduledRun();
      expect(repo.workflowDispatches()).toHaveLength(1);
      expect(baseImages(0)).toEqual({ [`${registryHost}/${base}:3.13-slim`]: next });
    } finally {
      await stopWorker(worker, 5_000);
    }
  });

  it('in a mixed repository pins one image by PR and dispatches the other', async () => {
    const pinned = uniqueName('node');
    await pushBase(registryHost, pinned, '20.1.0');
    const pinnedDigest = await pushBase(registryHost, pinned, '20.1.1');
    const rebuildDigest = await pushBase(registryHost, base, '3.13-slim');
    await repo.install({
      'web/Dockerfile': `FROM ${registryHost}/${pinned}:20.1.0\n`,
      'api/Dockerfile': `FROM ${registryHost}/${base}:3.13-slim\n`,
      '.github/freshen.yml': [
        'process: pinned',
        'images:',
        `  - match: "${registryHost}/${base}"`,
        '    process: rebuild',
        'rebuild:',
        '  event: build-images',
        '  baseline: dispatch',
        '',
      ].join('\n'),
    });
    const pulls = stack.sim.pulls(OWNER, REPO);
    expect(pulls).toHaveLength(1);
    expect(stack.sim.readFile(OWNER, REPO, pulls[0]!.head, 'web/Dockerfile')).toBe(`FROM ${registryHost}/${pinned}:20.1.1@${pinnedDigest}\n`);
    expect(stack.sim.readFile(OWNER, REPO, pulls[0]!.head, 'api/Dockerfile')).toBe(`FROM ${registryHost}/${base}:3.13-slim\n`);
    const dispatches = stack.sim.repositoryDispatches.filter((d) => d.repo === REPO);
    expect(dispatches).toHaveLength(1);
    expect(dispatches[0]!.eventType).toBe('build-images');
    expect(dispatches[0]!.clientPayload['base_images']).toEqual({ [`${registryHost}/${base}:3.13-slim`]: rebuildDigest });
    // Only one status issue, listing both images with their process.
    const [issue] = repo.statusIssues();
    expect(repo.statusIssues()).toHaveLength(1);
    expect(issue!.body).toMatch(new RegExp(`${base.replace('/', '\\/')}:3\\.13-slim\` \\| rebuild`));
    expect(issue!.body).toMatch(new RegExp(`${pinned.replace('/', '\\/')}:20\\.1\\.0\` \\| pinned`));
  });

  it('a pinned repository never dispatches; its dashboard lists no rebuild image', async () => {
    await pushBase(registryHost, base, '3.13-slim');
    await repo.install(rebuildFiles('process: pinned\n'));
    const latest = await pushBase(registryHost, base, '3.13-slim');
    await repo.scheduledRun();
    expect(repo.workflowDispatches()).toEqual([]);
    expect(repo.statusIssues()).toHaveLength(1);
    expect(repo.statusIssues()[0]!.body).not.toMatch(/\| rebuild \|/);
    // The pinned process pins the floating image by PR instead.
    const [pr] = stack.sim.pulls(OWNER, REPO);
    expect(stack.sim.readFile(OWNER, REPO, pr!.head, 'Dockerfile')).toBe(`FROM ${registryHost}/${base}:3.13-slim@${latest}\nRUN make\n`);
  });
});
