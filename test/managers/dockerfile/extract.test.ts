// Table tests for the images a Dockerfile uses: which are dependencies, with what name, tag, line and extras.
import { describe, expect, it } from 'vitest';
import { dockerfileManager } from '../../../src/managers/dockerfile/index.js';
import type { DockerfileLocation } from '../../../src/managers/dockerfile/index.js';

const D1 = `sha256:${'1'.repeat(64)}`;

interface Expected {
  line: number;
  depName: string;
  currentValue: string | null;
  currentDigest?: string | null;
  reference: string;
  skipReason?: string;
  extra?: Record<string, unknown>;
}

function extract(text: string) {
  return dockerfileManager.extract(text, 'app/Dockerfile');
}

function summary(text: string): Expected[] {
  return extract(text).deps.map((dep) => ({
    line: dep.line,
    depName: dep.depName,
    currentValue: dep.currentValue,
    currentDigest: dep.currentDigest,
    reference: dep.reference!,
    ...(dep.skipReason ? { skipReason: dep.skipReason } : {}),
    extra: { ...dep.extra },
  }));
}

const from = (stage: number, extra: Record<string, unknown> = {}) => ({ stage, kind: 'from', ...extra });

describe('dockerfile extract', () => {
  const cases: Array<{ name: string; text: string; deps: Expected[] }> = [
    {
      name: 'FROM with tag, digest, registry and port',
      text: `FROM node:20.11-alpine\nFROM node:20@${D1}\nFROM localhost:5000/team/app:1.0\nFROM ghcr.io/org/tool@${D1}\nFROM ubuntu\n`,
      deps: [
        { line: 1, depName: 'docker.io/library/node', currentValue: '20.11-alpine', currentDigest: null, reference: 'node:20.11-alpine', extra: from(0) },
        { line: 2, depName: 'docker.io/library/node', currentValue: '20', currentDigest: D1, reference: `node:20@${D1}`, extra: from(1) },
        { line: 3, depName: 'localhost:5000/team/app', currentValue: '1.0', currentDigest: null, reference: 'localhost:5000/team/app:1.0', extra: from(2) },
        { line: 4, depName: 'ghcr.io/org/tool', currentValue: null, currentDigest: D1, reference: `ghcr.io/org/tool@${D1}`, extra: from(3) },
        { line: 5, depName: 'docker.io/library/ubuntu', currentValue: null, currentDigest: null, reference: 'ubuntu', extra: from(4) },
      ],
    },
    {
      name: 'scratch and stage references are not images; stage names in any case',
      text: 'FROM golang:1.22 AS Build\nFROM build AS test\nFROM BUILD\nFROM scratch\nCOPY --from=BuIlD /app /app\n',
      deps: [{ line: 1, depName: 'docker.io/library/golang', currentValue: '1.22', currentDigest: null, reference: 'golang:1.22', extra: from(0, { stageName: 'build' }) }],
    },
    {
      name: 'platform flag, resolved or as written',
      text: 'ARG P=linux/arm64\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM --platform=$P alpine:3.20\n',
      deps: [
        { line: 2, depName: 'docker.io/library/golang', currentValue: '1.22', currentDigest: null, reference: 'golang:1.22', extra: from(0, { stageName: 'build', platform: '$BUILDPLATFORM' }) },
        { line: 3, depName: 'docker.io/library/alpine', currentValue: '3.20', currentDigest: null, reference: 'alpine:3.20', extra: from(1, { platform: 'linux/arm64' }) },
      ],
    },
    {
      name: 'global ARGs in FROM, every substitution form',
      text: [
        'ARG REG=ghcr.io',
        'ARG V=20',
        'ARG EMPTY=',
        'ARG BASE=node:22',
        'FROM ${BASE}',
        'FROM $REG/team/app:${V}',
        'FROM node:${V}-alpine',
        'FROM node:${EMPTY:-18}',
        'FROM node:${MISSING-16}',
        'FROM node${V:+:14}',
        'FROM node${V+:12}',
      ].join('\n'),
      deps: [
        { line: 5, depName: 'docker.io/library/node', currentValue: '22', currentDigest: null, reference: 'node:22', extra: from(0) },
        { line: 6, depName: 'ghcr.io/team/app', currentValue: '20', currentDigest: null, reference: 'ghcr.io/team/app:20', extra: from(1) },
        { line: 7, depName: 'docker.io/library/node', currentValue: '20-alpine', currentDigest: null, reference: 'node:20-alpine', extra: from(2) },
        { line: 8, depName: 'docker.io/library/node', currentValue: '18', currentDigest: null, reference: 'node:18', extra: from(3) },
        { line: 9, depName: 'docker.io/library/node', currentValue: '16', currentDigest: null, reference: 'node:16', extra: from(4) },
        { line: 10, depName: 'docker.io/library/node', currentValue: '14', currentDigest: null, reference: 'node:14', extra: from(5) },
        { line: 11, depName: 'docker.io/library/node', currentValue: '12', currentDigest: null, reference: 'node:12', extra: from(6) },
      ],
    },
    {
      name: 'unresolved variables are skipped, never guessed',
      text: 'ARG TAG\nARG REGISTRY\nFROM node:${TAG}\nFROM ${REGISTRY}/app:1\nFROM alpine:$TARGETARCH\nFROM alpine\nARG TAG\n',
      deps: [
        { line: 3, depName: 'docker.io/library/node', currentValue: null, currentDigest: null, reference: 'node:${TAG}', skipReason: 'unresolved-variable: TAG', extra: from(0) },
        { line: 4, depName: '${REGISTRY}/app:1', currentValue: null, currentDigest: null, reference: '${REGISTRY}/app:1', skipReason: 'unresolved-variable: REGISTRY', extra: from(1) },
        { line: 5, depName: 'docker.io/library/alpine', currentValue: null, currentDigest: null, reference: 'alpine:$TARGETARCH', skipReason: 'unresolved-variable: TARGETARCH', extra: from(2) },
        { line: 6, depName: 'docker.io/library/alpine', currentValue: null, currentDigest: null, reference: 'alpine', extra: from(3) },
      ],
    },
    {
      name: 'COPY --from: stage index, stage name, image',
      text: 'FROM golang:1.22 AS build\nFROM alpine:3.20\nCOPY --from=0 /a /a\nCOPY --from=build /b /b\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\nCOPY --chown=1:1 --from=ghcr.io/x/y:2 /c /c\n',
      deps: [
        { line: 1, depName: 'docker.io/library/golang', currentValue: '1.22', currentDigest: null, reference: 'golang:1.22', extra: from(0, { stageName: 'build' }) },
        { line: 2, depName: 'docker.io/library/alpine', currentValue: '3.20', currentDigest: null, reference: 'alpine:3.20', extra: from(1) },
        { line: 5, depName: 'docker.io/library/nginx', currentValue: '1.27', currentDigest: null, reference: 'nginx:1.27', extra: { stage: 1, kind: 'copy-from' } },
        { line: 6, depName: 'ghcr.io/x/y', currentValue: '2', currentDigest: null, reference: 'ghcr.io/x/y:2', extra: { stage: 1, kind: 'copy-from' } },
      ],
    },
    {
      name: 'RUN --mount from: stage or image, bind and cache only',
      text: [
        'FROM golang:1.22 AS deps',
        'FROM alpine',
        'RUN --mount=type=bind,from=deps,target=/d \\',
        '    --mount=from=busybox:1.36,target=/bb \\',
        '    --mount=type=cache,target=/root/.cache,from=redis:7 \\',
        '    --mount=type=secret,id=x \\',
        '    --mount=type=tmpfs,target=/t \\',
        '    --mount="type=bind,from=ghcr.io/a/b:3,target=/q" make',
      ].join('\n'),
      deps: [
        { line: 1, depName: 'docker.io/library/golang', currentValue: '1.22', currentDigest: null, reference: 'golang:1.22', extra: from(0, { stageName: 'deps' }) },
        { line: 2, depName: 'docker.io/library/alpine', currentValue: null, currentDigest: null, reference: 'alpine', extra: from(1) },
        { line: 4, depName: 'docker.io/library/busybox', currentValue: '1.36', currentDigest: null, reference: 'busybox:1.36', extra: { stage: 1, kind: 'mount-from' } },
        { line: 5, depName: 'docker.io/library/redis', currentValue: '7', currentDigest: null, reference: 'redis:7', extra: { stage: 1, kind: 'mount-from' } },
        { line: 8, depName: 'ghcr.io/a/b', currentValue: '3', currentDigest: null, reference: 'ghcr.io/a/b:3', extra: { stage: 1, kind: 'mount-from' } },
      ],
    },
    {
      name: 'ONBUILD triggers that use images',
      text: 'FROM alpine AS base\nONBUILD COPY --from=nginx:1 /a /b\nONBUILD COPY --from=base /a /b\nonbuild run --mount=from=busybox:1,target=/x ls\n',
      deps: [
        { line: 1, depName: 'docker.io/library/alpine', currentValue: null, currentDigest: null, reference: 'alpine', extra: from(0, { stageName: 'base' }) },
        { line: 2, depName: 'docker.io/library/nginx', currentValue: '1', currentDigest: null, reference: 'nginx:1', extra: { stage: 0, stageName: 'base', kind: 'copy-from' } },
        { line: 4, depName: 'docker.io/library/busybox', currentValue: '1', currentDigest: null, reference: 'busybox:1', extra: { stage: 0, stageName: 'base', kind: 'mount-from' } },
      ],
    },
    {
      name: 'the # syntax= directive image, not a later one',
      text: '# syntax=docker/dockerfile:1.7\nFROM alpine\n# syntax=ignored/image:1\n',
      deps: [
        { line: 1, depName: 'docker.io/docker/dockerfile', currentValue: '1.7', currentDigest: null, reference: 'docker/dockerfile:1.7', extra: { stage: null, kind: 'syntax' } },
        { line: 2, depName: 'docker.io/library/alpine', currentValue: null, currentDigest: null, reference: 'alpine', extra: from(0) },
      ],
    },
    {
      name: 'heredoc bodies, comments and continuations',
      text: 'FROM alpine\nRUN <<EOF\nFROM evil:1\nEOF\nFROM \\\n  # why\n  --platform=linux/amd64 \\\n  node:20\n',
      deps: [
        { line: 1, depName: 'docker.io/library/alpine', currentValue: null, currentDigest: null, reference: 'alpine', extra: from(0) },
        { line: 8, depName: 'docker.io/library/node', currentValue: '20', currentDigest: null, reference: 'node:20', extra: from(1, { platform: 'linux/amd64' }) },
      ],
    },
    {
      name: 'invalid references get a skipReason',
      text: 'FROM Node:20\nFROM node:bad!tag\n',
      deps: [
        { line: 1, depName: 'Node', currentValue: null, currentDigest: null, reference: 'Node:20', skipReason: expect.stringMatching(/^invalid-reference: .*lowercase/) as unknown as string, extra: from(0) },
        { line: 2, depName: 'docker.io/library/node', currentValue: null, currentDigest: null, reference: 'node:bad!tag', skipReason: expect.stringMatching(/^invalid-reference: /) as unknown as string, extra: from(1) },
      ],
    },
  ];

  it.each(cases)('$name', ({ text, deps }) => {
    const result = extract(text);
    expect(result.errors).toEqual([]);
    expect(summary(text)).toEqual(deps.map((dep) => ({ currentDigest: null, ...dep })));
    for (const dep of result.deps) {
      expect(dep).toMatchObject({ manager: 'dockerfile', datasource: 'docker', file: 'app/Dockerfile' });
      const location = dep.location as DockerfileLocation;
      location.offsets.forEach((offset, i) => expect(text[offset]).toBe(location.reference[i]));
    }
  });

  it('records where each part of an ARG-built reference is written', () => {
    const text = 'ARG V=20\nFROM node:${V}-alpine AS app\n';
    const location = extract(text).deps[0]!.location as DockerfileLocation;
    expect(location.parts).toEqual([
      { text: 'node:', range: { start: 14, end: 19 }, source: 'literal' },
      { text: '20', range: { start: 6, end: 8 }, source: 'variable', variable: { name: 'V', kind: 'ARG', line: 1, valueRange: { start: 6, end: 8 } } },
      { text: '-alpine', range: { start: 23, end: 30 }, source: 'literal' },
    ]);
    expect(text.slice(location.tokenRange.start, location.tokenRange.end)).toBe('node:${V}-alpine');
  });

  it('reports broken input with its line and still extracts the rest', () => {
    const text = 'FROM alpine:3.20 AS a\nFROM\nFROM node:20 extra\nFROM busybox:1\nRUN <<EOF\nFROM evil\n';
    const result = extract(text);
    expect(result.errors).toEqual([
      { file: 'app/Dockerfile', line: 2, message: expect.stringContaining('FROM requires') },
      { file: 'app/Dockerfile', line: 2, message: 'FROM without an image' },
      { file: 'app/Dockerfile', line: 3, message: expect.stringContaining('one or three arguments') },
      { file: 'app/Dockerfile', line: 5, message: 'unterminated heredoc <<EOF' },
    ]);
    expect(result.deps.map((d) => [d.line, d.reference])).toEqual([
      [1, 'alpine:3.20'],
      [4, 'busybox:1'],
    ]);
  });

  it('FROM with a second word (`FROM ubuntu latest`) is a located error, not a dependency on ubuntu', () => {
    const result = extract('FROM ubuntu latest\nRUN true\nFROM node:20 AS build extra\nFROM build\nFROM alpine:3.20 as\nFROM busybox:1 AS ok\n');
    expect(result.errors).toEqual([
      { file: 'app/Dockerfile', line: 1, message: 'FROM requires either one or three arguments (FROM <image> [AS <name>]): "ubuntu latest" is 2 words; the image is not looked up' },
      { file: 'app/Dockerfile', line: 3, message: expect.stringContaining('"node:20 AS build extra" is 4 words') },
      { file: 'app/Dockerfile', line: 5, message: expect.stringContaining('"alpine:3.20 as" is 2 words') },
    ]);
    // Line 3 named no stage, so `FROM build` is an image called build.
    expect(result.deps.map((d) => [d.line, d.reference])).toEqual([[4, 'build'], [6, 'busybox:1']]);
  });
});

describe('dockerfile matches', () => {
  const cases: Array<[string, boolean]> = [
    ['Dockerfile', true],
    ['docker/Dockerfile', true],
    ['a/b/Dockerfile.prod', true],
    ['api.Dockerfile', true],
    ['build/api.dockerfile', true],
    ['Containerfile', true],
    ['ci/Containerfile.test', true],
    ['Dockerfile.dockerignore', false],
    ['Dockerfiles/readme.md', false],
    ['MyDockerfile', false],
    ['docker-compose.yml', false],
    ['Dockerfile/x', false],
  ];
  it.each(cases)('%s → %s', (path, expected) => {
    expect(dockerfileManager.matches(path)).toBe(expected);
  });
});
