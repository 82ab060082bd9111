import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { poetryManager } from '../../../src/managers/poetry/index.js';
import type { Dependency } from '../../../src/types.js';

const fixture = (path: string) => readFileSync(new URL(`fixtures/${path}`, import.meta.url), 'utf8');
const brief = (d: Dependency) => ({ depName: d.depName, currentValue: d.currentValue, line: d.line, ...(d.skipReason ? { skipReason: d.skipReason } : {}) });

describe('poetry manager: extract', () => {
  it('reads [tool.poetry] tables, groups and legacy dev-dependencies, skipping what Poetry does not resolve from an index', () => {
    const { deps, errors } = poetryManager.extract(fixture('pyproject.toml'), 'pyproject.toml');
    expect(errors).toEqual([]);
    expect(deps.map(brief)).toEqual([
      { depName: 'python', currentValue: '^3.10', line: 8, skipReason: 'python: the interpreter version, not a package' },
      { depName: 'requests', currentValue: '^2.31', line: 9 },
      { depName: 'flask-login', currentValue: '~0.6.2', line: 10 },
      { depName: 'typing-extensions', currentValue: '>=4.5,<5.0', line: 11 },
      { depName: 'numpy', currentValue: null, line: 13, skipReason: 'multiple constraints (per Python or platform): not rewritten' },
      { depName: 'mylib', currentValue: null, line: 16, skipReason: 'git dependency: not resolved' },
      { depName: 'sibling', currentValue: null, line: 17, skipReason: 'path dependency: not resolved' },
      { depName: 'wheelpkg', currentValue: null, line: 18, skipReason: 'url dependency: not resolved' },
      { depName: 'private-pkg', currentValue: '1.2.*', line: 19 },
      { depName: 'black', currentValue: '==23.7.0', line: 25 },
      { depName: 'pytest', currentValue: '~7.4', line: 22 },
    ]);
    expect(deps.find((d) => d.depName === 'private-pkg')!.extra).toMatchObject({ source: 'internal', group: 'main' });
    expect(deps.find((d) => d.depName === 'pytest')!.extra).toMatchObject({ group: 'test', section: 'tool.poetry.group.test.dependencies' });
    expect(deps[0]!.extra).toMatchObject({ sources: [{ name: 'internal', url: 'https://pypi.internal.example/simple/', priority: 'secondary', line: 29 }] });
  });

  it('reads PEP 621 lists of a project built with Poetry (CRLF kept)', () => {
    const { deps, errors } = poetryManager.extract(fixture('services/api/pyproject.toml'), 'services/api/pyproject.toml');
    expect(errors).toEqual([]);
    expect(deps.map(brief)).toEqual([
      { depName: 'httpx', currentValue: '>=0.25,<0.27', line: 9 },
      { depName: 'pydantic', currentValue: '>=2.4', line: 10 },
      { depName: 'anyio', currentValue: null, line: 11, skipReason: 'no version constraint' },
      { depName: 'local', currentValue: null, line: 12, skipReason: 'url dependency: not resolved' },
      { depName: 'mkdocs', currentValue: '~=1.5', line: 16 },
    ]);
  });

  it('ignores a pyproject.toml that is not Poetry\'s, and reads poetry.lock only to check it', () => {
    expect(poetryManager.extract('[project]\nname = "x"\ndependencies = ["a>=1"]\n', 'pyproject.toml')).toEqual({ deps: [], errors: [] });
    expect(poetryManager.extract('[[package]]\nname = "a"\nversion = "1.0"\n', 'poetry.lock')).toEqual({ deps: [], errors: [] });
    expect(poetryManager.extract('[[package]]\nname = "a\n', 'sub/poetry.lock').errors).toEqual([{ file: 'sub/poetry.lock', line: 2, message: expect.stringContaining('invalid TOML') }]);
    expect(poetryManager.matches('a/b/pyproject.toml') && poetryManager.matches('poetry.lock') && !poetryManager.matches('pyproject.toml.bak')).toBe(true);
  });

  it('reports broken TOML at its line', () => {
    const { deps, errors } = poetryManager.extract(fixture('broken/pyproject.toml'), 'pyproject.toml');
    expect(deps).toEqual([]);
    expect(errors).toEqual([{ file: 'pyproject.toml', line: 5, message: expect.stringContaining('invalid TOML') }]);
  });
});

describe('poetry manager: update', () => {
  const text = fixture('pyproject.toml');
  const deps = poetryManager.extract(text, 'pyproject.toml').deps;
  const dep = (name: string) => deps.find((d) => d.depName === name)!;

  it.each([
    ['requests', '^3.0', 'requests = "^3.0"'],
    ['flask-login', '~0.7.0', 'Flask_Login = { version = "~0.7.0", extras = ["x"] }'],
    ['typing-extensions', '>=4.5,<6.0', "'typing.extensions' = '>=4.5,<6.0'"],
    ['pytest', '~8.1', 'pytest = "~8.1"'],
  ])('%s → %s, only its bytes', (name, newValue, line) => {
    const after = poetryManager.update(text, dep(name), { newValue, newDigest: null });
    expect(after.split('\n')[dep(name).line - 1]).toBe(line);
    expect(after.split('\n').filter((l, i) => l !== text.split('\n')[i])).toEqual([line]);
  });

  it('rewrites the specifier inside a PEP 508 string and keeps its marker and CRLF', () => {
    const api = fixture('services/api/pyproject.toml');
    const pydantic = poetryManager.extract(api, 'x/pyproject.toml').deps[1]!;
    const after = poetryManager.update(api, pydantic, { newValue: '>=2.7', newDigest: null });
    expect(after).toBe(api.replace('"pydantic[email]>=2.4 ;', '"pydantic[email]>=2.7 ;'));
  });

  it.each([
    ['a quote', '^3.0"\nevil = "1'],
    ['a newline', '^3.0\n'],
    ['a backslash', '^3\\u0022'],
    ['nothing', null],
  ])('refuses a new value with %s', (_what, newValue) => {
    expect(() => poetryManager.update(text, dep('requests'), { newValue, newDigest: null })).toThrow(/not a constraint/);
  });

  it('refuses skipped dependencies and stale text', () => {
    expect(() => poetryManager.update(text, dep('mylib'), { newValue: '1.0', newDigest: null })).toThrow(/git dependency/);
    expect(() => poetryManager.update(text.replace('^2.31', '^2.32'), dep('requests'), { newValue: '^3.0', newDigest: null })).toThrow(/changed/);
  });

  it('leaves a value written with escapes alone', () => {
    const escaped = '[tool.poetry.dependencies]\nrequests = "\\u005e2.31"\n';
    const [d] = poetryManager.extract(escaped, 'pyproject.toml').deps;
    expect(d).toMatchObject({ currentValue: '^2.31', skipReason: 'written with escapes: not rewritten' });
  });
});
