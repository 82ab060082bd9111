// End to end through the app: a pnpm workspace (with a catalog) beside a Dockerfile — one grouped PR carries the base-image
// bump, the package.json and pnpm-workspace.yaml ranges and a pnpm-lock.yaml that pnpm's frozen install accepts.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject, it } from 'vitest';
import type { AppStack } from '../support/app-stack.js';
import { pushImage } from '../support/oci-push.js';
import { pnpm } from '../support/pnpm-project.js';
import { tempCheckout } from '../support/temp-dir.js';
import { publish, startVerdaccio, type VerdaccioInstance } from '../support/verdaccio.js';
import { DashboardRepo, OWNER, REPO, startProductionStack, uniqueName } from './dashboard-support.js';

const registryHost = inject('registryHost');
let verdaccio: VerdaccioInstance;
let stack: AppStack;
let repo: DashboardRepo;
let files: Record<string, string>;
const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

beforeAll(async () => {
  verdaccio = await startVerdaccio();
  await publish(verdaccio, 'web-lib', '1.0.0', { repository: 'git+https://github.com/acme/web-lib.git' });
  await publish(verdaccio, 'cat-lib', '1.0.0');
  files = {
    'package.json': json({ name: 'mono', private: true, packageManager: 'pnpm@10.34.9' }),
    'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n\ncatalog:\n  cat-lib: ^1.0.0\n",
    'apps/web/package.json': json({ name: 'web', version: '1.0.0', dependencies: { 'web-lib': '^1.0.0', 'cat-lib': 'catalog:' } }),
    '.npmrc': `registry=${verdaccio.url}/\n`,
  };
  // pnpm-lock.yaml as the developers made it, before the new releases.
  const dev = tempCheckout('freshen-e2e-pnpm-', files);
  pnpm(dev, ['install', '--lockfile-only', '--ignore-scripts']);
  files['pnpm-lock.yaml'] = readFileSync(join(dev, 'pnpm-lock.yaml'), 'utf8');
  await publish(verdaccio, 'web-lib', '1.1.0', { repository: 'git+https://github.com/acme/web-lib.git' });
  await publish(verdaccio, 'cat-lib', '1.0.1');
}, 120_000);
afterAll(async () => {
  await verdaccio?.stop();
});
beforeEach(async () => {
  stack = await startProductionStack({ redisUrl: inject('redisUrl'), registryHost, insecure: [verdaccio.host] });
  repo = new DashboardRepo(stack);
});
afterEach(async () => {
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
});

it('one PR: the node base image, the workspace member and the catalog move; pnpm install --frozen-lockfile accepts the lockfile', async () => {
  const image = uniqueName('node');
  await pushImage(`http://${registryHost}`, image, '22.1.0');
  await pushImage(`http://${registryHost}`, image, '22.2.0');
  stack.sim.createRepo({ owner: 'acme', name: 'web-lib', private: false, files: { 'README.md': 'web-lib\n' } });
  stack.sim.createRelease('acme', 'web-lib', { tag: 'v1.1.0', body: 'Renders a little faster.' });
  await repo.install({ ...files, Dockerfile: `FROM ${registryHost}/${image}:22.1.0\nCOPY . /app\n` });
  const pulls = repo.openPulls();
  expect(pulls).toHaveLength(1);
  const pr = pulls[0]!;
  const read = (path: string) => stack.sim.readFile(OWNER, REPO, pr.head, path)!;
  expect(read('Dockerfile')).toContain(`${image}:22.2.0`);
  // Both moves are inside their ranges: only the lockfile changes.
  expect(read('apps/web/package.json')).toBe(files['apps/web/package.json']);
  expect(read('pnpm-workspace.yaml')).toBe(files['pnpm-workspace.yaml']);
  const lock = read('pnpm-lock.yaml');
  expect(lock).not.toBe(files['pnpm-lock.yaml']);
  expect(lock).toMatch(/web-lib@1\.1\.0/);
  expect(lock).toMatch(/cat-lib@1\.0\.1/);
  expect(pr.body).toContain('`web-lib`');
  expect(pr.body).toContain('Renders a little faster.');
  // The branch as it is installs frozen.
  const dir = mkdtempSync(join(tmpdir(), 'freshen-e2e-pnpm-frozen-'));
  cpSync(tempCheckout('freshen-e2e-pnpm-pr-', { ...files, 'pnpm-lock.yaml': lock }), dir, { recursive: true });
  writeFileSync(join(dir, '.npmrc'), files['.npmrc']!);
  pnpm(dir, ['install', '--frozen-lockfile', '--ignore-scripts']);
}, 240_000);
