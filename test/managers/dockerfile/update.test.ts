// Round-trip tests: an update rewrites only the tag/digest bytes and re-extracts to the new value.
import { describe, expect, it } from 'vitest';
import { dockerfileManager } from '../../../src/managers/dockerfile/index.js';
import { type DependencyChange, UpdateError } from '../../../src/types.js';

const OLD = `sha256:${'a'.repeat(64)}`;
const NEW = `sha256:${'b'.repeat(64)}`;

/** The one span where two texts differ: identical prefix and suffix around it. */
function changedSpan(before: string, after: string): { removed: string; added: string } {
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && suffix < after.length - prefix && before.at(-1 - suffix) === after.at(-1 - suffix)) suffix++;
  expect(after.slice(0, prefix)).toBe(before.slice(0, prefix));
  expect(after.slice(after.length - suffix)).toBe(before.slice(before.length - suffix));
  return { removed: before.slice(prefix, before.length - suffix), added: after.slice(prefix, after.length - suffix) };
}

function update(text: string, depIndex: number, change: DependencyChange): string {
  const { deps } = dockerfileManager.extract(text, 'Dockerfile');
  return dockerfileManager.update(text, deps[depIndex]!, change);
}

interface RoundTrip {
  name: string;
  text: string;
  dep?: number;
  change: DependencyChange;
  expected: string;
  /** What the minimal diff of old vs new must show. */
  removed: string;
  added: string;
}

describe('dockerfile update round trips', () => {
  const cases: RoundTrip[] = [
    {
      name: 'literal tag bump',
      text: 'FROM node:20.11-alpine AS build\nRUN echo\n',
      change: { newValue: '20.12-alpine', newDigest: null },
      expected: 'FROM node:20.12-alpine AS build\nRUN echo\n',
      removed: '1',
      added: '2',
    },
    {
      name: 'pin: the digest goes right after the tag',
      text: 'FROM   node:20   AS   build\n',
      change: { newValue: '20', newDigest: NEW },
      expected: `FROM   node:20@${NEW}   AS   build\n`,
      removed: '',
      added: `@${NEW}`,
    },
    {
      name: 'pin an untagged reference without inventing a tag',
      text: 'FROM ubuntu\n',
      change: { newValue: null, newDigest: NEW },
      expected: `FROM ubuntu@${NEW}\n`,
      removed: '',
      added: `@${NEW}`,
    },
    {
      name: 'pin an untagged reference held by an ARG',
      text: "ARG IMG='ubuntu'\nFROM $IMG\n",
      change: { newValue: null, newDigest: NEW },
      expected: `ARG IMG='ubuntu@${NEW}'\nFROM $IMG\n`,
      removed: '',
      added: `@${NEW}`,
    },
    {
      name: 'digest update',
      text: `FROM node:20@${OLD}\n`,
      change: { newValue: '20', newDigest: NEW },
      expected: `FROM node:20@${NEW}\n`,
      removed: 'a'.repeat(64),
      added: 'b'.repeat(64),
    },
    {
      name: 'tag and digest update together',
      text: `FROM node:20@${OLD}\n`,
      change: { newValue: '22', newDigest: NEW },
      expected: `FROM node:22@${NEW}\n`,
      removed: `0@${OLD}`,
      added: `2@${NEW}`,
    },
    {
      name: 'unpin: the digest is removed',
      text: `FROM node:20@${OLD} AS x\n`,
      change: { newValue: '20', newDigest: null },
      expected: 'FROM node:20 AS x\n',
      removed: `@${OLD}`,
      added: '',
    },
    {
      name: 'digest-only reference',
      text: `FROM ghcr.io/o/tool@${OLD}\n`,
      change: { newValue: null, newDigest: NEW },
      expected: `FROM ghcr.io/o/tool@${NEW}\n`,
      removed: 'a'.repeat(64),
      added: 'b'.repeat(64),
    },
    {
      name: 'whole reference from an ARG default: the ARG line changes, digest at its end',
      text: '# base image\nARG BASE=node:20\nFROM ${BASE} AS build\n',
      change: { newValue: '22', newDigest: NEW },
      expected: `# base image\nARG BASE=node:22@${NEW}\nFROM \${BASE} AS build\n`,
      removed: '0',
      added: `2@${NEW}`,
    },
    {
      name: 'quoted ARG default keeps its quotes',
      text: 'ARG BASE="node:20"\nFROM $BASE\n',
      change: { newValue: '22', newDigest: NEW },
      expected: `ARG BASE="node:22@${NEW}"\nFROM $BASE\n`,
      removed: '0',
      added: `2@${NEW}`,
    },
    {
      name: 'partial variable: the ARG gets the new tag, the digest follows the reference in FROM',
      text: 'ARG V=20\nFROM node:${V}-alpine\n',
      change: { newValue: '22-alpine', newDigest: NEW },
      expected: `ARG V=22\nFROM node:\${V}-alpine@${NEW}\n`,
      removed: '0\nFROM node:${V}-alpine',
      added: `2\nFROM node:\${V}-alpine@${NEW}`,
    },
    {
      name: 'partial variable at the end of the reference',
      text: 'ARG V=3.19\nFROM alpine:${V} AS base\n',
      change: { newValue: '3.20', newDigest: NEW },
      expected: `ARG V=3.20\nFROM alpine:\${V}@${NEW} AS base\n`,
      removed: '19\nFROM alpine:${V}',
      added: `20\nFROM alpine:\${V}@${NEW}`,
    },
    {
      name: 'a tag built from two ARGs edits the one that changes',
      text: 'ARG MAJOR=20\nARG TAG=${MAJOR}-alpine\nFROM node:${TAG}\n',
      change: { newValue: '21-alpine', newDigest: null },
      expected: 'ARG MAJOR=21\nARG TAG=${MAJOR}-alpine\nFROM node:${TAG}\n',
      removed: '0',
      added: '1',
    },
    {
      name: 'a stage ARG inheriting the global default edits the global ARG',
      text: 'ARG IMG=busybox:1.36\nFROM alpine\nARG IMG\nCOPY --from=${IMG} /bin/sh /sh\n',
      dep: 1,
      change: { newValue: '1.37', newDigest: null },
      expected: 'ARG IMG=busybox:1.37\nFROM alpine\nARG IMG\nCOPY --from=${IMG} /bin/sh /sh\n',
      removed: '6',
      added: '7',
    },
    {
      name: 'CRLF line endings and continuation lines are kept',
      text: 'FROM alpine\r\nFROM \\\r\n  --platform=linux/amd64 \\\r\n  node:20 AS b\r\n',
      dep: 1,
      change: { newValue: '22', newDigest: NEW },
      expected: `FROM alpine\r\nFROM \\\r\n  --platform=linux/amd64 \\\r\n  node:22@${NEW} AS b\r\n`,
      removed: '0',
      added: `2@${NEW}`,
    },
    {
      name: 'COPY --from image',
      text: 'FROM alpine\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n',
      dep: 1,
      change: { newValue: '1.28', newDigest: NEW },
      expected: `FROM alpine\nCOPY --from=nginx:1.28@${NEW} /etc/nginx /etc/nginx\n`,
      removed: '7',
      added: `8@${NEW}`,
    },
    {
      name: 'RUN --mount from image (quoted flag)',
      text: 'FROM alpine\nRUN --mount="type=bind,from=busybox:1.36,target=/bb" ls\n',
      dep: 1,
      change: { newValue: '1.37', newDigest: null },
      expected: 'FROM alpine\nRUN --mount="type=bind,from=busybox:1.37,target=/bb" ls\n',
      removed: '6',
      added: '7',
    },
    {
      name: 'ONBUILD COPY --from image',
      text: 'FROM alpine\nONBUILD COPY --from=nginx:1 /a /b\n',
      dep: 1,
      change: { newValue: '2', newDigest: null },
      expected: 'FROM alpine\nONBUILD COPY --from=nginx:2 /a /b\n',
      removed: '1',
      added: '2',
    },
    {
      name: 'the # syntax= directive',
      text: '# syntax=docker/dockerfile:1.6\nFROM alpine\n',
      change: { newValue: '1.7', newDigest: NEW },
      expected: `# syntax=docker/dockerfile:1.7@${NEW}\nFROM alpine\n`,
      removed: '6',
      added: `7@${NEW}`,
    },
    {
      name: 'escape directive with backtick continuation',
      text: '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2019 `\n  AS win\n',
      change: { newValue: 'ltsc2022', newDigest: null },
      expected: '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 `\n  AS win\n',
      removed: '19',
      added: '22',
    },
  ];

  it.each(cases)('$name', ({ text, dep = 0, change, expected, removed, added }) => {
    const result = update(text, dep, change);
    expect(result).toBe(expected);
    expect(changedSpan(text, result)).toEqual({ removed, added });
    const after = dockerfileManager.extract(result, 'Dockerfile').deps[dep]!;
    expect(after).toMatchObject({ currentValue: change.newValue, currentDigest: change.newDigest });
    expect(after.skipReason).toBeUndefined();
  });
});

