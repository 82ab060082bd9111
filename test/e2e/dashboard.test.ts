// End to end: the scan writes the dashboard issue, a ticked box opens an update held by prLimit or the schedule, opt-out.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AppStack } from '../support/app-stack.js';
import { DEFAULT_BUDGET, githubWriteWindows, RequestBudget } from '../../src/budget/index.js';
import { pushImage } from '../support/oci-push.js';
import { DashboardRepo, OWNER, REPO, startProductionStack, uniqueName } from './dashboard-support.js';

const registryHost = inject('registryHost');

let stack: AppStack;
let repo: DashboardRepo;
let image: string;

async function pushTag(tag: string): Promise<string> {
  return (await pushImage(`http://${registryHost}`, image, tag, { files: [{ 'version.txt': `${tag} ${Math.random()}\n` }] })).digest;
}

beforeEach(async () => {
  stack = await startProductionStack({ redisUrl: inject('redisUrl'), registryHost });
  repo = new DashboardRepo(stack);
  image = uniqueName('node');
});
afterEach(async () => {
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
});

describe('the dashboard issue', () => {
  it('shows dependencies, pending and held updates, errors and repeatability; rewrites only on change; a ticked box beats prLimit', async () => {
    await pushTag('1.0.0');
    await pushTag('1.0.1');
    await pushTag('2.0.0');
    await repo.install({
      Dockerfile: `FROM ${registryHost}/${image}:1.0.0\nRUN apt-get update && apt-get install -y curl\n`,
      'api/Dockerfile': `FROM ${registryHost}/${uniqueName('missing')}:1.0\n`,
      '.github/freshen.yml': 'prLimit: 1\n',
    });
    const [pr] = repo.openPulls();
    expect(repo.openPulls()).toHaveLength(1);
    const body = repo.dashboard();
    expect(repo.dashboards()[0]!.title).toBe('Freshen dashboard');
    expect(body).toMatch(new RegExp(`- \`Dockerfile\`\\n  - line 1: \`${registryHost}/${image}\` \`1.0.0\` · dockerfile`));
    // The minor went into the PR; the major waits for prLimit and can be asked for.
    expect(body).toContain(`\`${registryHost}/${image}\`: ${registryHost}/${image}:1.0.0 → ${registryHost}/${image}:1.0.1@sha256:`);
    expect(body).toMatch(new RegExp(`— #${pr!.number}`));
    expect(body).toMatch(/- \[ \] <!-- freshen:open:[0-9a-f]{12} --> `[^`]+`: .*:2\.0\.0@sha256:[0-9a-f]+ — prLimit: 1 Freshen PR is already open/);
    expect(body).toMatch(/### Errors\n\n- `api\/Dockerfile:1` `[^`]+missing`: /);
    expect(body).toContain('| `Dockerfile:2` |');

    // Nothing changed: the issue is not edited.
    stack.sim.clearRequests();
    await repo.scan();
    expect(repo.dashboardWrites()).toBe(0);

    // A box ticked by someone with write access opens that PR now, over prLimit.
    await repo.tick('alice', ':2.0.0@');
    expect(repo.openPulls()).toHaveLength(2);
    const major = repo.openPulls().find((p) => p.number !== pr!.number)!;
    expect(stack.sim.readFile(OWNER, REPO, major.head, 'Dockerfile')).toMatch(/:2\.0\.0@sha256:/);
    expect(repo.dashboard()).toContain(`— #${major.number}`);
    expect(repo.dashboard()).not.toContain('prLimit:');
    expect(repo.dashboards()).toHaveLength(1);
  }, 60_000);

  it('lists updates the schedule holds back with when they become eligible; ticking one opens it now', async () => {
    await pushTag('3.0.0');
    const digest = await pushTag('3.0.1');
    const closedHour = (new Date().getUTCHours() + 12) % 24;
    await repo.install({
      Dockerfile: `FROM ${registryHost}/${image}:3.0.0\n`,
      '.github/freshen.yml': `schedule: ["* ${closedHour} * * *"]\n`,
    });
    expect(repo.openPulls()).toEqual([]);
    const body = repo.dashboard();
    expect(body).toMatch(/- \[ \] <!-- freshen:open:[0-9a-f]{12} --> .*:3\.0\.1@sha256:[0-9a-f]+ — outside the schedule "\* \d+ \* \* \*" \(UTC\) \(from \d{4}-\d\d-\d\dT\d\d:00:00Z\)/);
    await repo.tick('alice', ':3.0.1@');
    const [pr] = repo.openPulls();
    expect(stack.sim.readFile(OWNER, REPO, pr!.head, 'Dockerfile')).toBe(`FROM ${registryHost}/${image}:3.0.1@${digest}\n`);
  }, 60_000);

  it('a read-only user ticking a box opens nothing', async () => {
    await pushTag('5.0.0');
    await pushTag('6.0.0');
    await repo.install({ Dockerfile: `FROM ${registryHost}/${image}:5.0.0@${await pushTag('5.0.0')}\n`, '.github/freshen.yml': 'prLimit: 0\n' });
    stack.sim.setPermission(OWNER, REPO, 'bob', 'read');
    await repo.tick('bob', ':6.0.0@');
    expect(repo.openPulls()).toEqual([]);
    expect(stack.sim.comments(OWNER, REPO, repo.dashboards()[0]!.number).at(-1)?.body).toMatch(/write, maintain or admin/);
  }, 60_000);

  it('an issue another app wrote is not the dashboard, even with its marker: ticking there opens nothing', async () => {
    await pushTag('7.0.0');
    await pushTag('8.0.0');
    await repo.install({ Dockerfile: `FROM ${registryHost}/${image}:7.0.0@${await pushTag('7.0.0')}\n`, '.github/freshen.yml': 'prLimit: 0\n' });
    stack.sim.setPermission(OWNER, REPO, 'alice', 'write');
    const issue = repo.dashboards()[0]!;
    const unticked = issue.body;
    await repo.tick('alice', ':8.0.0@', 'other-app[bot]');
    expect(repo.openPulls()).toEqual([]);
    expect(stack.sim.comments(OWNER, REPO, issue.number)).toEqual([]);
    // The same tick on Freshen's own issue opens the PR.
    issue.body = unticked;
    await repo.tick('alice', ':8.0.0@');
    expect(repo.openPulls()).toHaveLength(1);
  }, 60_000);

  it('a ticked box waits with its job while the write budget is spent (the tick is not lost)', async () => {
    await pushTag('9.0.0');
    await pushTag('10.0.0');
    await repo.install({ Dockerfile: `FROM ${registryHost}/${image}:9.0.0@${await pushTag('9.0.0')}\n`, '.github/freshen.yml': 'prLimit: 0\n' });
    stack.sim.setPermission(OWNER, REPO, 'alice', 'write');
    // Other jobs of this installation hold every write slot of the minute.
    const taken = await new RequestBudget(stack.ns.memory).reserveMany(`gh-writes:${repo.installationId}`, githubWriteWindows(DEFAULT_BUDGET), 120_000, DEFAULT_BUDGET.writesPerMinute);
    expect(taken.granted).toBe(true);
    await repo.tick('alice', ':10.0.0@');
    expect(repo.openPulls()).toEqual([]);
    expect(stack.failures).toEqual([]);
    expect(await stack.ns.memory.smembers(`dashboard:open:${repo.repoId}`)).toHaveLength(1);
  }, 60_000);

  it('is not written with `dashboard: false`', async () => {
    await pushTag('4.0.0');
    await repo.install({ Dockerfile: `FROM ${registryHost}/${image}:4.0.0\n`, '.github/freshen.yml': 'dashboard: false\n' });
    expect(repo.openPulls()).toHaveLength(1);
    expect(repo.dashboards()).toEqual([]);
  }, 60_000);
});
