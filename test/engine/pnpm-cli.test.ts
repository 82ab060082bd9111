// `freshen scan --write` on a pnpm workspace with a catalog against Verdaccio: package.json, pnpm-workspace.yaml and pnpm-lock.yaml change together, and pnpm's frozen install accepts them.
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/cli.js';
import { pnpmLockfile } from '../../src/managers/pnpm/index.js';
import { catalogLockedVersion } from '../../src/managers/pnpm/lockfile.js';
import { pnpm } from '../support/pnpm-project.js';
import { tempCheckout } from '../support/temp-dir.js';
import { publish, startVerdaccio, type VerdaccioInstance } from '../support/verdaccio.js';

let verdaccio: VerdaccioInstance;
let dir: string;
const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
const token = () => `//${verdaccio.host}/:_authToken=${verdaccio.token}\n`;

function cli(args: string[]) {
  return runCliCaptured(args, { PATH: process.env.PATH, FRESHEN_INSECURE_REGISTRIES: verdaccio.host, FRESHEN_NPMRC: token() });
}

function snapshot(root: string): Record<string, string> {
  const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Object.fromEntries(files.map((e) => [join(e.parentPath, e.name).slice(root.length + 1), readFileSync(join(e.parentPath, e.name), 'utf8')]).sort());
}

/** The checkout as its developers committed it: registry settings without a token, pnpm-lock.yaml from their pnpm (given the token). */
function checkout(): string {
  const files = {
    'package.json': json({ name: 'mono', private: true, dependencies: { '@private/cli-secret': '^1.0.0', 'cat-lib': 'catalog:' } }),
    'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n\ncatalog:\n  cat-lib: ^1.0.0\n",
    'apps/web/package.json': json({ name: 'web', version: '1.0.0', dependencies: { 'cli-lib': '^1.0.0', 'cat-lib': 'catalog:' } }),
    '.npmrc': `registry=${verdaccio.url}/\n`,
  };
  const root = tempCheckout('freshen-pnpm-cli-', files);
  const dev = mkdtempSync(join(tmpdir(), 'freshen-pnpm-dev-'));
  cpSync(root, dev, { recursive: true });
  writeFileSync(join(dev, '.npmrc'), files['.npmrc'] + token());
  pnpm(dev, ['install', '--lockfile-only', '--ignore-scripts']);
  writeFileSync(join(root, 'pnpm-lock.yaml'), readFileSync(join(dev, 'pnpm-lock.yaml'), 'utf8'));
  return root;
}

beforeAll(async () => {
  verdaccio = await startVerdaccio();
  await publish(verdaccio, 'cli-lib', '1.0.0');
  await publish(verdaccio, 'cat-lib', '1.0.0');
  await publish(verdaccio, '@private/cli-secret', '1.0.0');
  dir = checkout();
  await publish(verdaccio, 'cli-lib', '1.1.0');
  await publish(verdaccio, 'cli-lib', '2.0.0');
  await publish(verdaccio, 'cat-lib', '1.0.1');
  await publish(verdaccio, 'cat-lib', '2.0.0');
  await publish(verdaccio, '@private/cli-secret', '1.2.0');
}, 120_000);

afterAll(async () => {
  await verdaccio?.stop();
});

describe('freshen scan --write on a pnpm workspace with a catalog', () => {
  it('extract: package.json `catalog:` dependencies point at the catalog entry, which is a dependency of its own', async () => {
    const extracted = await cli(['extract', dir, '--json']);
    const rows = extracted.json.dependencies.map((d: { manager: string; file: string; depName: string; currentValue: string; skipReason?: string }) => [d.manager, d.file, d.depName, d.currentValue, d.skipReason ?? null]);
    expect(rows).toEqual(expect.arrayContaining([
      ['npm', 'package.json', 'cat-lib', 'catalog:', expect.stringMatching(/^catalog: .*pnpm-workspace\.yaml/)],
      ['npm', 'apps/web/package.json', 'cat-lib', 'catalog:', expect.stringMatching(/^catalog: /)],
      ['pnpm', 'pnpm-workspace.yaml', 'cat-lib', '^1.0.0', null],
      ['npm', 'package.json', '@private/cli-secret', '^1.0.0', null],
      ['npm', 'apps/web/package.json', 'cli-lib', '^1.0.0', null],
    ]));
  }, 60_000);

  it('proposes from the locked versions, writes the manifests and pnpm-lock.yaml together, and the frozen install accepts them', async () => {
    const before = snapshot(dir);
    const scanned = await cli(['scan', dir, '--json']);
    expect(scanned.json.errors).toEqual([]);
    expect(scanned.json.updates.map((u: { file: string; depName: string; from: string; to: string }) => [u.file, u.depName, u.from, u.to]).sort()).toEqual([
      ['apps/web/package.json', 'cli-lib', '1.0.0', '1.1.0'],
      ['apps/web/package.json', 'cli-lib', '1.0.0', '^2.0.0'],
      ['package.json', '@private/cli-secret', '1.0.0', '1.2.0'],
      ['pnpm-workspace.yaml', 'cat-lib', '1.0.0', '1.0.1'],
      ['pnpm-workspace.yaml', 'cat-lib', '1.0.0', '^2.0.0'],
    ]);

    const written = await cli(['scan', dir, '--write']);
    expect(written.err).toBe('');
    expect(written.code).toBe(0);
    const after = snapshot(dir);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    // The in-range update touches only the lockfile; the majors bump the member's range and the catalog entry.
    expect(after['package.json']).toBe(before['package.json']);
    expect(after['apps/web/package.json']).toBe(before['apps/web/package.json']!.replace('"cli-lib": "^1.0.0"', '"cli-lib": "^2.0.0"'));
    expect(after['pnpm-workspace.yaml']).toBe(before['pnpm-workspace.yaml']!.replace('cat-lib: ^1.0.0', 'cat-lib: ^2.0.0'));
    const lock = after['pnpm-lock.yaml']!;
    expect(pnpmLockfile.lockedVersion(lock, 'pnpm-lock.yaml', 'package.json', '@private/cli-secret', '^1.0.0')).toBe('1.2.0');
    expect(pnpmLockfile.lockedVersion(lock, 'pnpm-lock.yaml', 'apps/web/package.json', 'cli-lib', '^2.0.0')).toBe('2.0.0');
    expect(catalogLockedVersion(lock, 'default', 'cat-lib', '^2.0.0')).toBe('2.0.0');
    expect(lock).not.toContain(verdaccio.token);

    // pnpm's own frozen install, with the token CI would have.
    const ci = mkdtempSync(join(tmpdir(), 'freshen-pnpm-ci-'));
    cpSync(dir, ci, { recursive: true });
    writeFileSync(join(ci, '.npmrc'), after['.npmrc']! + token());
    expect(() => pnpm(ci, ['install', '--frozen-lockfile', '--ignore-scripts'])).not.toThrow();
  }, 180_000);
});
