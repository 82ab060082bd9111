// JavaScript lockfiles and workspaces as the npm manager reads them: which files it lists, which directories a workspace claims.
import { describe, expect, it } from 'vitest';
import { inWorkspace, workspacePatterns } from '../../../src/managers/npm/lockfiles.js';
import { npmManager } from '../../../src/managers/npm/index.js';

describe('lockfiles and workspace files', () => {
  it('are read beside package.json (so a push of one rescans), never inside node_modules', () => {
    for (const name of ['yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb', 'npm-shrinkwrap.json', 'pnpm-workspace.yaml']) {
      expect(npmManager.matches(name), name).toBe(true);
      expect(npmManager.matches(`apps/web/${name}`), name).toBe(true);
      expect(npmManager.matches(`node_modules/x/${name}`), name).toBe(false);
    }
    expect(npmManager.matches('yarn.lock.bak')).toBe(false);
    expect(npmManager.matches('old-yarn.lock')).toBe(false);
  });

  it('give no dependencies; npm-shrinkwrap.json must be JSON like package-lock.json', () => {
    expect(npmManager.extract('# yarn lockfile v1\n\n"a@^1":\n  version "1.0.0"\n', 'yarn.lock')).toEqual({ deps: [], errors: [] });
    expect(npmManager.extract('lockfileVersion: 9.0\n', 'pnpm-lock.yaml')).toEqual({ deps: [], errors: [] });
    expect(npmManager.extract('{"lockfileVersion": 3, "packages": {}}', 'npm-shrinkwrap.json')).toEqual({ deps: [], errors: [] });
    expect(npmManager.extract('{"packages": [}', 'web/npm-shrinkwrap.json').errors[0]).toMatchObject({ file: 'web/npm-shrinkwrap.json', line: 1 });
  });
});

describe('workspacePatterns', () => {
  it.each<[string, string, string[] | null]>([
    ['package.json', '{"workspaces": ["packages/*", "apps/web"]}', ['packages/*', 'apps/web']],
    ['package.json', '{"workspaces": {"packages": ["packages/*"], "nohoist": ["**/x"]}}', ['packages/*']],
    ['package.json', '{"name": "solo"}', []],
    ['package.json', '{"workspaces": "packages/*"}', null],
    ['package.json', '{"workspaces": ["packages/*", 3]}', null],
    ['package.json', '{"workspaces": [', null],
    ['pnpm-workspace.yaml', "packages:\n  - 'apps/*'\n  - '!apps/legacy'\ncatalog:\n  react: ^18\n", ['apps/*', '!apps/legacy']],
    ['tools/pnpm-workspace.yaml', 'catalog:\n  react: ^18\n', []],
    ['pnpm-workspace.yaml', '', []],
    ['pnpm-workspace.yaml', 'packages: apps/*\n', null],
    ['pnpm-workspace.yaml', 'packages:\n  - [apps\n', null],
  ])('%s %j', (file, text, expected) => {
    expect(workspacePatterns(text, file)).toEqual(expected);
  });
});

describe('inWorkspace', () => {
  it.each<[string[], string, boolean]>([
    [['packages/*'], 'packages/a', true],
    [['packages/*'], 'packages/a/nested', false],
    [['packages/**'], 'packages/a/nested', true],
    [['./packages/*/'], 'packages/a', true],
    [['apps/*', '!apps/legacy'], 'apps/legacy', false],
    [['apps/*', '!apps/legacy'], 'apps/web', true],
    [['apps/web'], 'apps/webshop', false],
    [[], 'packages/a', false],
    [['!packages/a'], 'packages/a', false],
    // What Freshen does not evaluate (costly to expand or match) claims the directory: it is then left alone.
    [['packages/{a,b}'], 'tools/x', true],
    [['packages/+(a|b)'], 'tools/x', true],
    [['packages/*', '!packages/{a,b}'], 'packages/a', true],
    [Array.from({ length: 257 }, (_, i) => `never/${i}`), 'tools/x', true],
    [Array.from({ length: 256 }, (_, i) => `never/${i}`), 'tools/x', false],
  ])('%j claims %s: %s', (patterns, dir, expected) => {
    expect(inWorkspace(patterns, dir)).toBe(expected);
  });
});
