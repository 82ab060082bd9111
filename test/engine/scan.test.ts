// The engine and the CLI end to end on a temp checkout, against the real registry of the test run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { pushImage, pushIndex } from '../support/oci-push.js';
import { tempCheckout } from '../support/temp-dir.js';

const host = inject('registryHost');
const registryUrl = `http://${host}`;
const repo = `${host}/engine/node`;
const digests: Record<string, string> = {};

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: { FRESHEN_INSECURE_REGISTRIES: host },
  });
  return { code, out, err, json: out.startsWith('{') ? JSON.parse(out) : undefined };
}

function checkout(files: Record<string, string>): string {
  return tempCheckout('freshen-engine-', files);
}

beforeAll(async () => {
  for (const tag of ['20.10-alpine', '20.11-alpine', '22.1-alpine', '22.2-alpine', '23.0-rc1-alpine', '20.11-slim']) {
    digests[tag] = (await pushImage(registryUrl, 'engine/node', tag, { labels: { tag } })).digest;
  }
  const index = await pushIndex(registryUrl, 'engine/node', 'lts', [
    { platform: { os: 'linux', architecture: 'amd64' }, labels: { v: 'a' } },
    { platform: { os: 'linux', architecture: 'arm64' }, labels: { v: 'b' } },
  ]);
  digests.lts = index.digest;
});

describe('freshen scan', () => {
  it('proposes minor and major separately, with the digests the registry reports', async () => {
    const dir = checkout({ Dockerfile: `FROM ${repo}:20.10-alpine AS build\nFROM build\n` });
    const { code, json } = await cli(['scan', dir, '--json']);
    expect(code).toBe(0);
    expect(json.errors).toEqual([]);
    expect(json.updates).toEqual([
      {
        manager: 'dockerfile', file: 'Dockerfile', line: 1, depName: repo,
        from: `${repo}:20.10-alpine`, to: `${repo}:20.11-alpine@${digests['20.11-alpine']}`, updateType: 'minor',
      },
      {
        manager: 'dockerfile', file: 'Dockerfile', line: 1, depName: repo,
        from: `${repo}:20.10-alpine`, to: `${repo}:22.2-alpine@${digests['22.2-alpine']}`, updateType: 'major',
      },
    ]);
  });

  it('pins a floating tag to the index digest and refreshes a stale digest', async () => {
    const stale = 'sha256:' + '0'.repeat(64);
    const dir = checkout({
      'compose.yaml': `services:\n  web:\n    image: ${repo}:lts\n  db:\n    image: "${repo}:lts@${stale}"\n`,
    });
    const { code, json } = await cli(['scan', dir, '--json']);
    expect(code).toBe(0);
    expect(json.updates.map((u: { updateType: string; to: string }) => [u.updateType, u.to])).toEqual([
      ['pin', `${repo}:lts@${digests.lts}`],
      ['digest', `${repo}:lts@${digests.lts}`],
    ]);
  });

  it('reports a broken file and a missing image, and still reports the rest', async () => {
    const dir = checkout({
      'a/Dockerfile': `FROM ${repo}:20.11-slim\n`,
      'b/Dockerfile': `FROM ${host}/engine/does-not-exist:1.0\n`,
      'c/compose.yaml': 'services: [unclosed\n',
    });
    const { code, json } = await cli(['scan', dir, '--json']);
    expect(code).toBe(1);
    expect(json.updates).toHaveLength(1);
    expect(json.updates[0]).toMatchObject({ file: 'a/Dockerfile', updateType: 'pin' });
    const files = json.errors.map((e: { file: string }) => e.file);
    expect(files).toEqual(['b/Dockerfile', 'c/compose.yaml']);
    expect(json.errors[0]).toMatchObject({ line: 1, depName: `${host}/engine/does-not-exist` });
  });

  it('--write rewrites only the changed bytes, and a second scan finds nothing more', async () => {
    const dockerfile = `ARG BASE=${repo}:20.10-alpine\r\nFROM \${BASE}\r\nRUN echo hi\r\n`;
    const dir = checkout({ Dockerfile: dockerfile });
    const first = await cli(['scan', dir, '--write']);
    expect(first.out).toContain('written');
    const written = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(written).toBe(dockerfile.replace('20.10-alpine', `22.2-alpine@${digests['22.2-alpine']}`));
    const again = await cli(['scan', dir, '--json']);
    expect(again.code).toBe(0);
    expect(again.json.updates).toEqual([]);
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli(['frobnicate', '.'])).code).toBe(2);
    expect((await cli(['scan'])).code).toBe(2);
    expect((await cli(['scan', '/nonexistent/dir'])).code).toBe(2);
    expect((await cli(['extract', '.', '--write'])).code).toBe(2);
  });
});

describe('freshen extract', () => {
  it('prints the contract fields, normalized names and skip reasons', async () => {
    const dir = checkout({
      Dockerfile: `ARG V\nFROM node:\${V}\nFROM ${repo}:20.11-alpine@${digests['20.11-alpine']} AS x\nFROM scratch\nCOPY --from=x /a /a\n`,
    });
    const { code, json } = await cli(['extract', dir, '--json']);
    expect(code).toBe(0);
    expect(json.dependencies).toEqual([
      expect.objectContaining({
        manager: 'dockerfile', file: 'Dockerfile', line: 2, depName: 'docker.io/library/node',
        skipReason: expect.stringMatching(/V/),
      }),
      {
        manager: 'dockerfile', file: 'Dockerfile', line: 3, depName: repo, currentValue: '20.11-alpine',
        currentDigest: digests['20.11-alpine'], reference: `${repo}:20.11-alpine@${digests['20.11-alpine']}`,
      },
    ]);
  });
});
