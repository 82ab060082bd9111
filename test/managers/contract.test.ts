// The contract every manager keeps (located dependencies, byte-exact round-trips, located errors), and that each is registered.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { managerFor, managers } from '../../src/managers/index.js';
import type { Dependency, Manager } from '../../src/types.js';

interface Fixture {
  path: string;
  text: string;
}

interface FixtureSet {
  files: Fixture[];
  broken: Fixture[];
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_F = `sha256:${'f'.repeat(64)}`;

/** Managers whose test folder is not ours keep their contract fixtures here. */
const inlineFixtures: Record<string, FixtureSet> = {
  dockerfile: {
    files: [
      {
        path: 'Dockerfile',
        text: `FROM node:20-alpine AS build\nRUN npm ci\n\nFROM gcr.io/distroless/nodejs20-debian12@${DIGEST_A}\nCOPY --from=build /app /app\n`,
      },
      {
        path: 'services/api/Dockerfile',
        text: 'from python:3.12-slim\r\nCOPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/\r\nRUN pip install -r requirements.txt\r\n',
      },
    ],
    broken: [{ path: 'Dockerfile', text: 'FROM\nRUN echo no image\n' }],
  },
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isFile());
}

/** `test/managers/<name>/fixtures/`: every file is a fixture at its path there; files under `broken/` are broken input. */
function folderFixtures(name: string): FixtureSet | undefined {
  const dir = join(ROOT, 'test/managers', name, 'fixtures');
  if (!existsSync(dir)) return undefined;
  const brokenDir = join(dir, 'broken');
  const all = filesUnder(dir);
  const read = (base: string) => (path: string) => ({ path: relative(base, path).split('\\').join('/'), text: readFileSync(path, 'utf8') });
  return {
    files: all.filter((p) => !p.startsWith(brokenDir)).map(read(dir)),
    broken: all.filter((p) => p.startsWith(brokenDir)).map(read(brokenDir)),
  };
}

function fixturesFor(manager: Manager): FixtureSet {
  return inlineFixtures[manager.name] ?? folderFixtures(manager.name) ?? { files: [], broken: [] };
}

function lineAt(text: string, line: number): string {
  return text.split(/\r?\n/)[line - 1] ?? '';
}

/** What must appear on the dependency's line: its tag, else its digest, else the last part of its name. */
function visibleValue(dep: Dependency): string {
  return dep.currentValue ?? dep.currentDigest ?? dep.depName.split('/').pop()!;
}

function summary(dep: Dependency) {
  return { depName: dep.depName, currentValue: dep.currentValue, currentDigest: dep.currentDigest, line: dep.line, skipReason: dep.skipReason };
}

/** The part of `before` that differs from `after`, as [start, end) offsets into `before` and the text that replaced it. */
function changedSpan(before: string, after: string): { start: number; end: number; inserted: string } {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  let tail = 0;
  while (tail < before.length - start && tail < after.length - start && before.at(-1 - tail) === after.at(-1 - tail)) tail++;
  return { start, end: before.length - tail, inserted: after.slice(start, after.length - tail) };
}

