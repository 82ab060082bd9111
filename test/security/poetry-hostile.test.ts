// A repository's pyproject.toml as an attacker with push access writes it: it never steers Poetry to a private address, outside its copy, or into unbounded work.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poetryArtifacts } from '../../src/artifacts/poetry/index.js';
import type { ArtifactContext } from '../../src/artifacts/types.js';
import type { PlannedUpdate } from '../../src/engine/types.js';
import { poetryManager } from '../../src/managers/poetry/index.js';
import { silentLogger } from '../../src/types.js';
import { firstLock, lockedIn, pyprojectText } from '../support/poetry-project.js';
import { startPythonIndex, type PythonIndex } from '../support/python-index.js';
import { tempDir } from '../support/temp-dir.js';

const ctx = (files: Record<string, string>, settings: Record<string, string> = {}): ArtifactContext => ({
  readFile: async (path) => files[path], settings, insecureRegistries: [], log: silentLogger, timeoutMs: 60_000,
});

const update: PlannedUpdate = {
  manager: 'poetry', file: 'pyproject.toml', line: 1, depName: 'alpha', depIndex: 0, from: '1.0', to: '1.1', updateType: 'minor', newValue: null, newDigest: null,
  extra: { artifact: { tool: 'poetry', projectRoot: '', pyproject: 'pyproject.toml', lockFile: 'poetry.lock', sources: [], name: 'alpha', newVersion: '1.1.0', lockfileOnly: true } },
};

const LOCK = '[[package]]\nname = "alpha"\nversion = "1.0.0"\n\n[metadata]\nlock-version = "2.0"\n';

