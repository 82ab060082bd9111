// The CLI contract as a customer tests it: `freshen extract|scan <dir> --json [--write]` against a real registry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { pushImage } from '../support/oci-push.js';
import { freePort } from '../support/ports.js';
import { tempCheckout } from '../support/temp-dir.js';

const host = inject('registryHost');
const node = `${host}/cli-contract/node`;
const digests = new Map<string, string>();

beforeAll(async () => {
  for (const tag of ['20.11-alpine', '20.12-alpine', '22.1-alpine', '20.11', '20.12', '22.1']) {
    const image = await pushImage(`http://${host}`, 'cli-contract/node', tag, { files: [{ 'tag.txt': tag }] });
    digests.set(tag, image.digest);
  }
});

async function cli(args: string[], insecure = host) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t), env: { FRESHEN_INSECURE_REGISTRIES: insecure } });
  return { code, out, err, json: out.startsWith('{') ? JSON.parse(out) : undefined };
}

function checkout(files: Record<string, string>): string {
  return tempCheckout('freshen-contract-', files);
}

describe('freshen extract --json', () => {
  it('gives every field as the contract says, for Dockerfiles, compose and workflows', async () => {
    const dir = checkout({
      Dockerfile: `ARG TAG=20.11\nARG NOPE\nFROM ${node}:\${TAG}-alpine AS Build\nFROM build\nFROM scratch\nCOPY --from=BUILD /a /b\nFROM ${node}:\${NOPE}\nFROM Node:20\n`,
      'deploy/docker-compose-prod.yml': 'services:\n  a:\n    image: >-\n      redis:7\n',
      '.github/workflows/ci.yml': 'jobs:\n  a:\n    container: postgres:${{ matrix.pg }}\n',
    });
    const { code, json } = await cli(['extract', dir, '--json']);
    expect(code).toBe(0);
    expect(json.errors).toEqual([]);
    expect(json.dependencies).toEqual([
      { manager: 'github-actions', file: '.github/workflows/ci.yml', line: 3, depName: 'docker.io/library/postgres', currentValue: null, currentDigest: null, reference: 'postgres:${{ matrix.pg }}', skipReason: 'expression' },
      { manager: 'dockerfile', file: 'Dockerfile', line: 3, depName: node, currentValue: '20.11-alpine', currentDigest: null, reference: `${node}:20.11-alpine` },
      { manager: 'dockerfile', file: 'Dockerfile', line: 7, depName: node, currentValue: null, currentDigest: null, reference: `${node}:\${NOPE}`, skipReason: 'unresolved-variable: NOPE' },
      { manager: 'dockerfile', file: 'Dockerfile', line: 8, depName: 'Node', currentValue: null, currentDigest: null, reference: 'Node:20', skipReason: expect.stringMatching(/^invalid-reference: .*lowercase/) },
      { manager: 'compose', file: 'deploy/docker-compose-prod.yml', line: 4, depName: 'docker.io/library/redis', currentValue: '7', currentDigest: null, reference: 'redis:7' },
    ]);
  });
});

describe('freshen scan --json --write', () => {
  it('writes a compose tag whose version sits in a default and whose suffix is written after it; a rescan proposes nothing', async () => {
    const compose = `services:\n  a:\n    image: "${node}:\${TAG:-20.11}-alpine"\n  b:\n    image: >-\n      ${node}:20.11\n`;
    const dir = checkout({ 'compose.yaml': compose });

    const scanned = await cli(['scan', dir, '--json']);
    expect(scanned.code).toBe(0);
    expect(scanned.json.updates.map((u: { line: number; updateType: string; to: string }) => [u.line, u.updateType, u.to])).toEqual([
      [3, 'minor', `${node}:20.12-alpine@${digests.get('20.12-alpine')}`],
      [3, 'major', `${node}:22.1-alpine@${digests.get('22.1-alpine')}`],
      [6, 'minor', `${node}:20.12@${digests.get('20.12')}`],
      [6, 'major', `${node}:22.1@${digests.get('22.1')}`],
    ]);

    const written = await cli(['scan', dir, '--json', '--write']);
    expect(written.json.errors).toEqual([]);
    expect(written.code).toBe(0);
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toBe(
      `services:\n  a:\n    image: "${node}:\${TAG:-22.1}-alpine@${digests.get('22.1-alpine')}"\n  b:\n    image: >-\n      ${node}:22.1@${digests.get('22.1')}\n`,
    );

    const again = await cli(['scan', dir, '--json']);
    expect(again.code).toBe(0);
    expect(again.json.updates).toEqual([]);
  });
});

