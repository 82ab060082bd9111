// End to end: an invalid `.github/freshen.yml` is shown where the docs say — the dashboard issue's Errors, with lines — and nothing else changes.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { installationCreated, type AppStack } from '../support/app-stack.js';
import { pushImage } from '../support/oci-push.js';
import { DashboardRepo, OWNER, REPO, startProductionStack, uniqueName } from './dashboard-support.js';

const registryHost = inject('registryHost');

let stack: AppStack;
let repo: DashboardRepo;
let image: string;

async function pushTag(tag: string): Promise<string> {
  return (await pushImage(`http://${registryHost}`, image, tag, { files: [{ 'version.txt': `${tag} ${Math.random()}\n` }] })).digest;
}

const INVALID = /### Problems\n\n- `\.github\/freshen\.yml` is invalid \(see Errors\): Freshen changes nothing in this repository until it is fixed\./;
const freshenBranches = () => Object.keys(stack.sim.branches(OWNER, REPO)).filter((b) => b.startsWith('freshen/'));
const commitConfig = (text: string) => stack.sim.commit(OWNER, REPO, 'main', { '.github/freshen.yml': text }, { author: 'alice' });

beforeEach(async () => {
  stack = await startProductionStack({ redisUrl: inject('redisUrl'), registryHost });
  repo = new DashboardRepo(stack);
  image = uniqueName('node');
});
afterEach(async () => {
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
});

describe('an invalid config', () => {
  it('is listed under the dashboard\'s Errors with its lines, changes nothing, and is gone once fixed', async () => {
    await pushTag('1.0.0');
    await pushTag('1.0.1');
    await repo.install({ Dockerfile: `FROM ${registryHost}/${image}:1.0.0\n`, '.github/freshen.yml': '# ours\nprLimit: many\nignore: docker.io/x\n' });
    expect(freshenBranches()).toEqual([]);
    expect(repo.openPulls()).toEqual([]);
    // One issue, the dashboard: no separate issue for the config.
    expect(stack.sim.issues(OWNER, REPO)).toHaveLength(1);
    expect(repo.dashboards()[0]!.title).toBe('Freshen dashboard');
    const body = repo.dashboard();
    expect(body).toMatch(INVALID);
    expect(body).toContain([
      '### Errors', '',
      '- `.github/freshen.yml:2`: prLimit: expected number, received string',
      '- `.github/freshen.yml:3`: ignore: expected array, received string',
    ].join('\n'));

    // Scanning again with the same problems edits nothing.
    stack.sim.clearRequests();
    await repo.scan();
    expect(repo.dashboardWrites()).toBe(0);

    commitConfig('prLimit: 3\n');
    await repo.scan();
    expect(repo.openPulls()).toHaveLength(1);
    expect(stack.sim.issues(OWNER, REPO)).toHaveLength(1);
    expect(repo.dashboards()[0]!.state).toBe('open');
    expect(repo.dashboard()).not.toMatch(/is invalid/);
    expect(repo.dashboard()).toContain('### Errors\n\n_None._');
  }, 60_000);

  it('broken YAML: the line of the syntax error', async () => {
    await pushTag('2.0.0');
    await repo.install({ Dockerfile: `FROM ${registryHost}/${image}:2.0.0\n`, '.github/freshen.yml': 'prLimit: 2\nlabels: x: y\n' });
    expect(freshenBranches()).toEqual([]);
    expect(repo.dashboard()).toMatch(/### Errors\n\n- `\.github\/freshen\.yml:2`: invalid YAML: Nested mappings are not allowed in compact mappings\n/);
  }, 60_000);

  it('is shown even with `dashboard: false`; once valid, that issue says so and closes, and opens again for new problems', async () => {
    await pushTag('3.0.0');
    await pushTag('3.0.1');
    await repo.install({ Dockerfile: `FROM ${registryHost}/${image}:3.0.0\n`, '.github/freshen.yml': 'dashboard: false\nprLimit: none\n' });
    const [issue] = repo.dashboards();
    expect(repo.dashboard()).toContain('- `.github/freshen.yml:2`: prLimit: expected number, received string');

    commitConfig('dashboard: false\n');
    await repo.scan();
    expect(repo.openPulls()).toHaveLength(1);
    expect(repo.dashboards()[0]!.state).toBe('closed');
    expect(stack.sim.comments(OWNER, REPO, issue!.number).at(-1)?.body).toMatch(/is valid again and says `dashboard: false`/);

    // Valid and quiet: the closed issue stays as it is.
    stack.sim.clearRequests();
    await repo.scan();
    expect(repo.dashboardWrites()).toBe(0);

    commitConfig('dashboard: false\nlabels: oops\n');
    await repo.scan();
    expect(repo.dashboards()).toHaveLength(1);
    expect(repo.dashboards()[0]!.state).toBe('open');
    expect(repo.dashboard()).toContain('- `.github/freshen.yml:2`: labels: expected array, received string');
  }, 60_000);

  it('names the organisation\'s file when the bad key came from `_extends`', async () => {
    await pushTag('4.0.0');
    const inst = stack.sim.createInstallation({ account: OWNER });
    stack.sim.createRepo({ owner: OWNER, name: '.github', installationId: inst.id, files: { '.github/freshen.yml': 'prLimit: lots\n' } });
    const repoId = stack.sim.createRepo({
      owner: OWNER, name: REPO, installationId: inst.id,
      files: { Dockerfile: `FROM ${registryHost}/${image}:4.0.0\n`, '.github/freshen.yml': '_extends: .github\nlabels: [deps]\ngroups: nope\n' },
    }).id;
    await stack.deliver('installation', installationCreated(stack.sim, inst.id, [{ id: repoId, name: REPO, owner: OWNER }]));
    await stack.settle(60_000);
    expect(repo.dashboard()).toContain([
      '- `.github/freshen.yml:3`: groups: expected array, received string',
      '- `acme/.github:.github/freshen.yml`: prLimit: expected number, received string',
    ].join('\n'));
  }, 60_000);
});
