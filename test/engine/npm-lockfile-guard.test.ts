// A package.json whose lockfile Freshen cannot regenerate (bun) is listed with that reason and never looked up or edited.
import { describe, expect, it } from 'vitest';
import type { NpmDatasource, NpmPackage } from '../../src/datasources/npm/index.js';
import { extractAll, scan } from '../../src/engine/index.js';
import { LockfileGuard } from '../../src/engine/npm-lockfile-guard.js';
import { npmPlanner } from '../../src/engine/planners/npm.js';
import type { FileSource, ImageLookup } from '../../src/engine/types.js';
import { silentLogger } from '../../src/types.js';

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
const app = (deps: Record<string, string> = { lib: '^1.0.0' }) => json({ name: 'app', version: '1.0.0', dependencies: deps });
const lock = json({ name: 'app', lockfileVersion: 3, packages: { '': {}, 'node_modules/lib': { version: '1.0.0' } } });
const YARN_LOCK = '# yarn lockfile v1\n\n\nlib@^1.0.0:\n  version "1.0.0"\n';
const PNPM_LOCK = "lockfileVersion: '9.0'\n";
const BUN_LOCKB = '\u0000bun';
const reason = (lockfiles: string) => `lockfile-unsupported: Freshen cannot regenerate ${lockfiles} yet, so this package.json is not edited`;

/** The reason for `packageFile` in a repository of these files (all read). */
function reasonIn(files: Record<string, string>, packageFile: string): string | undefined {
  return new LockfileGuard(new Set(Object.keys(files)), new Map(Object.entries(files))).skipReason(packageFile);
}

function memory(files: Record<string, string>, unreadable: string[] = []): FileSource {
  return {
    list: async () => [...Object.keys(files), ...unreadable],
    read: async (p) => {
      if (unreadable.includes(p)) throw new Error('file is larger than 16 bytes; not read');
      return files[p]!;
    },
  };
}

describe('which package.json files Freshen leaves alone', () => {
  it.each<[string, Record<string, string>, string | undefined]>([
    ['bun.lock beside it', { 'package.json': app(), 'bun.lock': YARN_LOCK }, reason('bun.lock')],
    ['pnpm-lock.yaml beside it: pnpm regenerates it', { 'package.json': app(), 'pnpm-lock.yaml': PNPM_LOCK }, undefined],
    ['bun.lock beside it', { 'package.json': app(), 'bun.lock': '{}' }, reason('bun.lock')],
    ['bun.lockb beside it', { 'package.json': app(), 'bun.lockb': '\u0000bun' }, reason('bun.lockb')],
    ['bun.lock and bun.lockb', { 'package.json': app(), 'bun.lock': YARN_LOCK, 'bun.lockb': BUN_LOCKB }, reason('bun.lock and bun.lockb')],
    // pnpm regenerates pnpm-lock.yaml, but bun.lock would still go stale.
    ['pnpm-lock.yaml and bun.lock', { 'package.json': app(), 'bun.lock': YARN_LOCK, 'pnpm-lock.yaml': PNPM_LOCK }, reason('bun.lock')],
    // npm regenerates package-lock.json, but bun.lock would still go stale.
    ['package-lock.json and bun.lock', { 'package.json': app(), 'package-lock.json': lock, 'bun.lock': YARN_LOCK }, reason('bun.lock')],
    ['package-lock.json only', { 'package.json': app(), 'package-lock.json': lock }, undefined],
    ['npm-shrinkwrap.json only', { 'package.json': app(), 'npm-shrinkwrap.json': lock }, undefined],
    ['no lockfile at all: package.json alone goes stale nowhere', { 'package.json': app() }, undefined],
    ['a bun.lock in another directory', { 'package.json': app(), 'docs/bun.lock': YARN_LOCK, 'docs/package.json': app() }, undefined],
  ])('%s', (_name, files, expected) => {
    expect(reasonIn(files, 'package.json')).toBe(expected);
  });

  it('names the lockfile by its path; the nearest lockfile decides for a nested project', () => {
    const files = { 'package.json': app(), 'package-lock.json': lock, 'web/package.json': app(), 'web/bun.lockb': BUN_LOCKB, 'api/package.json': app(), 'api/package-lock.json': lock };
    expect(reasonIn(files, 'web/package.json')).toBe(reason('web/bun.lockb'));
    expect(reasonIn(files, 'package.json')).toBeUndefined();
    expect(reasonIn(files, 'api/package.json')).toBeUndefined();
  });

  it('a workspace member is locked by the root bun.lock or bun.lockb (package.json workspaces or pnpm-workspace.yaml), even with a package-lock.json of its own', () => {
    const yarn = {
      'package.json': json({ private: true, workspaces: ['packages/*'] }), 'bun.lock': YARN_LOCK,
      'packages/a/package.json': app(), 'packages/b/package.json': app(), 'packages/b/package-lock.json': lock,
      'tools/gen/package.json': app(), 'tools/gen/package-lock.json': lock,
    };
    expect(reasonIn(yarn, 'packages/a/package.json')).toBe(reason('bun.lock'));
    expect(reasonIn(yarn, 'packages/b/package.json')).toBe(reason('bun.lock'));
    // Not a member, and npm regenerates its own lockfile: Freshen updates it.
    expect(reasonIn(yarn, 'tools/gen/package.json')).toBeUndefined();

    const pnpm = {
      'package.json': json({ private: true }), 'bun.lockb': BUN_LOCKB, 'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n  - '!apps/legacy'\n",
      'apps/web/package.json': app(), 'apps/web/package-lock.json': lock, 'apps/legacy/package.json': app(), 'apps/legacy/package-lock.json': lock,
      'apps/api/package.json': app(),
    };
    expect(reasonIn(pnpm, 'apps/web/package.json')).toBe(reason('bun.lockb'));
    expect(reasonIn(pnpm, 'apps/legacy/package.json')).toBeUndefined();
    expect(reasonIn(pnpm, 'apps/api/package.json')).toBe(reason('bun.lockb'));
  });

  it('a workspace file that cannot be read claims every package below it', () => {
    const files = {
      'package.json': '{"workspaces": [', 'bun.lock': YARN_LOCK,
      'packages/a/package.json': app(), 'packages/a/package-lock.json': lock,
    };
    expect(reasonIn(files, 'packages/a/package.json')).toBe(reason('bun.lock'));
    // Listed but not read (over the size cap): the same.
    const paths = new Set([...Object.keys(files), 'pnpm-workspace.yaml', 'bun.lockb']);
    const texts = new Map(Object.entries({ ...files, 'package.json': json({ private: true }) }));
    expect(new LockfileGuard(paths, texts).skipReason('packages/a/package.json')).toBe(reason('bun.lock and bun.lockb'));
  });
});

