// Nothing lost, nothing surprising: 50 repositories swept by real processes (web + two workers) while workers are
// SIGKILLed mid-PR, Redis restarts, GitHub hangs and answers 502, and humans push onto Freshen's branches.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { installationCreated } from '../support/app-stack.js';
import type { HeldRequest } from '../support/github-sim/index.js';
import { waitFor } from '../support/ports.js';
import { audit, summary, type HumanCommit } from './audit.js';
import { startService, WORKER_DOORS, type Service } from './service.js';
import { createFleet, expectedPrs, files, pushImages, type FleetRepo, type Images } from './world.js';

const registryHost = inject('registryHost');
const REPOS = 50;
const PER_INSTALLATION = 10;
const DEFAULT_BRANCH = 'freshen/container-images';

let service: Service;
let images: Images;
let installations: FleetRepo[][];
const humans: HumanCommit[] = [];

beforeAll(async () => {
  images = await pushImages(registryHost);
  service = await startService({
    registryHost,
    env: {
      FRESHEN_WORKER_CONCURRENCY: '4',
      // A killed worker's job is taken over within seconds.
      FRESHEN_JOB_LOCK_SECONDS: '4',
      FRESHEN_SHUTDOWN_GRACE_SECONDS: '5',
      // GitHub gives up on a hung request after 3 s here (the production default is longer).
      FRESHEN_GITHUB_TIMEOUT_SECONDS: '3',
      // Pacing is not under test: Freshen's own budget alone paces writes, its minute lasting one second.
      FRESHEN_GITHUB_THROTTLE: 'off',
      FRESHEN_BUDGET_TIME_SCALE: '60', FRESHEN_GITHUB_WRITES_PER_MINUTE: '80', FRESHEN_GITHUB_WRITES_PER_HOUR: '500', FRESHEN_MAX_INLINE_WAIT_SECONDS: '1',
    },
  });
  installations = createFleet(service.sim, images, REPOS, PER_INSTALLATION);
}, 120_000);

afterAll(async () => {
  await service?.stop();
}, 60_000);

const ownerPath = (owner: string, rest: string) => new RegExp(`^/repos/${owner}/[^/]+/${rest}$`);

async function install(repos: FleetRepo[]): Promise<void> {
  const payload = installationCreated(service.sim, repos[0]!.installationId, repos.map((r) => ({ id: r.repoId, name: r.name, owner: r.owner })));
  expect(await service.deliver('installation', payload)).toBe(200);
}

/** `promise`, or an error naming `what` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen in ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const started = Date.now();
const step = (what: string) => console.log(`faults: ${((Date.now() - started) / 1000).toFixed(1)} s ${what}`);

/** SIGKILLs the worker that sent `held`; GitHub then never sees the request (drop) or carries it out anyway (pass). */
async function killSender(held: HeldRequest, then: 'drop' | 'pass'): Promise<void> {
  await service.workers.get(held.door)!.stop('SIGKILL');
  if (then === 'drop') held.drop();
  else await held.pass();
  await service.replaceWorker(held.door);
}

/** A human pushes onto a Freshen branch; the commit must stay reachable from it. */
function humanPush(repo: FleetRepo, branch: string): void {
  if (!service.sim.branches(repo.owner, repo.name)[branch]) return; // a lost PR: the audit counts it
  const sha = service.sim.commit(repo.owner, repo.name, branch, { 'NOTES.md': `notes by a human on ${branch}\n` }, { author: 'dev' });
  humans.push({ owner: repo.owner, repo: repo.name, branch, sha });
}

function pushPayload(repo: FleetRepo, sha: string, modified: string[]) {
  return {
    ref: 'refs/heads/main', before: '0'.repeat(40), after: sha, deleted: false, created: false, forced: false,
    installation: { id: repo.installationId },
    repository: { id: repo.repoId, name: repo.name, full_name: `${repo.owner}/${repo.name}`, default_branch: 'main', owner: { login: repo.owner, name: repo.owner } },
    commits: [{ id: sha, added: [], removed: [], modified }],
    sender: { login: 'dev', type: 'User' },
  };
}

