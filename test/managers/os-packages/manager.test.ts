// The os-packages manager on whole Dockerfiles: pins in every RUN form, stages and base images, ARG/ENV versions, edits.
import { describe, expect, it } from 'vitest';
import { osPackagesManager as manager } from '../../../src/managers/os-packages/index.js';
import type { Dependency } from '../../../src/types.js';

const DOCKERFILE = [
  'ARG BASE=debian:bookworm-slim', // 1
  'FROM ${BASE} AS base', // 2
  'ARG CURL_V=7.88.1-10+deb12u5', // 3
  'ENV JQ_V="1.6-2.1"', // 4
  'RUN apt-get update && apt-get install -y --no-install-recommends \\', // 5
  '      curl=${CURL_V} \\', // 6
  '      jq=$JQ_V wget; apt-get install -y a=1 || apt-get install -y b=2', // 7
  'FROM base AS tools', // 8
  'RUN <<EOF', // 9
  'set -e', // 10
  'apt-get install -y git=1:2.39.5-0+deb12u1', // 11
  'EOF', // 12
  'RUN ["apt-get", "install", "-y", "libc6:arm64=2.36-9+deb12u9"]', // 13
  'FROM --platform=linux/arm64 alpine:3.20 AS small', // 14
  'RUN apk add --no-cache openssl~3.3 zlib@edge=1.3.1-r2 busybox', // 15
  'FROM scratch', // 16
  'RUN apt-get install -y orphan=1', // 17
  '',
].join('\n');

const deps = manager.extract(DOCKERFILE, 'Dockerfile').deps;
const byName = (name: string): Dependency => deps.find((d) => d.depName === name)!;

describe('os-packages extract', () => {
  it('reads pins from shell chains, continuations, heredocs and exec form, each on the line of its version', () => {
    const pins = deps.filter((d) => !d.skipReason).map((d) => [d.depName, d.currentValue, d.line, d.datasource]);
    expect(pins).toEqual([
      ['curl', '7.88.1-10+deb12u5', 3, 'debian'],
      ['jq', '1.6-2.1', 4, 'debian'],
      ['a', '1', 7, 'debian'],
      ['b', '2', 7, 'debian'],
      ['git', '1:2.39.5-0+deb12u1', 11, 'debian'],
      ['libc6', '2.36-9+deb12u9', 13, 'debian'],
      ['openssl', '3.3', 15, 'alpine'],
      ['zlib', '1.3.1-r2', 15, 'alpine'],
      ['orphan', '1', 17, 'debian'],
    ]);
  });

  it('knows each pin\'s stage and the real base image behind FROM <stage> chains', () => {
    expect(byName('curl').extra).toMatchObject({ tool: 'apt', stage: 0, baseStage: 0, baseImage: 'debian:bookworm-slim', variable: 'CURL_V' });
    expect(byName('git').extra).toMatchObject({ stage: 1, stageName: 'tools', baseStage: 0, baseImage: 'debian:bookworm-slim' });
    expect(byName('libc6').extra).toMatchObject({ arch: 'arm64', stage: 1 });
    expect(byName('openssl').extra).toMatchObject({ tool: 'apk', fuzzy: true, platform: 'linux/arm64', baseImage: 'alpine:3.20' });
    expect(byName('zlib').extra).toMatchObject({ repoTag: 'edge', fuzzy: false });
    expect(byName('orphan').extra).toMatchObject({ baseStage: null, baseImage: null });
  });

  it('reports unpinned installs (for the repeatability report) without updating them', () => {
    const unpinned = deps.filter((d) => d.skipReason === 'unpinned').map((d) => [d.depName, d.datasource, d.line]);
    expect(unpinned).toEqual([
      ['wget', 'debian', 5],
      ['busybox', 'alpine', 15],
    ]);
    expect(() => manager.update(DOCKERFILE, byName('wget'), { newValue: '1', newDigest: null })).toThrow(/unpinned/);
  });

  it('a version from an ARG without default, or from an undeclared variable, is reported and never guessed', () => {
    const text = 'FROM debian:bookworm\nARG V\nRUN apt-get install -y a=$V b=${NOPE}\n';
    const found = manager.extract(text, 'Dockerfile').deps;
    expect(found.map((d) => [d.depName, d.currentValue, d.skipReason])).toEqual([
      ['a', null, 'unresolved-variable: V has no default value'],
      ['b', null, 'unresolved-variable: NOPE (no ARG or ENV in this Dockerfile declares it)'],
    ]);
  });

  it('an empty version is a located error', () => {
    const { errors } = manager.extract('FROM debian\n\nRUN apt-get install -y \\\n  curl=\n', 'x/Dockerfile');
    expect(errors).toEqual([expect.objectContaining({ file: 'x/Dockerfile', line: 3, depName: 'curl=' })]);
  });
});

describe('os-packages update', () => {
  it.each([
    ['curl', 'ARG CURL_V=7.88.1-10+deb12u9'],
    ['jq', 'ENV JQ_V="7.88.1-10+deb12u9"'],
    ['a', '      jq=$JQ_V wget; apt-get install -y a=7.88.1-10+deb12u9 || apt-get install -y b=2'],
    ['git', 'apt-get install -y git=7.88.1-10+deb12u9'],
    ['libc6', 'RUN ["apt-get", "install", "-y", "libc6:arm64=7.88.1-10+deb12u9"]'],
    ['openssl', 'RUN apk add --no-cache openssl~7.88.1-10+deb12u9 zlib@edge=1.3.1-r2 busybox'],
  ])('%s: only the version bytes change, and they read back', (name, line) => {
    const dep = byName(name);
    const after = manager.update(DOCKERFILE, dep, { newValue: '7.88.1-10+deb12u9', newDigest: null });
    const changed = after.split('\n').filter((l, i) => l !== DOCKERFILE.split('\n')[i]);
    expect(changed).toEqual([line]);
    const again = manager.extract(after, 'Dockerfile').deps;
    expect(again.find((d) => d.depName === name)?.currentValue).toBe('7.88.1-10+deb12u9');
    expect(manager.update(after, again.find((d) => d.depName === name)!, { newValue: dep.currentValue, newDigest: null })).toBe(DOCKERFILE);
  });

  it('refuses a stale text, a digest, and a version that would need quoting', () => {
    const dep = byName('git');
    expect(() => manager.update(DOCKERFILE.replace('git=1:', 'git=2:'), dep, { newValue: '3', newDigest: null })).toThrow(/changed since/);
    expect(() => manager.update(DOCKERFILE, dep, { newValue: '3', newDigest: 'sha256:' + 'a'.repeat(64) })).toThrow(/no digest/);
    expect(() => manager.update(DOCKERFILE, dep, { newValue: '3; rm -rf /', newDigest: null })).toThrow(/not a package version/);
  });
});