describe('hostile pyproject.toml for Poetry', () => {
  it.each([
    ['cloud metadata', 'http://169.254.169.254/simple/'],
    ['a private network', 'https://10.0.0.7/simple/'],
    ['loopback over https', 'https://127.0.0.1:1/simple/'],
    ['a file URL', 'file:///etc/passwd'],
  ])('a source at %s is refused at its line before Poetry runs', async (_what, url) => {
    const pyproject = pyprojectText({ alpha: '^1.0' }, `\n[[tool.poetry.source]]\nname = "evil"\nurl = "${url}"\ndefault = true\n`);
    const outcome = await poetryArtifacts.regenerate('poetry.lock', [update], new Map(), ctx({ 'pyproject.toml': pyproject, 'poetry.lock': LOCK }));
    expect(outcome.files).toBeUndefined();
    expect(outcome.error).toMatchObject({ file: 'pyproject.toml', line: pyproject.split('\n').indexOf(`url = "${url}"`) + 1, depName: 'evil' });
  });

  it('a path dependency reaching out of the repository is never resolved: skipped on extract, refused for the lockfile', async () => {
    const pyproject = pyprojectText({ alpha: '^1.0', escape: '{ path = "../../../etc", develop = true }' });
    const escape = poetryManager.extract(pyproject, 'pyproject.toml').deps.find((d) => d.depName === 'escape')!;
    expect(escape.skipReason).toBe('path dependency: not resolved');
    const outcome = await poetryArtifacts.regenerate('poetry.lock', [update], new Map(), ctx({ 'pyproject.toml': pyproject, 'poetry.lock': LOCK }, { PIP_INDEX_URL: 'https://index.invalid/simple' }));
    expect(outcome.files).toBeUndefined();
    expect(outcome.error).toMatchObject({ file: 'pyproject.toml', line: escape.line, message: expect.stringContaining('Poetry would resolve it while locking') });
  });

  it('a path, git or url alternative inside a multiple-constraints dependency is refused too, at its line', async () => {
    for (const alternative of ['path = "/etc"', 'path = "../../outside"', 'git = "https://attacker.example/x.git"', 'url = "https://attacker.example/x.whl"']) {
      const pyproject = pyprojectText({ alpha: '^1.0' }, `\n[tool.poetry.group.dev.dependencies]\nescape = [\n  { version = "^1.0", python = "<3.9" },\n  { ${alternative}, python = ">=3.9" },\n]\n`);
      const escape = poetryManager.extract(pyproject, 'pyproject.toml').deps.find((d) => d.depName === 'escape')!;
      expect(escape.skipReason).toMatch(/^(path|git|url) dependency/);
      const outcome = await poetryArtifacts.regenerate('poetry.lock', [update], new Map(), ctx({ 'pyproject.toml': pyproject, 'poetry.lock': LOCK }, { PIP_INDEX_URL: 'https://index.invalid/simple' }));
      expect(outcome.files).toBeUndefined();
      expect(outcome.error).toMatchObject({ file: 'pyproject.toml', line: pyproject.split('\n').findIndex((l) => l.includes(alternative)) + 1, message: expect.stringContaining('Poetry would resolve it while locking') });
    }
  });

  it("does not hand the app's credentials to a second source that reads the same credential variables", async () => {
    const sources = `\n[[tool.poetry.source]]\nname = "corp-index"\nurl = "https://index.example/simple/"\n\n[[tool.poetry.source]]\nname = "corp_index"\nurl = "https://attacker.example/simple/"\n`;
    const { poetryNetwork } = await import('../../src/artifacts/poetry/settings.js');
    const { parsePyproject } = await import('../../src/managers/poetry/index.js');
    const pyproject = pyprojectText({ alpha: '^1.0' }, sources);
    const publicDns = async () => [{ address: '93.184.216.34', family: 4 }];
    const result = await poetryNetwork('pyproject.toml', parsePyproject(pyproject).sources, { PIP_INDEX_URL: 'https://robot:token@index.example/simple' }, [], publicDns);
    expect(result).toMatchObject({ file: 'pyproject.toml', depName: 'corp_index', message: expect.stringContaining('same credentials') });
    const alone = await poetryNetwork('pyproject.toml', parsePyproject(pyproject).sources.slice(0, 1), { PIP_INDEX_URL: 'https://robot:token@index.example/simple' }, [], publicDns);
    expect(alone).toMatchObject({ env: { POETRY_HTTP_BASIC_CORP_INDEX_USERNAME: 'robot', POETRY_HTTP_BASIC_CORP_INDEX_PASSWORD: 'token' } });
  });

  it('a huge pyproject.toml is refused at once; deep nesting and many entries stay linear', () => {
    const started = Date.now();
    const huge = `[tool.poetry.dependencies]\n${'x = "1"\n'.repeat(200_000)}`;
    expect(poetryManager.extract(huge, 'pyproject.toml').errors[0]).toMatchObject({ line: 1, message: expect.stringContaining('larger than') });
    const deep = `[tool.poetry.dependencies]\nx = ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`;
    expect(poetryManager.extract(deep, 'pyproject.toml').errors).toHaveLength(1);
    const many = `[tool.poetry.dependencies]\n${Array.from({ length: 9_000 }, (_, i) => `p${i} = { version = "^1.${i}", extras = ["a", "b"] }`).join('\n')}\n`;
    const read = poetryManager.extract(many, 'pyproject.toml');
    expect(read.errors).toEqual([]);
    expect(read.deps).toHaveLength(9_000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a table header of thousands of dotted keys above many values is refused at its line, in bounded time and memory', () => {
    const started = Date.now();
    const header = `[tool.poetry]\nname = "x"\n[${Array.from({ length: 20_000 }, () => 'a').join('.')}]\n`;
    const text = `${header}${Array.from({ length: 20_000 }, (_, i) => `k${i} = "v"`).join('\n')}\n`;
    const read = poetryManager.extract(text, 'pyproject.toml');
    expect(read.deps).toEqual([]);
    expect(read.errors).toEqual([expect.objectContaining({ file: 'pyproject.toml', line: 3, message: expect.stringContaining('dotted parts') })]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('a release from an index naming a direct reference (Requires-Dist: x @ file:///…)', () => {
  let index: PythonIndex;
  const outside = tempDir('freshen-poetry-outside-');
  beforeAll(async () => {
    writeFileSync(join(outside, 'pyproject.toml'), pyprojectText({}).replace('name = "demo"', 'name = "stolen"').replace('version = "0.1.0"', 'version = "6.6.6"'));
    index = await startPythonIndex([
      { name: 'alpha', version: '1.0.0' },
      { name: 'alpha', version: '1.1.0', requires: [`stolen @ file://${outside}`] },
    ]);
  });
  afterAll(async () => index?.close());

  it('Poetry never reads the worker\'s disk for it: the lockfile is left as it is', async () => {
    const pyproject = pyprojectText({ alpha: '^1.0' });
    const lock = await firstLock(pyproject.replace('^1.0', '==1.0.0'), `${index.url}/`, [index.host]);
    expect(lockedIn(lock)).toMatchObject({ alpha: '1.0.0' });
    const outcome = await poetryArtifacts.regenerate('poetry.lock', [update], new Map(), { ...ctx({ 'pyproject.toml': pyproject, 'poetry.lock': lock }, { PIP_INDEX_URL: `${index.url}/simple` }), insecureRegistries: [index.host], timeoutMs: 120_000 });
    expect(outcome.files?.get('poetry.lock') ?? '').not.toContain('stolen');
    expect(outcome.files).toBeUndefined();
    expect(outcome.error!.message).toMatch(/direct reference/);
  }, 180_000);
});
