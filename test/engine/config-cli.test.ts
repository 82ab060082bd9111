// `freshen config check` as a real process, and extract/scan applying the checkout's `.github/freshen.yml` as the app does.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { startLoopbackServer, type LoopbackServer } from '../http/loopback-server.js';
import { pushImage } from '../support/oci-push.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const host = inject('registryHost');
const basic = inject('basicAuthRegistry');

function checkout(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'freshen-config-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The CLI as a user runs it: its own Node process, stdout, stderr and exit code. */
function freshen(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr });
    });
  });
}

describe('freshen config check (a real process)', () => {
  it('says a valid file is valid and exits 0; without a file the defaults apply', async () => {
    const valid = await freshen(['config', 'check', checkout({ '.github/freshen.yml': 'prLimit: 2\ngroups:\n  - name: base\n    match: ["docker.io/library/*"]\n' })]);
    expect(valid).toEqual({ code: 0, out: '.github/freshen.yml is valid.\n', err: '' });
    const none = await freshen(['config', 'check', checkout({ Dockerfile: 'FROM node:20\n' })]);
    expect(none.code).toBe(0);
    expect(none.out).toMatch(/^No \.github\/freshen\.yml: the defaults apply/);
  }, 60_000);

  it("checks Freshen's own config", async () => {
    expect(await freshen(['config', 'check', '.'])).toEqual({ code: 0, out: '.github/freshen.yml is valid.\n', err: '' });
  }, 60_000);

  it('names file, line:column and path of a wrong type and an unknown key, and exits 1', async () => {
    const dir = checkout({ '.github/freshen.yml': '# team settings\nprLimit: "five"\nregistries:\n  - host: registry.corp.example\n    token: s3cret\n' });
    const { code, out } = await freshen(['config', 'check', dir]);
    expect(code).toBe(1);
    expect(out).toBe([
      '.github/freshen.yml:2:10: prLimit: expected number, received string',
      '.github/freshen.yml:5:5: registries[0].token: unknown field "token" (secrets never go in this file; refer to an app-side credential by name)',
      '',
    ].join('\n'));
    const json = JSON.parse((await freshen(['config', 'check', dir, '--json'])).out);
    expect(json.valid).toBe(false);
    expect(json.problems[0]).toEqual({ file: '.github/freshen.yml', path: 'prLimit', line: 2, column: 10, message: 'expected number, received string' });
  }, 60_000);

  it('gives the line and column of broken YAML', async () => {
    const { code, out } = await freshen(['config', 'check', checkout({ '.github/freshen.yml': 'prLimit: 2\nignore: [a]\nlabels: x: y\n' })]);
    expect(code).toBe(1);
    expect(out).toBe('.github/freshen.yml:3:9: invalid YAML: Nested mappings are not allowed in compact mappings\n');
  }, 60_000);

  it('warns at _extends (another repository) and still checks the file', async () => {
    const { code, out } = await freshen(['config', 'check', checkout({ '.github/freshen.yml': '_extends: .github\nprLimit: 2\n' })]);
    expect(code).toBe(0);
    expect(out).toMatch(/^\.github\/freshen\.yml:1:11: warning: _extends: the app reads the config of "\.github" first .* cannot be read here/m);
    expect(out).toMatch(/\.github\/freshen\.yml is valid\.\n$/);
  }, 60_000);

  it('exits 2 on usage mistakes', async () => {
    const dir = checkout({});
    for (const args of [['config'], ['config', 'lint', dir], ['config', 'check', dir, 'extra'], ['config', 'check', dir, '--write'], ['config', 'check', join(dir, 'missing')]]) {
      const { code, err } = await freshen(args);
      expect(code, args.join(' ')).toBe(2);
      expect(err).toMatch(/^freshen: /);
    }
  }, 60_000);
});

