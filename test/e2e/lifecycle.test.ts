// End to end: installation webhook → queue → worker → real registry → PR in the simulated GitHub, and its lifecycle.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { DEFAULT_BUDGET, githubWriteWindows, RequestBudget } from '../../src/budget/index.js';
import { enqueueRepoScan } from '../../src/queue/jobs.js';
import { parseMarker } from '../../src/render/pr.js';
import { installationCreated, startAppStack, type AppStack } from '../support/app-stack.js';
import { pushIndex } from '../support/oci-push.js';

const registryHost = inject('registryHost');
const registryUrl = `http://${registryHost}`;

let stack: AppStack;
let image: string;
let installationId: number;
let repoId: number;

async function pushTag(tag: string): Promise<string> {
  const pushed = await pushIndex(registryUrl, image, tag, [
    { platform: { os: 'linux', architecture: 'amd64' }, files: [{ 'version.txt': `${tag} amd64 ${randomBytes(4).toString('hex')}\n` }] },
    { platform: { os: 'linux', architecture: 'arm64' }, files: [{ 'version.txt': `${tag} arm64 ${randomBytes(4).toString('hex')}\n` }] },
  ]);
  return pushed.digest;
}

async function scanNow(): Promise<void> {
  await enqueueRepoScan(stack.ns.queue, { installationId, repoId, owner: 'acme', repo: 'web', reason: 'test' });
  await stack.settle();
}

async function install(files: Record<string, string>): Promise<void> {
  const inst = stack.sim.createInstallation({ account: 'acme' });
  installationId = inst.id;
  repoId = stack.sim.createRepo({ owner: 'acme', name: 'web', installationId, files }).id;
  await stack.deliver('installation', installationCreated(stack.sim, installationId, [{ id: repoId, name: 'web', owner: 'acme' }]));
  await stack.settle();
}

function closedPayload(pr: { number: number; body: string | null; head: string }) {
  return {
    action: 'closed', number: pr.number, installation: { id: installationId },
    repository: { id: repoId, name: 'web', full_name: 'acme/web', owner: { login: 'acme' } },
    pull_request: { number: pr.number, merged: false, body: pr.body, head: { ref: pr.head, repo: { id: repoId } }, base: { ref: 'main' } },
    sender: { login: 'alice' },
  };
}

const freshenBranches = () => Object.keys(stack.sim.branches('acme', 'web')).filter((b) => b.startsWith('freshen/'));
const openPulls = () => stack.sim.pulls('acme', 'web').filter((p) => p.state === 'open');

beforeEach(async () => {
  stack = await startAppStack({ redisUrl: inject('redisUrl'), registryHost });
  image = `e2e${randomBytes(4).toString('hex')}/node`;
});
afterEach(async () => {
  // Every request Freshen made had a simulated endpoint.
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
});

