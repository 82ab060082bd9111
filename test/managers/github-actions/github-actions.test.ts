// Table tests for images in GitHub Actions workflows: what is found, what is skipped, and byte-exact rewrites.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { githubActionsManager as actions } from '../../../src/managers/github-actions/index.js';
import { UpdateError } from '../../../src/types.js';
import type { DependencyChange } from '../../../src/types.js';

const FILE = '.github/workflows/ci.yml';
const OLD = `sha256:${'2'.repeat(64)}`;
const NEW = `sha256:${'3'.repeat(64)}`;

function found(text: string) {
  const { deps, errors } = actions.extract(text, FILE);
  expect(errors).toEqual([]);
  return deps.map((d) => ({ line: d.line, reference: d.reference, depName: d.depName, tag: d.currentValue, skip: d.skipReason ?? null }));
}

describe('github-actions extract', () => {
  it.each([
    {
      name: 'job container as a string and as .image',
      text: 'jobs:\n  a:\n    container: node:20\n  b:\n    container:\n      image: "ghcr.io/acme/ci:2" # ci image\n      options: --cpus 1\n',
      want: [
        { line: 3, reference: 'node:20', depName: 'docker.io/library/node', tag: '20', skip: null },
        { line: 6, reference: 'ghcr.io/acme/ci:2', depName: 'ghcr.io/acme/ci', tag: '2', skip: null },
      ],
    },
    {
      name: 'service containers',
      text: 'jobs:\n  a:\n    services:\n      db:\n        image: postgres:16\n      cache: {image: redis, ports: [6379]}\n',
      want: [
        { line: 5, reference: 'postgres:16', depName: 'docker.io/library/postgres', tag: '16', skip: null },
        { line: 6, reference: 'redis', depName: 'docker.io/library/redis', tag: null, skip: null },
      ],
    },
    {
      name: 'docker:// steps; other uses are not images',
      text: 'jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker://alpine:3.20\n      - uses: \'docker://127.0.0.1:5000/tools/lint:1\'\n      - run: echo docker://nope:1\n',
      want: [
        { line: 5, reference: 'alpine:3.20', depName: 'docker.io/library/alpine', tag: '3.20', skip: null },
        { line: 6, reference: '127.0.0.1:5000/tools/lint:1', depName: '127.0.0.1:5000/tools/lint', tag: '1', skip: null },
      ],
    },
    {
      name: 'expressions are skipped',
      text: 'jobs:\n  a:\n    container: ${{ matrix.image }}\n    services:\n      db:\n        image: postgres:${{ matrix.pg }}\n    steps:\n      - uses: docker://node:20\n',
      want: [
        { line: 3, reference: '${{ matrix.image }}', depName: '${{ matrix.image }}', tag: null, skip: 'expression' },
        { line: 6, reference: 'postgres:${{ matrix.pg }}', depName: 'docker.io/library/postgres', tag: null, skip: 'expression' },
        { line: 8, reference: 'node:20', depName: 'docker.io/library/node', tag: '20', skip: null },
      ],
    },
    {
      name: 'services given by an expression and empty images are not dependencies',
      text: "jobs:\n  a:\n    services: ${{ fromJSON(inputs.services) }}\n  b:\n    services:\n      db:\n        image: ''\n    container:\n",
      want: [],
    },
    {
      name: 'anchors: an alias is not a second dependency',
      text: 'jobs:\n  a:\n    container: &img node:20\n  b:\n    container: *img\n    services:\n      db: &db\n        image: postgres:16\n  c:\n    services:\n      db: *db\n',
      want: [
        { line: 3, reference: 'node:20', depName: 'docker.io/library/node', tag: '20', skip: null },
        { line: 8, reference: 'postgres:16', depName: 'docker.io/library/postgres', tag: '16', skip: null },
      ],
    },
    {
      name: 'flow style workflow',
      text: '{on: push, jobs: {a: {container: {image: "node:20"}, steps: [{uses: "docker://alpine"}]}}}\n',
      want: [
        { line: 1, reference: 'node:20', depName: 'docker.io/library/node', tag: '20', skip: null },
        { line: 1, reference: 'alpine', depName: 'docker.io/library/alpine', tag: null, skip: null },
      ],
    },
  ])('$name', ({ text, want }) => {
    expect(found(text)).toEqual(want);
  });

  it('reads the fixture workflow', () => {
    const text = readFileSync(new URL('./fixtures/.github/workflows/ci.yml', import.meta.url), 'utf8');
    expect(found(text).map((d) => [d.line, d.reference, d.skip])).toEqual([
      [6, 'node:20-bookworm', null],
      [9, 'redis:7', null],
      [12, `postgres:16.2@${OLD}`, null],
      [15, 'alpine:3.20', null],
      [21, 'ghcr.io/acme/linter:0.9', null],
      [27, '${{ matrix.image }}', 'expression'],
      [29, 'ghcr.io/acme/tool', null],
    ]);
  });

  it.each([
    ['a step at the wrong indentation', 'jobs:\n  a:\n    steps:\n      - uses: docker://alpine\n    - run: x\n', 5],
    ['an unclosed quote', 'jobs:\n  a:\n    container: "node:20\n', 3],
  ])('broken YAML (%s) gives a located error and no dependencies', (_name, text, line) => {
    const result = actions.extract(text, FILE);
    expect(result.deps).toEqual([]);
    expect(result.errors[0]).toMatchObject({ file: FILE, line });
  });

  it('reports a container of the wrong shape with its line', () => {
    const result = actions.extract('jobs:\n  a:\n    container:\n      image: [node]\n    steps:\n      - uses: docker://alpine\n', FILE);
    expect(result.errors).toEqual([{ file: FILE, line: 4, message: 'jobs.a.container.image must be a string' }]);
    expect(result.deps.map((d) => d.reference)).toEqual(['alpine']);
  });

  it.each([
    ['.github/workflows/ci.yml', true],
    ['.github/workflows/release.yaml', true],
    ['.github/workflows/nested/ci.yml', false],
    ['sub/.github/workflows/ci.yml', false],
    ['.github/actions/x/action.yml', false],
    ['.github/workflows/ci.json', false],
  ])('matches %s → %s', (path, matches) => {
    expect(actions.matches(path)).toBe(matches);
  });
});

