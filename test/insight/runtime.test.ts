// Runtime files against language base images: the decision per language, and the notes the planner adds to a scan's plan.
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/index.js';
import type { FileSource, ImageLookup, PlannedUpdate } from '../../src/engine/types.js';
import { agrees, baseRuntime } from '../../src/insight/runtime-agreement.js';
import { RUNTIME_FILES, poetryToPep440, type Language } from '../../src/insight/runtime-files.js';
import { parentDirs, runtimePlanner } from '../../src/insight/runtime.js';
import { humanScan } from '../../src/cli-scan-summary.js';
import { silentLogger } from '../../src/types.js';

/** Whether the file `name` holding `text` agrees with the language image at `tag` (null: the file claims nothing). */
function verdict(language: Language, name: string, text: string, image: string, tag: string): boolean | null {
  const reader = RUNTIME_FILES[language].find((f) => f.name === name)!;
  const claims = reader.read(text);
  const base = baseRuntime(`docker.io/library/${image}`, tag);
  if (claims.length === 0 || !base) return null;
  return claims.every((c) => agrees(c.constraint, base.release));
}

describe('runtime files against a language image tag', () => {
  it.each([
    ['.nvmrc', '22\n', '22', true],
    ['.nvmrc', 'v22\n', '24', false],
    ['.nvmrc', '22.11.0', '22-alpine', true],
    ['.nvmrc', '22.11.0', '22.12.0-bookworm', false],
    ['.nvmrc', '# pinned for CI\n20.11\n', '20.11-slim', true],
    ['.nvmrc', 'lts/*\n', '24', null],
    ['.nvmrc', 'node', '24', null],
    ['.node-version', '22.1.0\n', '24', false],
    ['package.json', '{"engines":{"node":"^22"}}', '24', false],
    ['package.json', '{"engines":{"node":"^22"}}', '22.11-alpine', true],
    ['package.json', '{"engines":{"node":">=18"}}', '24', true],
    ['package.json', '{"engines":{"node":">=18 <23"}}', '23', false],
    ['package.json', '{"engines":{"node":"18 || 20"}}', '20.11', true],
    ['package.json', '{"engines":{"node":">22.11"}}', '22.11', false],
    ['package.json', '{"engines":{"node":"not a range"}}', '24', null],
    ['package.json', '{"engines":{"node":', '24', null],
    ['package.json', '{"name":"x"}', '24', null],
  ] as const)('node: %s %j vs node:%s → %s', (name, text, tag, expected) => {
    expect(verdict('node', name, text, 'node', tag)).toBe(expected);
  });

  it.each([
    ['.python-version', '3.12\n', '3.12-slim', true],
    ['.python-version', '3.12\n', '3.13-slim', false],
    ['.python-version', '3.12.4\n3.11.9\n', '3.12', true],
    ['.python-version', '3.12.4', '3.12.5-slim-bookworm', false],
    ['.python-version', 'pypy3.10-7.3.12', '3.10', null],
    ['.python-version', 'system', '3.12', null],
    ['pyproject.toml', '[project]\nrequires-python = ">=3.10,<3.13"\n', '3.12-slim', true],
    ['pyproject.toml', '[project]\nrequires-python = ">=3.10,<3.13"\n', '3.13-slim', false],
    ['pyproject.toml', '[project]\nrequires-python = ">=3.10,<3.13"\n', '3', true],
    ['pyproject.toml', '[project]\nrequires-python = "==3.12.4"\n', '3.12', true],
    ['pyproject.toml', '[project]\nrequires-python = "~=3.11.2"\n', '3.12', false],
    ['pyproject.toml', '[tool.poetry.dependencies]\npython = "^3.10"\n', '3.13', true],
    ['pyproject.toml', '[tool.poetry.dependencies]\npython = "~3.10"\n', '3.11-alpine', false],
    ['pyproject.toml', '[tool.poetry.dependencies]\npython = ">=3.8 <3.12"\n', '3.12', false],
    ['pyproject.toml', '[tool.poetry.dependencies]\npython = "~3.9 || ~3.12"\n', '3.12', true],
    ['pyproject.toml', '[tool.poetry.dependencies]\npython = "*"\n', '3.12', null],
    ['pyproject.toml', '[project\nrequires-python = ">=3.10"\n', '3.12', null],
  ] as const)('python: %s %j vs python:%s → %s', (name, text, tag, expected) => {
    expect(verdict('python', name, text, 'python', tag)).toBe(expected);
  });

  it.each([
    ['module x\n\ngo 1.22.3\n', '1.23', true],
    ['module x\n\ngo 1.22.3\n', '1.22', true],
    ['module x\n\ngo 1.22.3\n', '1.22.1-alpine', false],
    ['module x\n\ngo 1.23.1\n', '1.22-bookworm', false],
    ['module x\ngo 1.22\ntoolchain go1.23.2\n', '1.22', false],
    ['module x\ngo 1.22\ntoolchain go1.23.2\n', '1.23', true],
    ['module x\ngo 1.22\ntoolchain default\n', '1.22', true],
    ['module x\nrequire (\n\tgo 9.9\n)\n', '1.22', null],
    ['module x\ngo one.two\n', '1.22', null],
  ] as const)('go: go.mod %j vs golang:%s → %s', (text, tag, expected) => {
    expect(verdict('go', 'go.mod', text, 'golang', tag)).toBe(expected);
  });

  it('reads Poetry constraints as PEP 440 specifiers, each `||` alternative on its own', () => {
    expect(poetryToPep440('^3.10')).toEqual(['>=3.10,<4']);
    expect(poetryToPep440('^0.2.1')).toEqual(['>=0.2.1,<0.3']);
    expect(poetryToPep440('~3.10.2')).toEqual(['>=3.10.2,<3.11']);
    expect(poetryToPep440('>= 3.8, < 3.12')).toEqual(['>=3.8,<3.12']);
    expect(poetryToPep440('3.10.*')).toEqual(['==3.10.*']);
    expect(poetryToPep440('~3.9 || ^3.11')).toEqual(['>=3.9,<3.10', '>=3.11,<4']);
    expect(poetryToPep440('git+https://example.invalid')).toBeNull();
  });

  it.each([
    ['docker.io/library/node', '22', { language: 'node', release: [22] }],
    ['docker.io/library/python', '3.12.4-slim-bookworm', { language: 'python', release: [3, 12, 4] }],
    ['docker.io/library/golang', '1.22-alpine3.20', { language: 'go', release: [1, 22] }],
    ['mirror.gcr.io/library/node', '22-alpine', { language: 'node', release: [22] }],
    ['public.ecr.aws/docker/library/python', '3.13', { language: 'python', release: [3, 13] }],
    ['docker.io/library/node', 'lts-alpine', null],
    ['docker.io/library/python', '3.14.0rc1-slim', null],
    ['docker.io/library/node', null, null],
    ['docker.io/someone/node', '22', null],
    ['docker.io/library/nginx', '1.27', null],
  ] as const)('%s:%s is %j', (depName, tag, expected) => {
    expect(baseRuntime(depName, tag)).toEqual(expected);
  });
});

