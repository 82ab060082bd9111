// pnpm-workspace.yaml catalogs: entries extracted with their line and catalog, ranges rewritten byte for byte.
import { describe, expect, it } from 'vitest';
import { pnpmManager } from '../../../src/managers/pnpm/index.js';

const file = 'pnpm-workspace.yaml';
const workspace = `packages:
  - 'apps/*'

# shared ranges
catalog:
  lib-a: ^1.0.0
  '@scope/b': "~2.1.0"
  linked: workspace:*

catalogs:
  react17:
    react: ^17.0.2   # old apps
  tools: &tools
    tsx: 4.1.0
`;

describe('pnpm-workspace.yaml catalogs', () => {
  it('extracts each catalog entry with its catalog name and line', () => {
    const { deps, errors } = pnpmManager.extract(workspace, file);
    expect(errors).toEqual([]);
    expect(deps.map((d) => [d.depName, d.currentValue, d.line, (d.extra as { catalog: string }).catalog, d.skipReason])).toEqual([
      ['lib-a', '^1.0.0', 6, 'default', undefined],
      ['@scope/b', '~2.1.0', 7, 'default', undefined],
      ['linked', 'workspace:*', 8, 'default', 'not a registry range'],
      ['react', '^17.0.2', 12, 'react17', undefined],
      ['tsx', '4.1.0', 14, 'tools', undefined],
    ]);
    expect(deps.every((d) => d.manager === 'pnpm' && d.datasource === 'npm')).toBe(true);
  });

  it('rewrites only the range, keeping quotes and comments', () => {
    const { deps } = pnpmManager.extract(workspace, file);
    const at = (name: string) => deps.find((d) => d.depName === name)!;
    let text = pnpmManager.update(workspace, at('react'), { newValue: '^18.0.0', newDigest: null });
    expect(text).toBe(workspace.replace('react: ^17.0.2   # old apps', 'react: ^18.0.0   # old apps'));
    text = pnpmManager.update(workspace, at('@scope/b'), { newValue: '~2.2.0', newDigest: null });
    expect(text).toBe(workspace.replace('"~2.1.0"', '"~2.2.0"'));
  });

  it('quotes a new range a plain scalar could not hold (`>=` starts a folded block)', () => {
    const { deps } = pnpmManager.extract(workspace, file);
    const text = pnpmManager.update(workspace, deps[0]!, { newValue: '>=1.0.0 <3.0.0', newDigest: null });
    expect(text).toContain("lib-a: '>=1.0.0 <3.0.0'\n");
    expect(pnpmManager.extract(text, file).deps[0]!.currentValue).toBe('>=1.0.0 <3.0.0');
  });

  it('refuses a value that would change the YAML around it', () => {
    const { deps } = pnpmManager.extract(workspace, file);
    for (const value of ['^2.0.0 # x', "^2'", '^2\n  evil: 1', '^2: 1']) {
      expect(() => pnpmManager.update(workspace, deps[0]!, { newValue: value, newDigest: null })).toThrow();
    }
  });

  it('a broken file and a catalog that is not a mapping are located errors', () => {
    expect(pnpmManager.extract('catalog:\n  a: [1\n', file).errors[0]).toMatchObject({ file, line: expect.any(Number) });
    expect(pnpmManager.extract('catalog:\n  - a\n', file).errors).toEqual([{ file, line: 2, message: 'catalog "default" must be a mapping of package names to ranges' }]);
  });

  it('only pnpm-workspace.yaml files outside node_modules are read', () => {
    expect(pnpmManager.matches('pnpm-workspace.yaml')).toBe(true);
    expect(pnpmManager.matches('svc/pnpm-workspace.yaml')).toBe(true);
    expect(pnpmManager.matches('node_modules/x/pnpm-workspace.yaml')).toBe(false);
    expect(pnpmManager.matches('package.json')).toBe(false);
  });
});

describe('catalog entries for the language planner', () => {
  const language = pnpmManager.language!;
  const lock = "lockfileVersion: '9.0'\n\ncatalogs:\n  default:\n    lib-a:\n      specifier: ^1.0.0\n      version: 1.0.4\n\nimporters:\n\n  .: {}\n";
  const texts = (files: Record<string, string>) => new Map(Object.entries({ 'package.json': '{"name":"mono","packageManager":"pnpm@10.34.9"}', 'pnpm-workspace.yaml': workspace, ...files }));
  const dep = () => pnpmManager.extract(workspace, file).deps[0]!;
  const target = { version: '1.2.0' };

  it('the installed version is the lockfile catalog entry, else the lowest the range allows', () => {
    expect(language.current(dep(), texts({ 'pnpm-lock.yaml': lock }))).toEqual({ version: '1.0.4', range: '^1.0.0', locked: true });
    expect(language.current(dep(), texts({}))).toEqual({ version: '1.0.0', range: '^1.0.0', locked: false });
  });

  it('the artifact facts name pnpm-lock.yaml, the catalog and the members', () => {
    const all = texts({ 'pnpm-lock.yaml': lock, 'apps/web/package.json': '{}', '.npmrc': 'registry=https://npm.example.test/\n' });
    const current = language.current(dep(), all)!;
    expect(language.artifact!(dep(), current, target, all)).toEqual({
      tool: 'pnpm', root: '', lockFile: 'pnpm-lock.yaml', packageFiles: ['apps/web/package.json', 'package.json'], configFiles: ['.npmrc', 'pnpm-workspace.yaml'],
      packageManager: 'pnpm@10.34.9', packageName: 'lib-a', key: 'lib-a', newVersion: '1.2.0', lockfileOnly: true, catalog: 'default',
    });
    expect(language.lookup!(dep(), all, {})).toEqual({ configFile: { path: '.npmrc', text: 'registry=https://npm.example.test/\n' } });
    expect(language.held!(dep(), target, all)).toBeUndefined();
  });

  it('held when another lockfile locks the workspace: editing the catalog would leave it stale', () => {
    expect(language.held!(dep(), target, texts({ 'bun.lock': '{}' }))).toMatch(/^bun\.lock locks this workspace/);
    expect(language.held!(dep(), target, texts({ 'yarn.lock': '# yarn lockfile v1\n' }))).toMatch(/^yarn\.lock locks this workspace/);
    expect(language.held!(dep(), target, texts({}))).toBeUndefined();
  });
});