describe('dockerfile update refusals', () => {
  const cases: Array<{ name: string; text: string; change: DependencyChange; message: RegExp }> = [
    {
      name: 'a new tag that drops the literal suffix next to the variable',
      text: 'ARG V=20\nFROM node:${V}-alpine\n',
      change: { newValue: '22-bookworm', newDigest: null },
      message: /not written in one place/,
    },
    {
      name: 'a new tag that would change the literal text around the variable',
      text: 'ARG V=20\nFROM node:${V}-alpine\n',
      change: { newValue: '20-bookworm', newDigest: null },
      message: /comes partly from a variable/,
    },
    {
      name: 'an unresolved reference',
      text: 'ARG TAG\nFROM node:${TAG}\n',
      change: { newValue: '22', newDigest: null },
      message: /unresolved-variable: TAG/,
    },
    {
      name: 'an invalid new tag (the re-extracted file would not match)',
      text: 'FROM node:20\n',
      change: { newValue: 'bad tag!', newDigest: null },
      message: /did not give the wanted reference/,
    },
  ];
  it.each(cases)('$name', ({ text, change, message }) => {
    expect(() => update(text, 0, change)).toThrow(UpdateError);
    expect(() => update(text, 0, change)).toThrow(message);
  });

  it('refuses a dependency extracted from another text', () => {
    const { deps } = dockerfileManager.extract('FROM node:20\n', 'Dockerfile');
    expect(() => dockerfileManager.update('FROM node:21\n', deps[0]!, { newValue: '22', newDigest: null })).toThrow(/changed since/);
  });

  it('changes every FROM that shares the ARG, and says so by re-extraction', () => {
    const text = 'ARG V=20\nFROM node:$V AS a\nFROM node:$V-slim\n';
    const result = update(text, 0, { newValue: '22', newDigest: null });
    expect(result).toBe('ARG V=22\nFROM node:$V AS a\nFROM node:$V-slim\n');
    expect(dockerfileManager.extract(result, 'Dockerfile').deps.map((d) => d.currentValue)).toEqual(['22', '22-slim']);
  });
});
