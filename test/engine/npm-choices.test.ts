// npm planning rules that need no registry: which versions may be proposed, and which lockfiles can be read.
import { describe, expect, it } from 'vitest';
import { candidateReleases } from '../../src/engine/planners/language.js';
import { npmLockfile } from '../../src/managers/npm/npm-lockfile.js';
import { JsProjects } from '../../src/managers/npm/projects.js';
import type { Release } from '../../src/types.js';
import { semver } from '../../src/versioning/index.js';

const pkg = (...versions: [string, string?][]): Release[] => versions.map(([version, deprecated]) => ({ version, ...(deprecated ? { deprecated } : {}) }));
const candidateVersions = (releases: Release[], current: string) => candidateReleases(releases, current, semver);

describe('candidateReleases with semver', () => {
  const lib = pkg(['1.0.0'], ['1.1.0'], ['1.2.0', 'broken'], ['2.0.0-rc.1'], ['1.3.0-beta.2'], ['not-a-version']);

  it('proposes neither prereleases nor deprecated versions for a stable current version, newest first', () => {
    expect(candidateVersions(lib, '1.0.0').map((v) => v.version)).toEqual(['1.1.0']);
  });

  it('allows prereleases when the current version is one', () => {
    expect(candidateVersions(lib, '1.3.0-beta.1').map((v) => v.version)).toEqual(['2.0.0-rc.1', '1.3.0-beta.2']);
  });
});

describe('package-lock.json', () => {
  const lock = (lockfileVersion: number | undefined, packages?: Record<string, { version: string }>) =>
    JSON.stringify({ name: 'root', ...(lockfileVersion ? { lockfileVersion } : {}), ...(packages ? { packages } : {}) });
  const texts = (lockText: string) => new Map([
    ['package.json', '{}'],
    ['packages/app/package.json', '{}'],
    ['package-lock.json', lockText],
  ]);

  it.each([2, 3])('reads lockfileVersion %i, nested workspace copies before the root one', (version) => {
    const files = texts(lock(version, {
      'node_modules/lib': { version: '1.0.0' },
      'packages/app/node_modules/lib': { version: '2.0.0' },
    }));
    const project = new JsProjects(files).projectOf('packages/app/package.json');
    expect(project).toMatchObject({ root: '', lockFile: 'package-lock.json', packageFiles: ['package.json', 'packages/app/package.json'] });
    expect(project.format?.tool).toBe('npm');
    const lockText = files.get('package-lock.json')!;
    expect(npmLockfile.lockedVersion(lockText, 'package-lock.json', 'packages/app/package.json', 'lib', '*')).toBe('2.0.0');
    expect(npmLockfile.lockedVersion(lockText, 'package-lock.json', 'package.json', 'lib', '*')).toBe('1.0.0');
  });

  it('refuses a lockfileVersion 1 lockfile, saying how to upgrade it', () => {
    expect(() => npmLockfile.lockedVersion(lock(1), 'package-lock.json', 'package.json', 'lib', '*')).toThrow(/lockfileVersion 1 is not supported; run npm 7/);
  });
});
