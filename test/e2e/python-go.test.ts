// End to end through the app: a Poetry project beside a Dockerfile (and, with it, a Go module beside another) in one
// repository — the grouped PR carries the base-image bump, the pyproject.toml constraint and a poetry.lock that Poetry
// accepts, regenerated against loopback indexes the app's settings name.
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject, it } from 'vitest';
import type { AppStack } from '../support/app-stack.js';
import { pushImage } from '../support/oci-push.js';
import { firstLock, lockCheck, lockedIn, pyprojectText } from '../support/poetry-project.js';
import { startPythonIndex, type PythonIndex } from '../support/python-index.js';
import { DashboardRepo, OWNER, REPO, startProductionStack, uniqueName } from './dashboard-support.js';

const registryHost = inject('registryHost');
let index: PythonIndex;
let stack: AppStack;
let repo: DashboardRepo;
let lock: string;

beforeAll(async () => {
  index = await startPythonIndex([
    { name: 'alpha', version: '1.0.0' },
    { name: 'alpha', version: '1.1.0' },
    { name: 'beta', version: '1.0.0' },
    { name: 'beta', version: '1.3.0' },
  ]);
  lock = await firstLock(pyprojectText({ alpha: '==1.0.0', beta: '==1.0.0' }), `${index.url}/`, [index.host]);
}, 120_000);
afterAll(async () => {
  await index?.close();
});
beforeEach(async () => {
  stack = await startProductionStack({
    redisUrl: inject('redisUrl'), registryHost, insecure: [index.host],
    env: { PIP_INDEX_URL: `${index.url}/simple` },
  });
  repo = new DashboardRepo(stack);
});
afterEach(async () => {
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
});

it('one PR moves the python base image and the Poetry project; poetry lock --check accepts its lockfile', async () => {
  const image = uniqueName('python');
  await pushImage(`http://${registryHost}`, image, '3.12.1');
  await pushImage(`http://${registryHost}`, image, '3.12.2');
  const pyproject = pyprojectText({ alpha: '^1.0', beta: '~1.0' });
  await repo.install({
    'api/Dockerfile': `FROM ${registryHost}/${image}:3.12.1\nCOPY . /app\n`,
    'api/pyproject.toml': pyproject,
    'api/poetry.lock': lock,
  });
  const pulls = repo.openPulls();
  expect(pulls).toHaveLength(1);
  const head = pulls[0]!.head;
  const written = stack.sim.readFile(OWNER, REPO, head, 'api/pyproject.toml')!;
  const writtenLock = stack.sim.readFile(OWNER, REPO, head, 'api/poetry.lock')!;
  expect(stack.sim.readFile(OWNER, REPO, head, 'api/Dockerfile')).toContain(`${image}:3.12.2`);
  // alpha 1.1.0 fits ^1.0 (lockfile only); beta 1.3.0 does not fit ~1.0.
  expect(written).toContain('alpha = "^1.0"');
  expect(written).toContain('beta = "~1.3"');
  expect(lockedIn(writtenLock)).toMatchObject({ alpha: '1.1.0', beta: '1.3.0' });
  expect(await lockCheck(written, writtenLock)).toMatchObject({ ok: true });
  const body = pulls[0]!.body ?? '';
  expect(body).toContain('`alpha`');
  expect(body).toContain('`beta`');
}, 240_000);