function lineOfOffset(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

describe.each(managers.map((m) => [m.name, m] as const))('manager contract: %s', (name, manager) => {
  const fixtures = fixturesFor(manager);
  const updatable = fixtures.files.flatMap((fixture) =>
    manager
      .extract(fixture.text, fixture.path)
      .deps.map((dep, index) => ({ fixture, dep, index }))
      .filter(({ dep }) => !dep.skipReason),
  );

  it('has fixtures: files it reads, dependencies it can update, and broken input', () => {
    expect(fixtures.files.length, `no contract fixtures for ${name}`).toBeGreaterThan(0);
    expect(fixtures.broken.length).toBeGreaterThan(0);
    expect(updatable.length).toBeGreaterThan(0);
    for (const fixture of [...fixtures.files, ...fixtures.broken]) expect(manager.matches(fixture.path), fixture.path).toBe(true);
  });

  it.each(fixtures.files.map((f) => [f.path, f] as const))('extract %s: every dependency on the 1-based line holding its value', (_p, fixture) => {
    const { deps, errors } = manager.extract(fixture.text, fixture.path);
    expect(errors).toEqual([]);
    expect(deps.length).toBeGreaterThan(0);
    for (const dep of deps) {
      expect(dep).toMatchObject({ manager: name, file: fixture.path });
      expect(Number.isInteger(dep.line) && dep.line >= 1).toBe(true);
      if (!dep.skipReason) expect(lineAt(fixture.text, dep.line), `${dep.depName} on line ${dep.line}`).toContain(visibleValue(dep));
    }
  });

  it.each(updatable.map((u) => [`${u.fixture.path}:${u.dep.line} ${u.dep.depName}`, u] as const))(
    'update round-trips %s',
    (_label, { fixture, dep, index }) => {
      // Package pins (datasource other than docker) have versions only, never digests; a tool's checksums (its digest) stay.
      const newDigest = dep.datasource !== 'docker' ? dep.currentDigest : dep.currentDigest === DIGEST_F ? DIGEST_A : DIGEST_F;
      const change = { newValue: dep.currentValue === null ? null : 'freshen-test', newDigest };
      const after = manager.update(fixture.text, dep, change);

      const span = changedSpan(fixture.text, after);
      expect(span.end).toBeGreaterThanOrEqual(span.start);
      expect(fixture.text.slice(span.start, span.end) + span.inserted).not.toMatch(/[\r\n]/);
      expect(lineOfOffset(fixture.text, span.start)).toBe(dep.line);

      const before = manager.extract(fixture.text, fixture.path).deps;
      const again = manager.extract(after, fixture.path);
      expect(again.errors).toEqual([]);
      expect(again.deps).toHaveLength(before.length);
      expect(again.deps[index]).toMatchObject({ depName: dep.depName, currentValue: change.newValue, currentDigest: change.newDigest });
      expect(again.deps.filter((_, i) => i !== index).map(summary)).toEqual(before.filter((_, i) => i !== index).map(summary));

      const restored = manager.update(after, again.deps[index]!, { newValue: dep.currentValue, newDigest: dep.currentDigest });
      expect(restored).toBe(fixture.text);
    },
  );

  it.each(fixtures.broken.map((f) => [f.path, f] as const))('broken %s: a located error, no exception', (_p, fixture) => {
    const { errors } = manager.extract(fixture.text, fixture.path);
    expect(errors.length).toBeGreaterThan(0);
    const lines = fixture.text.split('\n').length;
    for (const error of errors) {
      expect(error.file).toBe(fixture.path);
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.line).toBeLessThanOrEqual(lines);
      expect(error.message.length).toBeGreaterThan(0);
    }
  });
});

function isManager(value: unknown): value is Manager {
  const m = value as Partial<Manager> | null;
  return typeof m === 'object' && m !== null && typeof m.name === 'string' && typeof m.matches === 'function' &&
    typeof m.extract === 'function' && typeof m.update === 'function';
}

describe('manager registration', () => {
  const managersDir = join(ROOT, 'src/managers');
  const folders = readdirSync(managersDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(managersDir, entry.name, 'index.ts')))
    .map((entry) => entry.name);

  async function managersInFolders(): Promise<{ folder: string; manager: Manager }[]> {
    const found: { folder: string; manager: Manager }[] = [];
    for (const folder of folders) {
      const module: Record<string, unknown> = await import(join(managersDir, folder, 'index.ts'));
      found.push(...Object.values(module).filter(isManager).map((manager) => ({ folder, manager })));
    }
    return found;
  }

  it('every manager exported by a src/managers/<folder>/index.ts is in the managers index', async () => {
    const unregistered = (await managersInFolders())
      .filter(({ manager }) => !managers.includes(manager))
      .map(({ folder, manager }) => `${manager.name} (src/managers/${folder}/index.ts)`);
    expect(unregistered, 'add these to src/managers/index.ts').toEqual([]);
  });

  it('every registered manager lives in its own folder of the same name', async () => {
    const found = await managersInFolders();
    for (const manager of managers) {
      expect(found.find((f) => f.manager === manager)?.folder, manager.name).toBe(manager.name);
    }
    const names = managers.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each([
    ['Dockerfile', ['dockerfile', 'os-packages', 'dockerfile-tools', 'run-installs']],
    ['deploy/docker-compose.yml', ['compose']],
    ['.github/workflows/ci.yml', ['github-actions']],
    ['README.md', []],
  ])('managerFor(%s) → %j', (path, names) => {
    expect(managerFor(path).map((m) => m.name)).toEqual(names);
  });
});
