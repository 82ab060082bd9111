// Table tests for what the compose manager finds in compose files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeManager } from '../../../src/managers/compose/index.js';

const DIGEST = `sha256:${'1'.repeat(64)}`;

interface Row {
  name: string;
  text: string;
  deps: { line: number; reference: string; depName: string; currentValue: string | null; currentDigest?: string | null; skipReason?: string }[];
}

const rows: Row[] = [
  {
    name: 'plain, quoted and commented values',
    text: 'services:\n  a:\n    image: node:20 # lts\n  b:\n    image: "redis:7"\n  c:\n    image: \'nginx\'\n',
    deps: [
      { line: 3, reference: 'node:20', depName: 'docker.io/library/node', currentValue: '20' },
      { line: 5, reference: 'redis:7', depName: 'docker.io/library/redis', currentValue: '7' },
      { line: 7, reference: 'nginx', depName: 'docker.io/library/nginx', currentValue: null },
    ],
  },
  {
    name: 'flow style',
    text: 'services: {web: {image: "node:20", ports: [80]}, db: {image: postgres:16}}\n',
    deps: [
      { line: 1, reference: 'node:20', depName: 'docker.io/library/node', currentValue: '20' },
      { line: 1, reference: 'postgres:16', depName: 'docker.io/library/postgres', currentValue: '16' },
    ],
  },
  {
    name: 'digest pins and registries with ports',
    text: `services:\n  a:\n    image: localhost:5000/team/app:1.2@${DIGEST}\n  b:\n    image: ghcr.io/acme/x@${DIGEST}\n`,
    deps: [
      { line: 3, reference: `localhost:5000/team/app:1.2@${DIGEST}`, depName: 'localhost:5000/team/app', currentValue: '1.2', currentDigest: DIGEST },
      { line: 5, reference: `ghcr.io/acme/x@${DIGEST}`, depName: 'ghcr.io/acme/x', currentValue: null, currentDigest: DIGEST },
    ],
  },
  {
    name: 'variables with defaults resolve to the default',
    text: 'services:\n  a:\n    image: ${IMG:-node:20}\n  b:\n    image: redis:${TAG-7.2}\n  c:\n    image: ${REG:-ghcr.io}/acme/${NAME:-${FALLBACK:-app}}:1\n',
    deps: [
      { line: 3, reference: 'node:20', depName: 'docker.io/library/node', currentValue: '20' },
      { line: 5, reference: 'redis:7.2', depName: 'docker.io/library/redis', currentValue: '7.2' },
      { line: 7, reference: 'ghcr.io/acme/app:1', depName: 'ghcr.io/acme/app', currentValue: '1' },
    ],
  },
  {
    name: 'variables without a default are reported, never guessed',
    text: 'services:\n  a:\n    image: ${IMAGE}\n  b:\n    image: node:$TAG\n  c:\n    image: node:${TAG:?set TAG}\n',
    deps: [
      { line: 3, reference: '${IMAGE}', depName: '${IMAGE}', currentValue: null, skipReason: 'unresolved-variable: IMAGE' },
      { line: 5, reference: 'node:$TAG', depName: 'docker.io/library/node', currentValue: null, skipReason: 'unresolved-variable: TAG' },
      { line: 7, reference: 'node:${TAG:?set TAG}', depName: 'docker.io/library/node', currentValue: null, skipReason: 'unresolved-variable: TAG' },
    ],
  },
  {
    name: '$$ is a literal dollar (which makes an invalid reference)',
    text: 'services:\n  a:\n    image: node:$${TAG}\n',
    deps: [{ line: 3, reference: 'node:${TAG}', depName: 'docker.io/library/node', currentValue: null, skipReason: 'invalid-reference: invalid tag "${TAG}"' }],
  },
  {
    name: 'anchors, aliases and merge keys: one dependency per written value',
    text: 'x-app: &app\n  image: acme/app:1\nservices:\n  a: *app\n  b:\n    <<: *app\n    ports: [1]\n  c:\n    image: &shared redis:7\n  d:\n    image: *shared\n',
    deps: [
      { line: 2, reference: 'acme/app:1', depName: 'docker.io/acme/app', currentValue: '1' },
      { line: 9, reference: 'redis:7', depName: 'docker.io/library/redis', currentValue: '7' },
    ],
  },
  {
    name: 'a key written in the service wins over a merged one',
    text: 'x-app: &app\n  image: acme/app:1\nservices:\n  b:\n    <<: *app\n    image: acme/other:2\n',
    deps: [{ line: 6, reference: 'acme/other:2', depName: 'docker.io/acme/other', currentValue: '2' }],
  },
  {
    name: 'multi-document files',
    text: 'services:\n  a:\n    image: node:20\n---\nservices:\n  b:\n    image: redis:7\n...\n',
    deps: [
      { line: 3, reference: 'node:20', depName: 'docker.io/library/node', currentValue: '20' },
      { line: 7, reference: 'redis:7', depName: 'docker.io/library/redis', currentValue: '7' },
    ],
  },
  {
    name: 'services without an image, empty files and other keys',
    text: 'version: "3"\nservices:\n  a:\n    build: .\n  b:\n  c:\n    image:\nvolumes:\n  data:\n    image: not-a-service:1\n',
    deps: [],
  },
  {
    name: 'CRLF line endings',
    text: 'services:\r\n  a:\r\n    image: node:20\r\n  b:\r\n    image: redis:7\r\n',
    deps: [
      { line: 3, reference: 'node:20', depName: 'docker.io/library/node', currentValue: '20' },
      { line: 5, reference: 'redis:7', depName: 'docker.io/library/redis', currentValue: '7' },
    ],
  },
  {
    name: 'a block scalar reports the line its value is written on',
    text: 'services:\n  a:\n    image: >-\n      node:20\n',
    deps: [{ line: 4, reference: 'node:20', depName: 'docker.io/library/node', currentValue: '20' }],
  },
  {
    name: 'an image a service builds is the build output: listed as built-locally, never looked up',
    text: 'services:\n  app:\n    build: .\n    image: acme/app:1.0\n  api:\n    build:\n      context: api\n    image: ${REG:-ghcr.io}/acme/api:${TAG}\n  db:\n    image: postgres:16\n  nobuild:\n    build:\n    image: redis:7\n',
    deps: [
      { line: 4, reference: 'acme/app:1.0', depName: 'docker.io/acme/app', currentValue: null, skipReason: 'built-locally' },
      { line: 8, reference: '${REG:-ghcr.io}/acme/api:${TAG}', depName: '${REG:-ghcr.io}/acme/api:${TAG}', currentValue: null, skipReason: 'built-locally' },
      { line: 10, reference: 'postgres:16', depName: 'docker.io/library/postgres', currentValue: '16' },
      { line: 13, reference: 'redis:7', depName: 'docker.io/library/redis', currentValue: '7' },
    ],
  },
  {
    name: 'build args holding base images, as a mapping and as a list',
    text: [
      'services:',
      '  ch:',
      '    build:',
      '      context: .',
      '      args:',
      '        BASE_IMAGE: altinity/clickhouse-server:25.8',
      '        CH_VERSION: "25.8"',
      '        REDIS: redis:6379',
      '        TOOLS: ghcr.io/acme/tools:2.1',
      `        PINNED: node@${DIGEST}`,
      '        URL: http://cache:8080/x',
      '        NODE_IMAGE: ${NODE_IMAGE:-node:22-slim}',
      '    image: acme/ch:local',
      '  web:',
      '    build:',
      '      args:',
      '        - BASE_IMAGE=python:3.13-slim',
      '        - "FROM_IMAGE=127.0.0.1:5000/team/base:1"',
      '        - DB_HOST=postgres:5432',
      '        - EMPTY=',
      '        - FROM_ENV',
      '        - BUILDER_IMAGE=${BUILDER}',
      '        - GIT_SHA=${GIT_SHA}',
      '',
    ].join('\n'),
    deps: [
      { line: 13, reference: 'acme/ch:local', depName: 'docker.io/acme/ch', currentValue: null, skipReason: 'built-locally' },
      { line: 6, reference: 'altinity/clickhouse-server:25.8', depName: 'docker.io/altinity/clickhouse-server', currentValue: '25.8' },
      { line: 9, reference: 'ghcr.io/acme/tools:2.1', depName: 'ghcr.io/acme/tools', currentValue: '2.1' },
      { line: 10, reference: `node@${DIGEST}`, depName: 'docker.io/library/node', currentValue: null, currentDigest: DIGEST },
      { line: 12, reference: 'node:22-slim', depName: 'docker.io/library/node', currentValue: '22-slim' },
      { line: 17, reference: 'python:3.13-slim', depName: 'docker.io/library/python', currentValue: '3.13-slim' },
      { line: 18, reference: '127.0.0.1:5000/team/base:1', depName: '127.0.0.1:5000/team/base', currentValue: '1' },
      { line: 22, reference: '${BUILDER}', depName: '${BUILDER}', currentValue: null, skipReason: 'unresolved-variable: BUILDER' },
    ],
  },
  {
    name: 'invalid references get a reason',
    text: 'services:\n  a:\n    image: Node:20\n',
    deps: [{ line: 3, reference: 'Node:20', depName: 'Node', currentValue: null, skipReason: 'invalid-reference: repository name must be lowercase: "Node"' }],
  },
];