function updated(text: string, index: number, change: DependencyChange): string {
  const dep = actions.extract(text, FILE).deps[index]!;
  return actions.update(text, dep, change);
}

describe('github-actions update', () => {
  it.each([
    {
      name: 'container string pinned, comment kept',
      before: 'jobs:\n  a:\n    container: node:20  # runtime\n',
      change: { newValue: '20', newDigest: NEW },
      after: `jobs:\n  a:\n    container: node:20@${NEW}  # runtime\n`,
    },
    {
      name: 'docker:// prefix stays, tag and digest change',
      before: `jobs:\n  a:\n    steps:\n      - uses: "docker://alpine:3.19@${OLD}"\n`,
      change: { newValue: '3.20', newDigest: NEW },
      after: `jobs:\n  a:\n    steps:\n      - uses: "docker://alpine:3.20@${NEW}"\n`,
    },
    {
      name: 'service image digest dropped',
      before: `jobs:\n  a:\n    services:\n      db: {image: 'postgres:16@${OLD}', ports: [5432]}\n`,
      change: { newValue: '16', newDigest: null },
      after: "jobs:\n  a:\n    services:\n      db: {image: 'postgres:16', ports: [5432]}\n",
    },
  ])('$name', ({ before, change, after }) => {
    expect(updated(before, 0, change)).toBe(after);
  });

  it('refuses to update an expression', () => {
    const text = 'jobs:\n  a:\n    container: ${{ matrix.image }}\n';
    expect(() => updated(text, 0, { newValue: '1', newDigest: null })).toThrow(UpdateError);
  });

  it('pinning the fixture touches only the pinned values', () => {
    const text = readFileSync(new URL('./fixtures/.github/workflows/ci.yml', import.meta.url), 'utf8');
    let result = text;
    const deps = actions.extract(text, FILE).deps.filter((d) => !d.skipReason && d.currentDigest === null);
    for (const dep of deps.reverse()) result = actions.update(result, dep, { newValue: dep.currentValue, newDigest: NEW });
    const after = actions.extract(result, FILE).deps.filter((d) => !d.skipReason);
    expect(after.every((d) => d.currentDigest !== null)).toBe(true);
    expect(result.replaceAll(`@${NEW}`, '')).toBe(text);
  });
});
