// The repeatability report: one table row per Dockerfile shape, findings with file:line and a fix.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRepeatability, repeatabilityReport, unpinnedPip, type RepeatabilityRule } from '../../src/report/repeatability.js';

const D = 'sha256:' + 'a'.repeat(64);
/** A final stage that raises nothing by itself. */
const TAIL = 'HEALTHCHECK CMD true\nUSER app\n';

const rules = (text: string, pinned = true) => repeatabilityReport('Dockerfile', text, { pinned }).map((f) => `${f.line} ${f.rule}`);

describe('repeatabilityReport', () => {
  it.each<[string, string, boolean, string[]]>([
    ['a clean file', `FROM node:24@${D}\n${TAIL}`, true, []],
    ['FROM without digest in a pinned repo', `FROM node:24\n${TAIL}`, true, ['1 from-without-digest']],
    ['FROM without digest, repo not pinned', `FROM node:24\n${TAIL}`, false, []],
    ['no tag', `FROM node@${D}\nFROM node\n${TAIL}`, true, ['2 from-without-digest', '2 latest-or-no-tag']],
    ['latest', `FROM node:latest@${D}\n${TAIL}`, true, ['1 latest-or-no-tag']],
    ['stage bases and scratch are not images', `FROM node:24@${D} AS b\nFROM b\nFROM scratch\n${TAIL}`, true, []],
    ['unresolved ARG in FROM is skipped', `ARG BASE\nFROM $BASE\n${TAIL}`, true, []],
    ['apt-get without versions', `FROM debian:12@${D}\nRUN apt-get update && apt-get install -y curl=8.1 git\n${TAIL}`, true, ['2 unpinned-packages']],
    ['apt-get all pinned', `FROM debian:12@${D}\nRUN apt-get install -y git=1:2.39.5-0+deb12u1\n${TAIL}`, true, []],
    ['apk without versions', `FROM alpine:3.20@${D}\nRUN apk add --no-cache bash\n${TAIL}`, true, ['2 unpinned-packages']],
    ['pip without versions', `FROM python:3.13@${D}\nRUN pip install requests flask==3.0.0\n${TAIL}`, true, ['2 unpinned-packages']],
    ['pip from a requirements file', `FROM python:3.13@${D}\nRUN pip install --no-cache-dir -r requirements.txt\n${TAIL}`, true, []],
    ['curl without checksum', `FROM debian:12@${D}\nRUN curl -fsSLo /t.tgz https://example.com/t.tgz && tar xzf /t.tgz\n${TAIL}`, true, ['2 download-without-checksum']],
    ['curl with sha256sum', `FROM debian:12@${D}\nRUN curl -fsSLo /t.tgz https://example.com/t.tgz \\\n && echo "abc  /t.tgz" | sha256sum -c -\n${TAIL}`, true, []],
    ['wget in a heredoc', `FROM debian:12@${D}\nRUN <<EOF\nwget https://example.com/x\nEOF\n${TAIL}`, true, ['2 download-without-checksum']],
    ['ADD URL without checksum', `FROM debian:12@${D}\nADD https://example.com/x.tgz /x.tgz\n${TAIL}`, true, ['2 download-without-checksum']],
    ['ADD URL with --checksum', `FROM debian:12@${D}\nADD --checksum=sha256:${'b'.repeat(64)} https://example.com/x.tgz /x.tgz\n${TAIL}`, true, []],
    ['ADD of a local file', `FROM debian:12@${D}\nADD app.tgz /app\n${TAIL}`, true, []],
    ['no HEALTHCHECK', `FROM node:24@${D}\nUSER node\n`, true, ['1 no-healthcheck']],
    ['HEALTHCHECK only in an earlier stage', `FROM node:24@${D} AS a\nHEALTHCHECK CMD true\nFROM node:24@${D}\nUSER node\n`, true, ['3 no-healthcheck']],
    ['no USER', `FROM node:24@${D}\nHEALTHCHECK CMD true\n`, true, ['1 runs-as-root']],
    ['USER root last', `FROM node:24@${D}\nHEALTHCHECK CMD true\nUSER node\nUSER root\n`, true, ['4 runs-as-root']],
    ['USER 0:0', `FROM node:24@${D}\nHEALTHCHECK CMD true\nUSER 0:0\n`, true, ['3 runs-as-root']],
    ['root only in the build stage', `FROM node:24@${D} AS b\nUSER root\nFROM node:24@${D}\n${TAIL}`, true, []],
    ['secrets as ARG and ENV', `ARG NPM_TOKEN\nFROM node:24@${D}\nENV DB_PASSWORD=x API_KEY=y\n${TAIL}`, true, ['1 secret-in-build-arg', '3 secret-in-build-arg', '3 secret-in-build-arg']],
    ['ordinary ARG names', `ARG NODE_VERSION=24\nFROM node:\${NODE_VERSION}@${D}\nENV PORT=3000\n${TAIL}`, true, []],
  ])('%s', (_name, text, pinned, expected) => {
    expect(rules(text, pinned)).toEqual(expected);
  });

  it('gives every finding a file, a line, a one-line message and a one-line fix', () => {
    const findings = repeatabilityReport('svc/Dockerfile', 'FROM node\nRUN apt-get install -y curl && curl https://x.example/y\nARG GITHUB_TOKEN\n', { pinned: true });
    const seen = new Set<RepeatabilityRule>(findings.map((f) => f.rule));
    expect([...seen].sort()).toEqual(['download-without-checksum', 'from-without-digest', 'latest-or-no-tag', 'no-healthcheck', 'runs-as-root', 'secret-in-build-arg', 'unpinned-packages']);
    for (const f of findings) {
      expect(f.file).toBe('svc/Dockerfile');
      expect(f.line).toBeGreaterThan(0);
      expect(f.message).not.toContain('\n');
      expect(f.fix).not.toContain('\n');
      expect(f.fix.length).toBeGreaterThan(10);
    }
  });

  it("finds nothing in Freshen's own Dockerfile", () => {
    const text = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    expect(repeatabilityReport('Dockerfile', text, { pinned: true })).toEqual([]);
  });

  it('renders a table with file:line, and says so when there is nothing', () => {
    const table = renderRepeatability(repeatabilityReport('Dockerfile', `FROM node:24@${D}\nUSER node\n`));
    expect(table.split('\n')).toEqual([
      '| Where | Finding | Fix |',
      '| --- | --- | --- |',
      '| `Dockerfile:1` | The final stage has no HEALTHCHECK, so a hung process looks healthy. | Add `HEALTHCHECK CMD ...` (or `HEALTHCHECK NONE` to say it is deliberate). |',
    ]);
    expect(renderRepeatability([])).toMatch(/No findings/);
  });
});

describe('unpinnedPip', () => {
  it.each<[string, string[]]>([
    ['pip install a b==1', ['a']],
    ['pip3 install --no-cache-dir -r req.txt -c c.txt x', ['x']],
    ['python -m pip install "requests==2.32.3"', []],
    ['/usr/local/bin/pip install ./wheel.whl pkg@https://x', []],
    ['npm install left-pad', []],
  ])('%s', (command, expected) => {
    expect(unpinnedPip(command)).toEqual(expected);
  });
});