it(`sweeps ${REPOS} repositories through worker kills, a Redis restart, GitHub hanging and answering 502, and human pushes: nothing lost, duplicated, half-written or overwritten`, async () => {
  const { sim, network } = service;
  const fleet = installations.flat();
  const repo = (n: number) => fleet[n]!;
  try {
    // 1. A worker dies while its PR request is on the wire, and GitHub never saw it.
    let held = network.holdNext(({ method, path }) => method === 'POST' && ownerPath('org0', 'pulls').test(path));
    await install(installations[0]!);
    await killSender(await within(held, 60_000, 'an org0 PR request'), 'drop');
    step('killed a worker mid-PR (request dropped)');
    // 2. A worker dies while its branch's commit is written, and GitHub writes it anyway.
    held = network.holdNext(({ path, body }) => path === '/graphql' && body.includes('createCommitOnBranch') && body.includes('"org1/'));
    await install(installations[1]!);
    await killSender(await within(held, 60_000, 'an org1 branch commit'), 'pass');
    step('killed a worker mid-commit (commit landed)');
    // 3. A worker dies while it creates the dashboard issue, and GitHub creates it.
    held = network.holdNext(({ method, path }) => method === 'POST' && ownerPath('org2', 'issues').test(path));
    await install(installations[2]!);
    await killSender(await within(held, 60_000, 'an org2 dashboard creation'), 'pass');
    step('killed a worker mid-dashboard (issue created)');

    // 4. With one PR request of org3 in flight: Redis restarts, then GitHub hangs, then answers 502.
    const waiting = network.holdNext(({ method, path }) => method === 'POST' && ownerPath('org3', 'pulls').test(path));
    await install(installations[3]!);
    const inFlight = await within(waiting, 60_000, 'an org3 PR request');
    const marks = new Map(WORKER_DOORS.map((door) => [door, service.workers.get(door)!.lines]));
    await service.redis.restart(() =>
      waitFor(async () => WORKER_DOORS.every((door) => service.workers.get(door)!.wrote(/ECONNREFUSED/, marks.get(door)!)), 'both workers losing Redis', 60_000));
    step('Redis restarted');
    await install(installations[4]!);
    await waitFor(async () => sim.requests.some((r) => r.path.startsWith('/repos/org4/')), 'org4 being scanned', 60_000);
    network.mode = 'hang';
    await waitFor(async () => network.abandoned >= 3, 'Freshen giving up on hung GitHub requests', 90_000);
    network.heal();
    step('GitHub hung');
    network.mode = '502';
    await waitFor(async () => network.badGateways >= 10, 'GitHub answering 502', 60_000);
    network.heal();
    step('GitHub answered 502');
    await inFlight.pass();
    await service.drained(180_000);
    step('first sweep done');

    // Between sweeps: humans push onto Freshen branches (a major's too), and some default branches move on.
    for (const n of [10, 21, 34, 40]) humanPush(repo(n), DEFAULT_BRANCH);
    humanPush(repo(12), expectedPrs(repo(12)).find((p) => p.branch.startsWith('freshen/major-'))!.branch);
    for (const n of [6, 19, 25, 31, 44]) sim.commit(repo(n).owner, repo(n).name, 'main', { 'README.md': 'moved on\n' }, { author: 'dev' });

    // 5. The scheduled sweep. r25's PR is regenerated on its moved base: a human pushes onto its branch
    // between Freshen's last look and its move of the branch. r45's default branch changes while it is scanned.
    const race = repo(25);
    const late = repo(45);
    const raceMove = network.holdNext(({ method, path, body }) =>
      (method === 'PATCH' && path === `/repos/${race.owner}/${race.name}/git/refs/heads/${DEFAULT_BRANCH}`) ||
      (path === '/graphql' && body.includes('updateRefs') && body.includes(`"R_${race.repoId}"`)));
    const lateScan = network.holdNext(({ method, path }) => method === 'GET' && path === `/repos/${late.owner}/${late.name}/pulls`);
    for (const repos of installations) await service.queue.add('scan-installation', { installationId: repos[0]!.installationId });
    const move = await within(raceMove, 60_000, `${race.name}'s branch move`);
    humanPush(race, DEFAULT_BRANCH);
    await move.pass();
    const scan = await within(lateScan, 60_000, `${late.name}'s PR list`);
    late.dockerfiles = { Dockerfile: [...late.dockerfiles.Dockerfile!, { image: images.c, tag: '1.0' }] };
    const pushed = sim.commit(late.owner, late.name, 'main', files(late.dockerfiles), { author: 'dev' });
    expect(await service.deliver('push', pushPayload(late, pushed, ['Dockerfile']))).toBe(200);
    await scan.pass();
    await service.drained(180_000);
    step('second sweep done');
  } catch (err) {
    throw new Error(`${String(err)}\n${service.output()}`);
  }

  const figures = audit(sim, fleet, humans);
  console.log(summary(figures));
  const retried = service.started.flatMap((p) => p.output.filter((l) => l.includes('"job failed"')).map((l) => /"err":"([^"]*)"/.exec(l)?.[1] ?? l));
  console.log(`faults: attempts that failed and were retried: ${retried.length}${retried.length > 0 ? ` (${[...new Set(retried)].join('; ')})` : ''}`);
  for (const [figure, found] of Object.entries(figures)) if (Array.isArray(found) && found.length > 0) console.log(`faults: ${figure}: ${found.join('; ')}`);
  expect(humans).toHaveLength(6);
  expect(figures.lost).toEqual([]);
  expect(figures.duplicate).toEqual([]);
  expect(figures.unexpected).toEqual([]);
  expect(figures.halfWritten).toEqual([]);
  expect(figures.overwritten).toEqual([]);
  expect(figures.staleDashboards).toEqual([]);
  expect(await service.queue.getJobCounts('failed')).toEqual({ failed: 0 });
  expect(sim.unhandled).toEqual([]);
}, 300_000);
