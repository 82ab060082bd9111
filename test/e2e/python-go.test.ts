// End to end through the app: a Poetry project beside a Dockerfile (and, with it, a Go module beside another) in one
// repository — the grouped PR carries the base-image bump, the pyproject.toml constraint and a poetry.lock that Poetry
// accepts, regenerated against loopback indexes the app's settings name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject, it } from 'vitest';
import type { AppStack } from '../support/app-stack.js';
import { startGoProxy, type GoProxyServer } from '../support/go-proxy.js';
import { goTestSettings, runGo } from '../support/go-tool.js';
import { tempCheckout, tempDir } from '../support/temp-dir.js';
import { pushImage } from '../support/oci-push.js';
import { firstLock, lockCheck, lockedIn, pyprojectText } from '../support/poetry-project.js';
import { startPythonIndex, type PythonIndex } from '../support/python-index.js';
import { DashboardRepo, OWNER, REPO, startProductionStack, uniqueName } from './dashboard-support.js';

const registryHost = inject('registryHost');
let index: PythonIndex;
let proxy: GoProxyServer;
let stack: AppStack;
let repo: DashboardRepo;
let lock: string;
const goHome = tempDir('freshen-e2e-go-home-');
const GO_MOD = 'module example.com/svc\n\ngo 1.19\n\nrequire example.com/greet v1.0.0\n';
const MAIN_GO = 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/greet"\n)\n\nfunc main() { fmt.Println(greet.Version()) }\n';
let goSum: string;

beforeAll(async () => {
  index = await startPythonIndex([
    { name: 'alpha', version: '1.0.0' },
    { name: 'alpha', version: '1.1.0' },
    { name: 'beta', version: '1.0.0' },
    { name: 'beta', version: '1.3.0' },
  ]);
  lock = await firstLock(pyprojectText({ alpha: '==1.0.0', beta: '==1.0.0' }), `${index.url}/`, [index.host]);
  proxy = await startGoProxy([{ path: 'example.com/greet', versions: [{ version: 'v1.0.0' }, { version: 'v1.1.0' }] }]);
  // go.sum as a developer made it.
  const dir = tempCheckout('freshen-e2e-go-', { 'go.mod': GO_MOD, 'main.go': MAIN_GO });
  await runGo(dir, ['mod', 'tidy'], goTestSettings(proxy.url), goHome);
  goSum = readFileSync(join(dir, 'go.sum'), 'utf8');
}, 120_000);
afterAll(async () => {
  await index?.close();
  await proxy?.close();
});
beforeEach(async () => {
  stack = await startProductionStack({
    redisUrl: inject('redisUrl'), registryHost, insecure: [index.host, proxy.host],
    env: { PIP_INDEX_URL: `${index.url}/simple`, ...goTestSettings(proxy.url) },
  });
  repo = new DashboardRepo(stack);
});
afterEach(async () => {
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
});

it('one PR moves both base images, the Poetry project and the Go module; poetry lock --check, go mod verify and go build accept it', async () => {
  const image = uniqueName('python');
  await pushImage(`http://${registryHost}`, image, '3.12.1');
  await pushImage(`http://${registryHost}`, image, '3.12.2');
  const golang = uniqueName('golang');
  await pushImage(`http://${registryHost}`, golang, '1.19.1');
  await pushImage(`http://${registryHost}`, golang, '1.19.2');
  const pyproject = pyprojectText({ alpha: '^1.0', beta: '~1.0' });
  await repo.install({
    'api/Dockerfile': `FROM ${registryHost}/${image}:3.12.1\nCOPY . /app\n`,
    'api/pyproject.toml': pyproject,
    'api/poetry.lock': lock,
    'svc/Dockerfile': `FROM ${registryHost}/${golang}:1.19.1\nCOPY . /src\n`,
    'svc/go.mod': GO_MOD,
    'svc/go.sum': goSum,
    'svc/main.go': MAIN_GO,
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
  expect(stack.sim.readFile(OWNER, REPO, head, 'svc/Dockerfile')).toContain(`${golang}:1.19.2`);
  const goMod = stack.sim.readFile(OWNER, REPO, head, 'svc/go.mod')!;
  const newSum = stack.sim.readFile(OWNER, REPO, head, 'svc/go.sum')!;
  expect(goMod).toContain('require example.com/greet v1.1.0');
  expect(newSum).toContain('example.com/greet v1.1.0 h1:');
  // The module as the PR leaves it builds, its checksums verified.
  const dir = tempCheckout('freshen-e2e-go-pr-', { 'go.mod': goMod, 'go.sum': newSum, 'main.go': MAIN_GO });
  const readonly = { ...goTestSettings(proxy.url), GOFLAGS: '-mod=readonly -modcacherw' };
  expect(await runGo(dir, ['mod', 'verify'], readonly, goHome)).toContain('all modules verified');
  await runGo(dir, ['build', './...'], readonly, goHome);
  const body = pulls[0]!.body ?? '';
  for (const name of ['`alpha`', '`beta`', '`example.com/greet`']) expect(body).toContain(name);
}, 240_000);