describe('extract', () => {
  it('lists the dependencies with the reason; those with a reason of their own keep it; other files are untouched', async () => {
    const result = await extractAll(memory({
      'web/package.json': app({ lib: '^1.0.0', local: 'file:../local' }), 'web/bun.lock': YARN_LOCK,
      'api/package.json': app(), 'api/package-lock.json': lock,
    }));
    expect(result.errors).toEqual([]);
    expect(result.dependencies.map((d) => [d.file, d.depName, d.skipReason ?? null])).toEqual([
      ['api/package.json', 'lib', null],
      ['web/package.json', 'lib', reason('web/bun.lock')],
      ['web/package.json', 'local', 'local file dependency'],
    ]);
    // The per-file lists the planners index are the same objects.
    expect(result.files.find((f) => f.file === 'web/package.json')!.depsByManager.get('npm')![0]!.skipReason).toBe(reason('web/bun.lock'));
  });

  it('a lockfile too large to read still locks its package.json', async () => {
    const result = await extractAll(memory({ 'package.json': app() }, ['bun.lockb']));
    expect(result.dependencies[0]!.skipReason).toBe(reason('bun.lockb'));
    expect(result.errors).toEqual([{ file: 'bun.lockb', message: 'cannot read file: file is larger than 16 bytes; not read' }]);
  });
});

describe('scan', () => {
  const noImages: ImageLookup = { getTags: () => Promise.reject(new Error('no images')), getDigest: () => Promise.reject(new Error('no images')) };
  const libPackage: NpmPackage = { name: 'lib', registry: 'http://127.0.0.1:1/', distTags: {}, versions: ['1.0.0', '1.1.0', '2.0.0'].map((version) => ({ version })) };

  it('never looks up or proposes an update for a bun project; the npm project beside it gets its updates', async () => {
    const asked: string[] = [];
    const registry: NpmDatasource = { secrets: [], options: {}, getPackage: async (name) => (asked.push(name), { ...libPackage, name }) };
    const files = {
      'api/package.json': app(), 'api/package-lock.json': lock,
      'web/package.json': app({ 'web-only': '^1.0.0' }), 'web/bun.lock': YARN_LOCK,
      'package.json': json({ private: true }), 'bun.lock': YARN_LOCK, 'pnpm-workspace.yaml': 'packages:\n  - apps/*\n',
      'apps/site/package.json': app({ 'site-only': '^1.0.0' }),
    };
    const result = await scan(memory(files), { images: noImages, log: silentLogger, planners: [npmPlanner({ datasourceFor: () => registry })] });
    expect(result.errors).toEqual([]);
    expect(asked).toEqual(['lib']);
    expect(result.updates.map((u) => [u.file, u.depName, u.to])).toEqual([
      ['api/package.json', 'lib', '1.1.0'],
      ['api/package.json', 'lib', '^2.0.0'],
    ]);
  });
});