describe('extract and scan apply the config', () => {
  const name = `cfg${randomBytes(4).toString('hex')}`;
  const digests: Record<string, string> = {};
  let attacker: LoopbackServer;

  beforeAll(async () => {
    for (const tag of ['1.0.0', '1.1.0']) {
      digests[`app:${tag}`] = (await pushImage(`http://${host}`, `${name}/app`, tag, { labels: { tag } })).digest;
      digests[`skip:${tag}`] = (await pushImage(`http://${host}`, `${name}/skipped`, tag, { labels: { tag } })).digest;
    }
    const auth = { authorization: `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}` };
    for (const tag of ['1.0', '1.1']) digests[`private:${tag}`] = (await pushImage(`http://${basic.host}`, `${name}/private`, tag, { labels: { tag } }, auth)).digest;
    // A host the config names with the app's credential: it asks for credentials and records what it gets.
    attacker = await startLoopbackServer((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="registry"', 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    });
  });
  afterAll(async () => attacker.close());

  async function cli(args: string[], env: Record<string, string> = {}) {
    let out = '';
    let err = '';
    const dockerConfig = mkdtempSync(join(tmpdir(), 'freshen-no-docker-'));
    const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t), env: { FRESHEN_INSECURE_REGISTRIES: [host, basic.host, attacker.host].join(','), DOCKER_CONFIG: dockerConfig, ...env } });
    return { code, out, err, json: out.startsWith('{') ? JSON.parse(out) : undefined };
  }

  it('ignore: an ignored image is not looked up nor proposed, and extract says it is ignored', async () => {
    const dir = checkout({
      Dockerfile: `FROM ${host}/${name}/app:1.0.0\nFROM ${host}/${name}/skipped:1.0.0\n`,
      'legacy/Dockerfile': `FROM ${host}/${name}/app:1.0.0\n`,
      '.github/freshen.yml': `ignore: ["${host}/${name}/skipped", "legacy/**"]\ngroups:\n  - name: apps\n    match: ["${host}/${name}/*"]\n`,
    });
    const scanned = await cli(['scan', dir, '--json']);
    expect(scanned.json.errors).toEqual([]);
    expect(scanned.code).toBe(0);
    expect(scanned.json.updates.map((u: { file: string; to: string; group: string }) => [u.file, u.to, u.group])).toEqual([
      ['Dockerfile', `${host}/${name}/app:1.1.0@${digests['app:1.1.0']}`, 'apps'],
    ]);
    const extracted = await cli(['extract', dir, '--json']);
    expect(extracted.json.dependencies.map((d: { file: string; line: number; skipReason?: string }) => [d.file, d.line, d.skipReason ?? null])).toEqual([
      ['Dockerfile', 1, null], ['Dockerfile', 2, 'ignored'], ['legacy/Dockerfile', 1, 'ignored'],
    ]);
    // Without the config both images and both files are proposed.
    writeFileSync(join(dir, '.github/freshen.yml'), '');
    expect((await cli(['scan', dir, '--json'])).json.updates.map((u: { file: string; line: number }) => `${u.file}:${u.line}`)).toEqual(['Dockerfile:1', 'Dockerfile:2', 'legacy/Dockerfile:1']);
  }, 60_000);

  it('registries: the credential FRESHEN_REGISTRY_CREDENTIALS lists for a host is used there only; the attacker host gets nothing and the entry is reported', async () => {
    const credentials = JSON.stringify({ corp: { hosts: [basic.host], username: basic.username, password: basic.password } });
    const files = { Dockerfile: `FROM ${basic.host}/${name}/private:1.0\nFROM ${attacker.host}/team/app:1.0\n` };
    const config = `registries:\n  - host: "${attacker.host}"\n    credentials: corp\n  - host: "${basic.host}"\n    credentials: corp\n`;
    const dir = checkout({ ...files, '.github/freshen.yml': config });

    const scanned = await cli(['scan', dir, '--json'], { FRESHEN_REGISTRY_CREDENTIALS: credentials });
    expect(scanned.code).toBe(1);
    expect(scanned.json.updates.map((u: { to: string }) => u.to)).toEqual([`${basic.host}/${name}/private:1.1@${digests['private:1.1']}`]);
    expect(scanned.json.errors[0]).toEqual({
      file: '.github/freshen.yml',
      message: `registries[0].credentials: the app has no credential "corp" for ${attacker.host}; that registry is read without credentials`,
    });
    expect(scanned.json.errors.slice(1).map((e: { file: string; line: number }) => `${e.file}:${e.line}`)).toEqual(['Dockerfile:2']);
    expect(attacker.requests.length).toBeGreaterThan(0);
    expect(attacker.requests.map((r) => r.headers.authorization).filter(Boolean)).toEqual([]);
    expect(scanned.out).not.toContain(basic.password);

    // Without the config's entry, the same environment gives the private registry no credential.
    const unlisted = await cli(['scan', checkout(files), '--json'], { FRESHEN_REGISTRY_CREDENTIALS: credentials });
    expect(unlisted.json.updates).toEqual([]);
    expect(unlisted.json.errors.map((e: { file: string; line: number; message: string }) => `${e.file}:${e.line}`)).toEqual(['Dockerfile:1', 'Dockerfile:2']);
    expect(unlisted.json.errors[0].message).toMatch(/401|credentials|unauthori/i);
  }, 60_000);

  it('an invalid config stops scan (exit 1, nothing looked up) and is listed by extract', async () => {
    const dir = checkout({ Dockerfile: `FROM ${attacker.host}/team/app:1.0\n`, '.github/freshen.yml': 'ignore: docker.io/x\n' });
    const before = attacker.requests.length;
    const scanned = await cli(['scan', dir, '--json']);
    expect(scanned.code).toBe(1);
    expect(scanned.json).toEqual({ updates: [], held: [], errors: [{ file: '.github/freshen.yml', line: 1, message: 'ignore: expected array, received string' }] });
    expect(attacker.requests.length).toBe(before);
    const extracted = await cli(['extract', dir, '--json']);
    expect(extracted.code).toBe(1);
    expect(extracted.json.dependencies).toHaveLength(1);
    expect(extracted.json.errors).toEqual(scanned.json.errors);
  }, 60_000);

  it('a malformed FRESHEN_REGISTRY_CREDENTIALS is a usage error naming the entry, never its secret', async () => {
    const dir = checkout({ Dockerfile: 'FROM scratch\n' });
    const { code, err } = await cli(['scan', dir], { FRESHEN_REGISTRY_CREDENTIALS: JSON.stringify({ corp: { username: 'u', password: 'OLD-FORMAT-SECRET' } }) });
    expect(code).toBe(2);
    expect(err).toMatch(/^freshen: FRESHEN_REGISTRY_CREDENTIALS\.corp: needs "hosts"/);
    expect(err).not.toContain('OLD-FORMAT-SECRET');
  }, 60_000);
});