describe('freshen human output and usage', () => {
  it('--help prints the usage on stdout and exits 0; mistakes exit 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('freshen scan <dir>');
    expect(help.err).toBe('');
    expect((await cli(['scan', '--frobnicate'])).code).toBe(2);
  });

  it('a table that says which update --write wrote and which one the major superseded', async () => {
    const dir = checkout({ Dockerfile: `FROM ${node}:20.11\n` });
    const { code, out } = await cli(['scan', dir, '--write']);
    expect(code).toBe(0);
    const rows = out.split('\n').filter((line) => line.startsWith('Dockerfile:1'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/minor .*20\.12@sha256:[0-9a-f]{64}\s+superseded by major$/);
    expect(rows[1]).toMatch(/major .*22\.1@sha256:[0-9a-f]{64}\s+written$/);
  });

  it('a scan whose every lookup failed says what was checked, then every failure, then that nothing is known up to date', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const dir = checkout({ Dockerfile: `FROM ${closed}/team/node:20.11\nFROM ${closed}/team/python:3.12\nFROM scratch\n`, 'compose.yaml': `services:\n  a:\n    image: ${closed}/team/redis:7.2\n` });
    const { code, out } = await cli(['scan', dir], closed);
    expect(code).toBe(1);
    expect(out).not.toMatch(/everything is up to date/i);
    const lines = out.split('\n');
    expect(lines[0]).toBe('Checked 3 dependencies in 2 files.');
    const failed = lines.indexOf('Failed (3):');
    expect(failed).toBeGreaterThan(0);
    expect(lines.slice(failed + 1, failed + 4)).toEqual([
      expect.stringMatching(new RegExp(`^  compose.yaml:3 ${closed}/team/redis: .*ECONNREFUSED`)),
      expect.stringMatching(new RegExp(`^  Dockerfile:1 ${closed}/team/node: .*ECONNREFUSED`)),
      expect.stringMatching(new RegExp(`^  Dockerfile:2 ${closed}/team/python: .*ECONNREFUSED`)),
    ]);
    expect(lines.filter(Boolean).at(-1)).toBe('Up to date: 0 of 3 dependencies (3 failed).');
  }, 60_000);

  it('a mixed scan: checked, failed, the updates, then how many are up to date', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const dir = checkout({ Dockerfile: `FROM ${node}:22.1@${digests.get('22.1')}\nFROM ${node}:20.11\nFROM ${closed}/team/redis:7.2\nFROM ${node}:\${NOPE}\n` });
    const { code, out } = await cli(['scan', dir], `${host},${closed}`);
    expect(code).toBe(1);
    const order = ['Checked 3 dependencies in 1 file; 1 dependency skipped (see freshen extract).', 'Failed (1):', 'Updates:', 'Up to date: 1 of 3 dependencies (1 with updates, 1 failed).'];
    const at = order.map((line) => out.split('\n').indexOf(line));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(out).toMatch(new RegExp(`  Dockerfile:3 ${closed}/team/redis: .*ECONNREFUSED`));
    expect(out.split('\n').filter((l) => l.startsWith('Dockerfile:'))).toEqual([expect.stringMatching(/^Dockerfile:2\s+minor/), expect.stringMatching(/^Dockerfile:2\s+major/)]);
  }, 60_000);

  it('a clean scan says all are up to date and nothing failed', async () => {
    const dir = checkout({ Dockerfile: `FROM ${node}:22.1@${digests.get('22.1')}\n` });
    const { code, out } = await cli(['scan', dir]);
    expect(code).toBe(0);
    expect(out).toBe('Checked 1 dependency in 1 file.\n\nUp to date: 1 of 1 dependency.\n');
  });
});