describe('pinned updates through the app', () => {
  it('opens one PR with pinned FROM lines, keeps it, updates it, and leaves a human-touched branch alone', async () => {
    await pushTag('20.11.0');
    const patch = await pushTag('20.11.1');
    await install({ Dockerfile: `# app image\nFROM ${registryHost}/${image}:20.11.0 AS build\nRUN make\n`, 'README.md': 'hello\n' });

    const [pr] = openPulls();
    expect(openPulls()).toHaveLength(1);
    expect(pr!.title).toBe(`Update ${registryHost}/${image} Docker tag to 20.11.1`);
    expect(pr!.head).toBe('freshen/container-images');
    expect(pr!.labels).toEqual(['dependencies']);
    const branchFile = stack.sim.readFile('acme', 'web', 'freshen/container-images', 'Dockerfile');
    expect(branchFile).toBe(`# app image\nFROM ${registryHost}/${image}:20.11.1@${patch} AS build\nRUN make\n`);
    const commit = stack.sim.getCommit('acme', 'web', 'freshen/container-images')!;
    expect(commit.verified).toBe(true);
    expect(commit.parents).toEqual([stack.sim.branches('acme', 'web')['main']]);
    expect(pr!.body).toContain(`| \`Dockerfile\` |`);
    expect(parseMarker(pr!.body)?.updates.map((u) => u.to)).toEqual([`${registryHost}/${image}:20.11.1@${patch}`]);

    // Nothing new: nothing changes.
    const before = { sha: stack.sim.branches('acme', 'web')['freshen/container-images'], body: pr!.body };
    await scanNow();
    expect(stack.sim.branches('acme', 'web')['freshen/container-images']).toBe(before.sha);
    expect(openPulls().map((p) => p.body)).toEqual([before.body]);

    // A newer tag: the same PR, regenerated.
    const newer = await pushTag('20.11.2');
    await scanNow();
    expect(openPulls().map((p) => p.number)).toEqual([pr!.number]);
    expect(stack.sim.readFile('acme', 'web', 'freshen/container-images', 'Dockerfile')).toContain(`:20.11.2@${newer} AS build`);
    expect(openPulls()[0]!.title).toBe(`Update ${registryHost}/${image} Docker tag to 20.11.2`);
    expect(stack.sim.getCommit('acme', 'web', 'freshen/container-images')!.parents).toHaveLength(1);

    // A human commits on the branch: Freshen stops touching it and says so once.
    const human = stack.sim.commit('acme', 'web', 'freshen/container-images', { 'notes.txt': 'mine\n' }, { author: 'alice' });
    await pushTag('20.11.3');
    await scanNow();
    await scanNow();
    expect(stack.sim.branches('acme', 'web')['freshen/container-images']).toBe(human);
    expect(stack.sim.readFile('acme', 'web', 'freshen/container-images', 'Dockerfile')).toContain(`:20.11.2@${newer}`);
    const notes = stack.sim.comments('acme', 'web', pr!.number).filter((c) => c.body.includes('no longer update'));
    expect(notes).toHaveLength(1);
    expect(openPulls()).toHaveLength(1);
  });

  it('puts a major update in its own PR and respects prLimit', async () => {
    await pushTag('20.11.0');
    await pushTag('20.12.0');
    await pushTag('22.1.0');
    await install({
      Dockerfile: `FROM ${registryHost}/${image}:20.11.0\n`,
      '.github/freshen.yml': 'prLimit: 1\nlabels: [deps, images]\n',
    });
    expect(openPulls().map((p) => p.head)).toEqual(['freshen/container-images']);
    expect(openPulls()[0]!.labels).toEqual(['deps', 'images']);
    stack.sim.commit('acme', 'web', 'main', { '.github/freshen.yml': 'prLimit: 5\n' }, { author: 'alice' });
    await scanNow();
    const heads = openPulls().map((p) => p.head).sort();
    expect(heads).toEqual(['freshen/container-images', `freshen/major-${registryHost.replace(':', '-')}-${image.replace('/', '-')}`]);
    const major = openPulls().find((p) => p.head.includes('major'))!;
    expect(major.title).toBe(`Update ${registryHost}/${image} Docker tag to 22`);
    expect(stack.sim.readFile('acme', 'web', major.head, 'Dockerfile')).toMatch(new RegExp(`:22\\.1\\.0@sha256:[0-9a-f]{64}\\n$`));
  });

  it('reads shared settings through _extends from the organisation .github repository', async () => {
    await pushTag('2.0.0');
    const inst = stack.sim.createInstallation({ account: 'acme' });
    installationId = inst.id;
    stack.sim.createRepo({ owner: 'acme', name: '.github', installationId, files: { '.github/freshen.yml': 'labels: [org-wide]\nprLimit: 2\n' } });
    repoId = stack.sim.createRepo({
      owner: 'acme', name: 'web', installationId,
      files: { Dockerfile: `FROM ${registryHost}/${image}:2.0.0\n`, '.github/freshen.yml': '_extends: .github\nprLimit: 4\n' },
    }).id;
    await scanNow();
    expect(openPulls().map((p) => p.labels)).toEqual([['org-wide']]);
  });

  it('does not propose a declined target again, but does propose a newer one', async () => {
    await pushTag('3.0.0');
    await pushTag('3.0.1');
    await install({ Dockerfile: `FROM ${registryHost}/${image}:3.0.0\n` });
    const [pr] = openPulls();
    stack.sim.close('acme', 'web', pr!.number);
    await stack.deliver('pull_request', closedPayload(pr!));
    await stack.settle();
    expect(freshenBranches()).toEqual([]);
    await scanNow();
    expect(openPulls()).toEqual([]);
    expect(freshenBranches()).toEqual([]);
    await pushTag('3.0.2');
    await scanNow();
    expect(openPulls()).toHaveLength(1);
    expect(stack.sim.readFile('acme', 'web', 'freshen/container-images', 'Dockerfile')).toContain(':3.0.2@sha256:');
  });

  it('closes a PR whose updates were applied by someone else, and deletes its branch', async () => {
    await pushTag('5.0.0');
    const digest = await pushTag('5.0.1');
    await install({ Dockerfile: `FROM ${registryHost}/${image}:5.0.0\n` });
    const [pr] = openPulls();
    stack.sim.commit('acme', 'web', 'main', { Dockerfile: `FROM ${registryHost}/${image}:5.0.1@${digest}\n` }, { author: 'alice' });
    await scanNow();
    expect(openPulls()).toEqual([]);
    expect(freshenBranches()).toEqual([]);
    expect(stack.sim.comments('acme', 'web', pr!.number).some((c) => c.body.includes('closing it'))).toBe(true);
    // Freshen closing its own PR is not a human declining it.
    await stack.deliver('pull_request', closedPayload(pr!));
    await stack.settle();
    await pushTag('5.0.2');
    await scanNow();
    expect(openPulls()).toHaveLength(1);
  });

  it('regenerates the same PR on top of a moved base (same proposal, new parent)', async () => {
    await pushTag('6.0.0');
    const digest = await pushTag('6.0.1');
    await install({ Dockerfile: `FROM ${registryHost}/${image}:6.0.0\n` });
    const [pr] = openPulls();
    const oldSha = stack.sim.branches('acme', 'web')['freshen/container-images'];
    const moved = stack.sim.commit('acme', 'web', 'main', { 'docs.md': 'new\n' }, { author: 'alice' });
    await scanNow();
    expect(openPulls().map((p) => p.number)).toEqual([pr!.number]);
    expect(stack.sim.branches('acme', 'web')['freshen/container-images']).not.toBe(oldSha);
    const commit = stack.sim.getCommit('acme', 'web', 'freshen/container-images')!;
    expect(commit.parents).toEqual([moved]);
    expect(commit.verified).toBe(true);
    expect(stack.sim.readFile('acme', 'web', 'freshen/container-images', 'docs.md')).toBe('new\n');
    expect(stack.sim.readFile('acme', 'web', 'freshen/container-images', 'Dockerfile')).toBe(`FROM ${registryHost}/${image}:6.0.1@${digest}\n`);
    expect(stack.sim.comments('acme', 'web', pr!.number).filter((c) => c.body.includes('no longer update'))).toEqual([]);
  });

  it('closes a PR whose dependency is now ignored, and deletes its branch', async () => {
    await pushTag('7.0.0');
    await pushTag('7.0.1');
    await install({ Dockerfile: `FROM ${registryHost}/${image}:7.0.0\n` });
    const [pr] = openPulls();
    stack.sim.commit('acme', 'web', 'main', { '.github/freshen.yml': `ignore: ["${registryHost}/${image.split('/')[0]}/*"]\n` }, { author: 'alice' });
    await scanNow();
    expect(openPulls()).toEqual([]);
    expect(freshenBranches()).toEqual([]);
    expect(stack.sim.comments('acme', 'web', pr!.number).some((c) => c.body.includes('closing it'))).toBe(true);
  });
});

