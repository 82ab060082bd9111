import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goModManager } from '../../../src/managers/gomod/index.js';
import { MAX_DEPENDENCIES_PER_FILE } from '../../../src/managers/limits.js';
import type { Dependency, Release } from '../../../src/types.js';
import { go } from '../../../src/versioning/go/index.js';

const fixture = readFileSync(new URL('./fixtures/go.mod', import.meta.url), 'utf8');
const language = goModManager.language!;
const texts = new Map<string, string>();

function depsOf(text: string, file = 'go.mod') {
  return goModManager.extract(text, file);
}

function dep(name: string, text = fixture): Dependency {
  const found = depsOf(text).deps.find((d) => d.depName === name);
  if (!found) throw new Error(`${name} not extracted`);
  return found;
}

describe('go.mod extract', () => {
  it('reads require blocks and single lines with their versions and lines', () => {
    const { deps, errors } = depsOf(fixture);
    expect(errors).toEqual([]);
    const summary = deps.map((d) => [d.depName, d.currentValue, d.line, d.skipReason ?? null]);
    expect(summary).toEqual([
      ['go', '1.19', 3, 'go line: left alone (`goDirective: bump` in .github/freshen.yml moves it)'],
      ['github.com/BurntSushi/toml', 'v1.3.2', 6, null],
      ['golang.org/x/text', 'v0.14.0', 7, null],
      ['example.com/quoted', 'v0.2.0', 8, null],
      ['example.com/pseudo', 'v0.0.0-20240101120000-abcdef123456', 9, null],
      ['github.com/docker/docker', 'v24.0.7+incompatible', 10, null],
      ['example.com/single', 'v1.0.0', 13, null],
      ['example.com/fork', 'v1.4.0', 17, null],
    ]);
    expect(deps.every((d) => d.manager === 'gomod')).toBe(true);
    expect(dep('golang.org/x/text').extra).toMatchObject({ indirect: true });
    expect(dep('example.com/single').extra).toEqual({ excluded: [{ version: 'v1.1.0', line: 15 }] });
  });

  it('a module replaced by a local path is skipped as replaced; a module replacement is looked up at its own line', () => {
    const text = `${fixture}\nrequire example.com/local v1.0.0\nrequire example.com/forked v1.0.0\n`;
    expect(dep('example.com/local', text)).toMatchObject({ skipReason: 'replaced', extra: { replacedBy: './local' } });
    expect(dep('example.com/forked', text)).toMatchObject({ skipReason: 'replaced', extra: { replacedBy: 'example.com/fork@v1.4.0' } });
    expect(dep('example.com/fork', text)).toMatchObject({ datasource: 'go', line: 17, extra: { replaces: 'example.com/forked' } });
    expect(dep('example.com/fork', text).skipReason).toBeUndefined();
  });

  it('a version-specific replace applies only to that version', () => {
    const text = 'module example.com/m\n\nrequire example.com/local v1.1.0\n\nreplace example.com/local v1.0.0 => ./local\n';
    expect(dep('example.com/local', text).skipReason).toBeUndefined();
  });

  it('toolchain lines are shown and left alone', () => {
    const text = 'module example.com/m\n\ngo 1.22\n\ntoolchain go1.22.3\n';
    expect(depsOf(text).deps.map((d) => [d.depName, d.currentValue, d.datasource, d.skipReason])).toEqual([
      ['go', '1.22', 'golang-version', 'go line: left alone (`goDirective: bump` in .github/freshen.yml moves it)'],
      ['toolchain', 'go1.22.3', 'golang-version', 'toolchain line: left alone (`goDirective: bump` in .github/freshen.yml moves it)'],
    ]);
  });

  it('odd versions are skipped with why; bad lines are located errors, the rest still reads', () => {
    const text = 'module example.com/m\nrequire example.com/a v1.2\nrequire example.com/b master\nrequire ../evil v1.0.0\nrequire example.com/c\nreplace example.com/d => example.com/e\nrequire example.com/ok v1.0.0\n';
    const { deps, errors } = depsOf(text);
    expect(deps.map((d) => [d.depName, d.skipReason ?? null])).toEqual([
      ['example.com/a', 'not a canonical Go version (go mod tidy writes vX.Y.Z)'],
      ['example.com/b', 'not a Go module version'],
      ['example.com/ok', null],
    ]);
    expect(errors.map((e) => e.line)).toEqual([6, 4, 5]);
    expect(errors.every((e) => e.file === 'go.mod' && e.message.length > 0)).toBe(true);
  });
});

describe('go.mod update', () => {
  it('changes only the version bytes, keeping quotes, comments and CRLF', () => {
    const crlf = 'module example.com/m\r\n\r\nrequire (\r\n\t"example.com/a" "v1.0.0" // indirect\r\n)\r\n';
    const a = dep('example.com/a', crlf);
    expect(goModManager.update(crlf, a, { newValue: 'v1.2.0', newDigest: null })).toBe(crlf.replace('v1.0.0', 'v1.2.0'));
    const fork = dep('example.com/fork');
    expect(goModManager.update(fixture, fork, { newValue: 'v1.5.0', newDigest: null })).toBe(fixture.replace('=> example.com/fork v1.4.0', '=> example.com/fork v1.5.0'));
  });

  it.each(['v1.0.0 // x', 'v1.0.0\nrequire evil.com/x v1.0.0', '', '(v1)', '"v1"'])('refuses to write %j', (value) => {
    expect(() => goModManager.update(fixture, dep('example.com/single'), { newValue: value, newDigest: null })).toThrow(/not a version/);
  });

  it('refuses a text that is not the one the dependency came from', () => {
    const single = dep('example.com/single');
    expect(() => goModManager.update(fixture.replace('example.com/single v1.0.0', 'example.com/single v1.0.1'), single, { newValue: 'v1.2.0', newDigest: null })).toThrow(/changed/);
  });
});