describe('compose extract', () => {
  it.each(rows)('$name', ({ text, deps }) => {
    const result = composeManager.extract(text, 'compose.yaml');
    expect(result.errors).toEqual([]);
    expect(result.deps).toHaveLength(deps.length);
    result.deps.forEach((dep, i) => {
      const want = deps[i]!;
      expect(dep).toMatchObject({
        manager: 'compose',
        datasource: 'docker',
        file: 'compose.yaml',
        line: want.line,
        depName: want.depName,
        reference: want.reference,
        currentValue: want.currentValue,
        currentDigest: want.currentDigest ?? null,
      });
      expect(dep.skipReason).toBe(want.skipReason);
    });
  });

  it.each([
    ['unclosed flow sequence', 'services:\n  a:\n    image: node:20\n    ports: [1\n', 4],
    ['bad indentation', 'services:\n  web:\n    image: node:20\n   db: x\n', 4],
    ['duplicate keys', 'services:\n  a:\n    image: node:20\n    image: node:22\n', 4],
    ['error in the second document', 'services: {}\n---\nservices:\n  a: [\n', 4],
    ['tab indentation', 'services:\n\ta:\n', 2],
  ])('broken YAML (%s) gives a located error and no dependencies', (_name, text, line) => {
    const result = composeManager.extract(text, 'deploy/compose.yaml');
    expect(result.deps).toEqual([]);
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors[0]).toMatchObject({ file: 'deploy/compose.yaml', line });
    expect(result.errors[0]!.message).toMatch(/^invalid YAML: /);
  });

  it('reports services and images of the wrong shape with their line', () => {
    const result = composeManager.extract('services:\n  a:\n    image: [node]\n  b:\n    image: redis:7\n', 'compose.yml');
    expect(result.errors).toEqual([{ file: 'compose.yml', line: 3, message: 'services.a.image must be a string' }]);
    expect(result.deps.map((d) => d.reference)).toEqual(['redis:7']);
    expect(composeManager.extract('services: [a, b]\n', 'compose.yml').errors).toEqual([
      { file: 'compose.yml', line: 1, message: 'services must be a mapping' },
    ]);
  });

  it('reads the fixture stack', () => {
    const text = readFileSync(new URL('./fixtures/docker-compose.yml', import.meta.url), 'utf8');
    const { deps, errors } = composeManager.extract(text, 'docker-compose.yml');
    expect(errors).toEqual([]);
    expect(deps.map((d) => [d.line, d.reference, d.skipReason ?? null])).toEqual([
      [8, 'node:20.11-alpine', null],
      [11, `postgres:16@${DIGEST}`, null],
      [12, 'redis:7.2', null],
      [3, 'ghcr.io/acme/worker:1.4.2', null],
      [17, 'nginx:1.27', null],
      [19, '127.0.0.1:5000/team/tool:2.0', null],
      [21, '${CUSTOM_IMAGE}', 'unresolved-variable: CUSTOM_IMAGE'],
    ]);
  });
});

describe('compose file names', () => {
  it.each([
    ['compose.yaml', true],
    ['compose.yml', true],
    ['docker-compose.yml', true],
    ['docker-compose.yaml', true],
    ['deploy/docker-compose.prod.yml', true],
    ['a/b/compose.override.yaml', true],
    ['docker-compose-prod.yml', true],
    ['ops/docker-compose_dev.yaml', true],
    ['compose-ci.yml', true],
    ['composer.yml', false],
    ['docker-composer.yml', false],
    ['compose.json', false],
    ['mycompose.yml', false],
    ['docker-compose.yml.bak', false],
    ['compose/Dockerfile', false],
    ['.github/workflows/compose.txt', false],
  ])('%s → %s', (path, matches) => {
    expect(composeManager.matches(path)).toBe(matches);
  });
});