const DIGEST = `sha256:${'d'.repeat(64)}`;

function memory(files: Record<string, string>): FileSource {
  return {
    list: async () => Object.keys(files),
    read: async (path) => {
      if (!(path in files)) throw new Error(`${path}: not found`);
      return files[path]!;
    },
  };
}

/** Registry answers for the official images: these tags exist, each with one digest. */
const images: ImageLookup = {
  async getTags(depName) {
    const tags: Record<string, string[]> = {
      node: ['20', '22', '24', '22-alpine', '24-alpine', 'lts'],
      python: ['3.12-slim', '3.13-slim'],
      golang: ['1.21', '1.22', '1.23'],
      nginx: ['1.26', '1.27'],
    };
    return tags[depName.split('/').pop()!] ?? [];
  },
  getDigest: async () => DIGEST,
};

async function plan(files: Record<string, string>) {
  return scan(memory(files), { images, log: silentLogger, planners: [runtimePlanner()] }, { pinDigests: false });
}

function notesOf(updates: PlannedUpdate[], to: string): string[] | undefined {
  return updates.find((u) => u.to === to)?.notes;
}

describe('runtime planner', () => {
  it('looks in the Dockerfile folder, then each parent, then the root', () => {
    expect(parentDirs('services/api/Dockerfile')).toEqual(['services/api', 'services', '']);
    expect(parentDirs('Dockerfile')).toEqual(['']);
  });

  it('notes on node:22 → node:24 that .nvmrc and engines.node will disagree', async () => {
    const result = await plan({ Dockerfile: 'FROM node:22\n', '.nvmrc': '22\n', 'package.json': '{"name":"a","engines":{"node":"^22"}}\n' });
    expect(result.errors).toEqual([]);
    expect(notesOf(result.updates, 'node:24')).toEqual([
      '`node:22` → `node:24`: `.nvmrc` says `22` and `package.json` engines.node says `^22` — they will disagree with the new base image',
    ]);
    expect(result.dependencies.find((d) => d.manager === 'dockerfile')?.extra?.runtimeDisagreement).toBeUndefined();
  });

  it('says nothing when the files agree with the new base, or name an alias', async () => {
    const agreeing = await plan({ Dockerfile: 'FROM node:22\n', 'package.json': '{"engines":{"node":">=20"}}' });
    expect(notesOf(agreeing.updates, 'node:24')).toBeUndefined();
    const alias = await plan({ Dockerfile: 'FROM node:22\n', '.nvmrc': 'lts/*\n' });
    expect(alias.updates.map((u) => u.to)).toEqual(['node:24']);
    expect(notesOf(alias.updates, 'node:24')).toBeUndefined();
  });

  it('uses the nearest file of each name, from the Dockerfile folder up to the root', async () => {
    const files = {
      'services/web/Dockerfile': 'FROM node:22-alpine\n',
      'services/web/.nvmrc': '24\n',
      '.nvmrc': '22\n',
      'services/.node-version': '22.11.0\n',
    };
    const result = await plan(files);
    expect(notesOf(result.updates, 'node:24-alpine')).toEqual([
      '`node:22-alpine` → `node:24-alpine`: `services/.node-version` says `22.11.0` — it will disagree with the new base image',
    ]);
  });

  it('notes python moves against .python-version, requires-python and Poetry', async () => {
    const result = await plan({
      'api/Dockerfile': 'FROM python:3.12-slim AS app\n',
      'api/.python-version': '3.12\n',
      'api/pyproject.toml': '[project]\nrequires-python = ">=3.10,<3.13"\n\n[tool.poetry.dependencies]\npython = "^3.10"\n',
    });
    expect(notesOf(result.updates, 'python:3.13-slim')).toEqual([
      '`python:3.12-slim` → `python:3.13-slim`: `api/.python-version` says `3.12` and `api/pyproject.toml` requires-python says `>=3.10,<3.13` — they will disagree with the new base image',
    ]);
  });

  it('reads go.mod lines as minimums: a newer golang agrees, one that catches up says so', async () => {
    const newer = await plan({ Dockerfile: 'FROM golang:1.22 AS build\n', 'go.mod': 'module example.com/x\n\ngo 1.22.3\n' });
    expect(newer.updates.map((u) => u.to)).toEqual(['golang:1.23']);
    expect(notesOf(newer.updates, 'golang:1.23')).toBeUndefined();

    const behind = await plan({ Dockerfile: 'FROM golang:1.21\n', 'go.mod': 'module example.com/x\n\ngo 1.22.3\ntoolchain go1.22.5\n' });
    expect(notesOf(behind.updates, 'golang:1.23')).toEqual([
      '`golang:1.21` → `golang:1.23`: `go.mod` go says `1.22.3` and `go.mod` toolchain says `go1.22.5` — they disagree with the current base image; the new one agrees',
    ]);
    const dep = behind.dependencies.find((d) => d.manager === 'dockerfile')!;
    expect(dep.extra?.runtimeDisagreement).toEqual({
      image: 'golang:1.21',
      files: [{ file: 'go.mod', field: 'go', says: '1.22.3' }, { file: 'go.mod', field: 'toolchain', says: 'go1.22.5' }],
    });
  });

  it('lists a base that already disagrees in the scan report, and notes a move that keeps disagreeing', async () => {
    const result = await plan({ Dockerfile: 'FROM node:20\n', '.nvmrc': '18\n' });
    expect(notesOf(result.updates, 'node:24')).toEqual(['`node:20` → `node:24`: `.nvmrc` says `18` — it disagrees with the current base image and will with the new one too']);
    const report = humanScan({ dependencies: result.dependencies, updates: result.updates, held: [], errors: [], applied: null });
    expect(report).toContain('Runtime files disagree with the base image (1):\n  Dockerfile:1 node:20: .nvmrc says 18\n');
  });

  it('notes updates other planners held back too, and only for language images', async () => {
    const holdAll = {
      name: 'hold-all',
      async plan(state: Parameters<ReturnType<typeof runtimePlanner>['plan']>[0]) {
        state.held.push(...state.updates.map((update) => ({ update, kind: 'release-age' as const, reason: 'too new' })));
        state.updates = [];
      },
    };
    const files = { Dockerfile: 'FROM node:22\nFROM nginx:1.26\n', '.nvmrc': '22', 'package.json': '{"engines":{"node":"1.26"}}' };
    const result = await scan(memory(files), { images, log: silentLogger, planners: [holdAll, runtimePlanner()] }, { pinDigests: false });
    expect(result.held.map((h) => [h.update.to, h.update.notes?.length ?? 0])).toEqual([['node:24', 1], ['nginx:1.27', 0]]);
  });

  it('a broken or unreadable runtime file gives no note and no error', async () => {
    const broken = { ...memory({ Dockerfile: 'FROM node:22\nFROM python:3.12-slim\n', 'package.json': '{"engines": {"node": "^22"', 'pyproject.toml': '[project\n' }) };
    const result = await scan(broken, { images, log: silentLogger, planners: [runtimePlanner()] }, { pinDigests: false });
    expect(result.updates.map((u) => [u.to, u.notes])).toEqual([['node:24', undefined], ['python:3.13-slim', undefined]]);
    expect(result.errors.filter((e) => e.file === '(scan)')).toEqual([]);
  });

  it('skips ignored images', async () => {
    const files = { Dockerfile: 'FROM node:20\n', '.nvmrc': '18\n' };
    const result = await scan(memory(files), { images, log: silentLogger, planners: [runtimePlanner()] }, { pinDigests: false, ignore: ['node'] });
    expect(result.dependencies.find((d) => d.manager === 'dockerfile')?.extra?.runtimeDisagreement).toBeUndefined();
  });
});