describe('go.mod language support', () => {
  const release = (version: string, extra: Partial<Release & { modulePath: string }> = {}) => ({ version, ...extra });

  it('the required version is current, locked by go.sum; the target is written as is', () => {
    const single = dep('example.com/single');
    const current = language.current(single, texts)!;
    expect(current).toEqual({ version: 'v1.0.0', locked: true });
    expect(language.newValue!(single, current, release('v1.2.0'), go)).toBe('v1.2.0');
  });

  it('holds excluded versions, new major paths and non-releases for pseudo-versions', () => {
    const single = dep('example.com/single');
    expect(language.held!(single, release('v1.1.0'), texts)).toBe('v1.1.0 is excluded in go.mod (line 15)');
    expect(language.held!(single, release('v1.2.0'), texts)).toBeUndefined();
    expect(language.held!(single, release('v2.0.0', { modulePath: 'example.com/single/v2' }), texts)).toBe('new major module path example.com/single/v2: change the import paths by hand');
    const pseudo = dep('example.com/pseudo');
    expect(language.held!(pseudo, release('v0.1.0-rc.1'), texts)).toMatch(/pseudo-version; it moves only to a newer tagged release/);
    expect(language.held!(pseudo, release('v0.1.0'), texts)).toBeUndefined();
  });

  it('tells the go.sum updater where the module is and what moves', () => {
    const nested = depsOf('module example.com/m\nrequire example.com/a v1.0.0\nreplace example.com/b => example.com/c v1.0.0\n', 'services/api/go.mod').deps;
    const [a, c] = nested as [Dependency, Dependency];
    expect(language.artifact!(a, { version: 'v1.0.0', locked: true }, release('v1.1.0'), texts)).toEqual({
      tool: 'gomod', moduleRoot: 'services/api', goMod: 'services/api/go.mod', goSum: 'services/api/go.sum', path: 'example.com/a', newVersion: 'v1.1.0',
    });
    expect(language.artifact!(c, { version: 'v1.0.0', locked: true }, release('v1.1.0'), texts)).toMatchObject({ path: 'example.com/b', replacement: 'example.com/c', goSum: 'services/api/go.sum' });
    expect(language.artifact!(dep('example.com/single'), { version: 'v1.0.0', locked: true }, release('v1.1.0'), texts)).toMatchObject({ moduleRoot: '', goSum: 'go.sum' });
  });
});

describe('go.mod hostile input', () => {
  it('a huge file of requirements reads in bounded time and stops at the dependency cap', () => {
    const line = 'require example.com/m v1.0.0\n';
    const text = `module example.com/x\n${line.repeat(MAX_DEPENDENCIES_PER_FILE + 5_000)}`;
    const started = performance.now();
    const { deps, errors } = depsOf(text);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(deps.length).toBeLessThanOrEqual(MAX_DEPENDENCIES_PER_FILE);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/more than/);
  });

  it('a multi-megabyte line or unterminated quote costs linear time and gives one located error', () => {
    for (const text of [`module example.com/x\nrequire "${'a'.repeat(4_000_000)}`, `module example.com/x\nrequire ${'('.repeat(2_000_000)}`, `require ${'x '.repeat(2_000_000)}\n`]) {
      const started = performance.now();
      const { errors } = depsOf(text);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(errors.length).toBe(1);
      expect(errors[0]!.message.length).toBeLessThan(200);
    }
  });

  it('module paths that would steer a proxy URL are refused', () => {
    for (const path of ['example.com/../../x', 'example.com/a?b', 'example.com/a#b', 'example.com//a', 'http://example.com/a', 'localhost/a', 'example.com/a%2f..']) {
      const { deps, errors } = depsOf(`module example.com/x\nrequire ${path} v1.0.0\n`);
      expect(deps, path).toEqual([]);
      expect(errors[0]?.line).toBe(2);
    }
  });
});

describe('go.sum', () => {
  it('is read beside go.mod (so it travels with it) with no dependencies of its own; a bad line is located', () => {
    expect(goModManager.matches('services/api/go.sum')).toBe(true);
    expect(goModManager.matches('go.summary')).toBe(false);
    expect(goModManager.extract('example.com/a v1.0.0 h1:abc+/=\r\nexample.com/a v1.0.0/go.mod h1:def=\n', 'go.sum')).toEqual({ deps: [], errors: [] });
    expect(goModManager.extract('example.com/a v1.0.0 h1:abc=\nrm -rf /\n', 'x/go.sum').errors).toEqual([{ file: 'x/go.sum', line: 2, message: 'not a go.sum line: rm -rf /' }]);
  });
});
