// The CLI as a real process: complete output on a slow pipe and in a file, the old-Node refusal, usage errors.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNodeTooOld, MINIMUM_NODE, nodeTooOldMessage } from '../../src/node-version.js';
import { tempDir } from '../support/temp-dir.js';

const root = join(import.meta.dirname, '../..');

/** A checkout whose `extract --json` is several hundred KiB: many Dockerfiles of many stages each. */
function bigCheckout(): string {
  const dir = tempDir('freshen-cli-big-');
  for (let f = 0; f < 60; f++) {
    mkdirSync(join(dir, `svc${f}`));
    const stages = Array.from({ length: 20 }, (_, s) => `FROM 127.0.0.1:5000/team-${f}/service-with-a-long-name-${s}:1.${s}.0-bookworm-slim AS s${s}\n`);
    writeFileSync(join(dir, `svc${f}`, 'Dockerfile'), stages.join(''));
  }
  return dir;
}

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs the CLI with stdout on a pipe read slowly: after the first chunk the reader stops for a
 * second, long enough for a CLI that exits without waiting to have exited with the pipe full.
 */
function runSlowReader(node: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    let paused = false;
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (paused) return;
      paused = true;
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 1000);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr }));
  });
}

describe('freshen extract --json as a process', () => {
  const dir = bigCheckout();

  it('writes the whole answer into a pipe whose reader is slow, then exits 0', async () => {
    const run = await runSlowReader(process.execPath, ['extract', dir, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(256 * 1024);
    const answer = JSON.parse(run.stdout.toString('utf8'));
    expect(answer.errors).toEqual([]);
    expect(answer.dependencies).toHaveLength(60 * 20);
  }, 60_000);

  it('writes the whole answer into a file', () => {
    const out = join(tempDir('freshen-cli-out-'), 'out.json');
    const fd = openSync(out, 'w');
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'extract', dir, '--json'], { cwd: root, stdio: ['ignore', fd, 'pipe'] });
    } finally {
      closeSync(fd);
    }
    expect(JSON.parse(readFileSync(out, 'utf8')).dependencies).toHaveLength(60 * 20);
  }, 60_000);
});

describe('usage mistakes as a process', () => {
  it('an unknown option gets Freshen usage on stderr and exit 2, not a stack or parseArgs text', async () => {
    const run = await runSlowReader(process.execPath, ['scan', '.', '--bogus']);
    expect(run.code).toBe(2);
    expect(run.stdout.toString()).toBe('');
    expect(run.stderr.split('\n')[0]).toBe('freshen: unknown option --bogus');
    expect(run.stderr).toContain('Usage:\n  freshen extract <dir>');
    expect(run.stderr).not.toMatch(/ERR_PARSE_ARGS|    at |positional argument/);
  }, 30_000);
});

describe('the Node version check', () => {
  it('knows package.json engines and compares versions by number', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${MINIMUM_NODE}`);
    expect([
      ['20.20.2', true], ['v22.11.0', true], ['22.9.0', true], ['18.0.0', true],
      ['22.12.0', false], ['v22.13.1', false], ['23.0.0', false], ['24.21.0', false], ['100.0.0', false],
    ].map(([v]) => [v, isNodeTooOld(v as string)])).toEqual([
      ['20.20.2', true], ['v22.11.0', true], ['22.9.0', true], ['18.0.0', true],
      ['22.12.0', false], ['v22.13.1', false], ['23.0.0', false], ['24.21.0', false], ['100.0.0', false],
    ]);
    expect(nodeTooOldMessage('v20.1.0')).toBe(`freshen needs Node >= ${MINIMUM_NODE} (this is v20.1.0); see README 'On a fresh machine'\n`);
  });

  // The machine's system Node is often older than Freshen's (here /usr/bin/node is 20): run on it for real.
  const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
    if (!existsSync(path)) return false;
    const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
    // `--import tsx` needs Node 20.6 or later.
    return isNodeTooOld(version) && !/^v(1\d|20\.[0-5])\./.test(version);
  });

  it.skipIf(!oldNode).each(['src/cli.ts', 'src/main.ts'])('%s on an old Node says so in one line and exits 1', async (entry) => {
    const run = await new Promise<Run>((resolve, reject) => {
      const child = spawn(oldNode!, ['--import', 'tsx', entry, '--help'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout: Buffer.from(stdout), stderr }));
    });
    const version = execFileSync(oldNode!, ['--version'], { encoding: 'utf8' }).trim();
    expect(run.stderr).toBe(nodeTooOldMessage(version));
    expect(run.stdout.toString()).toBe('');
    expect(run.code).toBe(1);
  }, 30_000);
});