describe('the write budget', () => {
  it('delays a PR update whose writes are not free, before writing anything of it', async () => {
    await pushTag('20.1.0');
    const first = await pushTag('20.1.1');
    await install({ Dockerfile: `FROM ${registryHost}/${image}:20.1.0\n` });
    const [pr] = openPulls();
    expect(stack.sim.readFile('acme', 'web', pr!.head, 'Dockerfile')).toContain(`:20.1.1@${first}`);
    const headBefore = stack.sim.branches('acme', 'web')[pr!.head];
    await pushTag('20.1.2');
    // Other jobs of this installation hold all but two write slots of the minute: the update needs four.
    const budget = new RequestBudget(stack.ns.memory);
    const name = `gh-writes:${installationId}`;
    const taken: string[] = [];
    for (;;) {
      const slot = await budget.reserveMany(name, githubWriteWindows(DEFAULT_BUDGET), 0, 1);
      if (!slot.granted) break;
      taken.push(...slot.ids);
    }
    await budget.release(name, taken.slice(-2));
    stack.sim.clearRequests();
    await scanNow();
    expect(stack.failures).toEqual([]);
    expect(stack.sim.requests.filter((r) => r.contentCreating)).toEqual([]);
    expect(stack.sim.branches('acme', 'web')[pr!.head]).toBe(headBefore);
    // The job waits in the queue for the budget, with its PR's value as priority.
    expect(await stack.ns.queue.getDelayedCount()).toBeGreaterThan(0);
  }, 60_000);
});
