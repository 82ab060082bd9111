// Secrets never printed: index, Redis, npm and registry credentials stay out of located errors, CLI output, the dashboard, PRs and logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { loadEnv } from '../../src/config/env.js';
import { createImageLookup } from '../../src/datasources/oci/index.js';
import { directorySource } from '../../src/engine/directory-source.js';
import { scan } from '../../src/engine/index.js';
import { createDatasources } from '../../src/datasources/index.js';
import { languagePlanners } from '../../src/engine/language/index.js';
import { createHttpClient } from '../../src/http/index.js';
import { start, type Running } from '../../src/main.js';
import { createLogger, environmentSecrets } from '../../src/observability/logging.js';
import { silentLogger } from '../../src/types.js';
import { sign } from '../support/app-harness.js';
import { GitHubSim, startSimServer, type SimServer } from '../support/github-sim/index.js';
import { appKeys } from '../support/github-sim/testing.js';
import { freePort, waitFor } from '../support/ports.js';
import { startPypiIndex, type PypiIndex } from '../support/pypi-index.js';

/** Every secret starts with `s3cret`, so one search finds any of them, whole or in part. */
const secret = (what: string) => `s3cret-${what}-${randomBytes(6).toString('hex')}`;
const withUser = (url: string, userinfo: string) => url.replace('://', `://${userinfo}@`);

/** A private index that answers every request with `status` (401: the credentials were not accepted). */
async function answering(status: number): Promise<{ url: string; host: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => res.writeHead(status, { 'www-authenticate': 'Basic realm="pypi"' }).end('no'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `http://${host}/simple`, host, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function checkout(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'freshen-secrets-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function expectNoSecrets(text: string, secrets: readonly string[]): void {
  for (const value of secrets) expect(text).not.toContain(value);
  expect(text).not.toContain('s3cret');
}

describe('a repository whose requirements files name private indexes with passwords', () => {
  const indexPassword = secret('index');
  const wheelToken = secret('wheel');
  const appPassword = secret('app-index');
  const secrets = [indexPassword, wheelToken, appPassword];
  let refused: Awaited<ReturnType<typeof answering>>;
  let failing: Awaited<ReturnType<typeof answering>>;
  let downPort: number;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    [refused, failing, downPort] = await Promise.all([answering(401), answering(500), freePort()]);
    dir = checkout({
      'requirements.txt': `--index-url ${withUser(refused.url, `build:${indexPassword}`)}\nrequests==2.0.0\n`,
      'requirements-dev.txt': `-i ${withUser(failing.url, `:${indexPassword}`)}\npytest==7.0.0\n`,
      'requirements-ci.txt': `--index-url http://${indexPassword}@127.0.0.1:${downPort}/simple\nflake8==6.0.0\nhttps://build:${wheelToken}@127.0.0.1:${downPort}/private-1.0-py3-none-any.whl\n`,
      'tools/requirements.txt': 'black==23.1.0\n',
    });
    env = {
      FRESHEN_INSECURE_REGISTRIES: [refused.host, failing.host, `127.0.0.1:${downPort}`].join(','),
      PIP_INDEX_URL: withUser(refused.url, `app:${appPassword}`),
    };
  });
  afterAll(async () => {
    await Promise.all([refused?.close(), failing?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gets located errors that name the index host, never its user or password', async () => {
    const images = createImageLookup({ insecureRegistries: [], log: silentLogger });
    const insecure = env.FRESHEN_INSECURE_REGISTRIES!.split(',');
    const result = await scan(directorySource(dir), { images, log: silentLogger, planners: languagePlanners({ datasources: createDatasources({ http: createHttpClient({ insecureHosts: insecure }), settings: env, insecureRegistries: insecure }), settings: env }) });
    const where = result.errors.map((e) => `${e.file}:${e.line}`);
    expect(where).toEqual(expect.arrayContaining(['requirements.txt:2', 'requirements-dev.txt:2', 'requirements-ci.txt:2', 'tools/requirements.txt:1']));
    const byFile = (file: string) => result.errors.find((e) => e.file === file)!.message;
    expect(byFile('requirements.txt')).toContain(refused.host);
    expect(byFile('requirements-dev.txt')).toContain(failing.host);
    expect(byFile('requirements-ci.txt')).toContain(`127.0.0.1:${downPort}`);
    expect(byFile('tools/requirements.txt')).toContain(refused.host);
    // Dependencies keep their index URL to be looked up with; what is shown of a scan are its errors.
    expectNoSecrets(JSON.stringify(result.errors), secrets);
  }, 60_000);

  it('prints none of them in `freshen scan` and `freshen extract`, human or JSON', async () => {
    let printed = '';
    const io = { out: (t: string) => (printed += t), err: (t: string) => (printed += t), env };
    expect(await runCli(['scan', dir], io)).toBe(1);
    expect(printed).toMatch(/requirements\.txt:2 requests: .*127\.0\.0\.1:\d+/);
    expect(await runCli(['scan', dir, '--json'], io)).toBe(1);
    expect(await runCli(['extract', dir, '--json'], io)).toBe(0);
    expect(await runCli(['extract', dir], io)).toBe(0);
    // The wheel URL is listed as a dependency Freshen skips: host and path, no token.
    expect(printed).toContain(`https://127.0.0.1:${downPort}/private-1.0-py3-none-any.whl`);
    expectNoSecrets(printed, secrets);
  }, 90_000);
});

describe('the running service, with credentials in its own environment and a repository with private indexes', () => {
  const redisPassword = secret('redis');
  const appIndexPassword = secret('pip');
  const npmToken = secret('npm');
  const registryPassword = secret('registry');
  const registryToken = secret('registry-token');
  const repoIndexPassword = secret('repo-index');
  const webhookSecret = secret('webhook');
  const secrets = [redisPassword, appIndexPassword, npmToken, registryPassword, registryToken, repoIndexPassword, webhookSecret];
  const lines: string[] = [];
  let redisServer: ChildProcess;
  let redisUrl: string;
  let index: PypiIndex;
  let refused: Awaited<ReturnType<typeof answering>>;
  let failing: Awaited<ReturnType<typeof answering>>;
  let sim: GitHubSim;
  let server: SimServer;
  let running: Running;

  beforeAll(async () => {
    // A Redis that wants a password, as production ones do.
    const port = await freePort();
    const redisDir = mkdtempSync(join(tmpdir(), 'freshen-secrets-redis-'));
    redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir, '--requirepass', redisPassword], { stdio: 'ignore' });
    redisServer.once('exit', () => rmSync(redisDir, { recursive: true, force: true }));
    redisUrl = `redis://:${redisPassword}@127.0.0.1:${port}`;
    await waitFor(async () => {
      const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } finally {
        probe.disconnect();
      }
    }, 'redis-server with a password');

    index = await startPypiIndex([{ name: 'requests', releases: [{ version: '2.0.0', files: ['requests-2.0.0.tar.gz'] }, { version: '2.1.0', files: ['requests-2.1.0.tar.gz'] }] }]);
    [refused, failing] = await Promise.all([answering(401), answering(500)]);
    sim = new GitHubSim({ publicKey: appKeys().publicKey });
    server = await startSimServer(sim);
    const installation = sim.createInstallation({ account: 'acme' });
    const repo = sim.createRepo({
      owner: 'acme', name: 'api', installationId: installation.id,
      files: {
        'requirements.txt': `--index-url ${withUser(index.url, `build:${repoIndexPassword}`)}\nrequests==2.0.0\n`,
        'requirements-dev.txt': `--index-url ${withUser(refused.url, `build:${repoIndexPassword}`)}\npytest==7.0.0\n`,
        'tools/requirements.txt': 'black==23.1.0\n',
      },
    });
    const env = loadEnv({
      FRESHEN_ROLE: 'all', APP_ID: String(sim.app.id), PRIVATE_KEY: appKeys().privateKey, WEBHOOK_SECRET: webhookSecret,
      REDIS_URL: redisUrl, FRESHEN_REDIS_PREFIX: `sec${randomBytes(4).toString('hex')}`, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'trace',
      GHE_HOST: `127.0.0.1:${server.port}`, GHE_PROTOCOL: 'http', FRESHEN_OSV_URL: 'off',
      FRESHEN_INSECURE_REGISTRIES: [index.host, refused.host, failing.host].join(','),
      PIP_INDEX_URL: withUser(failing.url, `app:${appIndexPassword}`),
      FRESHEN_NPMRC: `@acme:registry=http://127.0.0.1:4873/\\n//127.0.0.1:4873/:_authToken=${npmToken}`,
      FRESHEN_REGISTRY_CREDENTIALS: JSON.stringify({ corp: { hosts: ['registry.corp.example'], username: 'bot', password: registryPassword }, ci: { hosts: ['ci.corp.example'], token: registryToken } }),
    });
    // The logger main() builds, writing to this test instead of standard output.
    const log = createLogger({ level: 'trace', secrets: environmentSecrets(env), destination: { write: (l: string) => lines.push(l) } });
    const { registryScanContext } = await import('../../src/jobs/scan-context.js');
    running = await start(env, registryScanContext(env), { log, throttle: false });

    const body = JSON.stringify({
      action: 'created',
      installation: { id: installation.id, account: { login: 'acme', id: installation.account.id, type: 'Organization' } },
      repositories: [{ id: repo.id, name: 'api', full_name: 'acme/api', private: true }],
      sender: { login: 'octo', type: 'User' },
    });
    const delivered = await fetch(`http://127.0.0.1:${running.port}/api/github/webhooks`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'installation', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(body, webhookSecret) },
    });
    expect(delivered.status).toBe(200);
    await waitFor(async () => lines.some((l) => l.includes('"scan finished"')), 'the first scan', 60_000);
  }, 90_000);

  afterAll(async () => {
    await running?.stop();
    await Promise.all([index?.close(), refused?.close(), failing?.close(), server?.close()]);
    redisServer?.kill('SIGKILL');
  });

  it('shows the failing indexes on the dashboard by host only', () => {
    const dashboard = sim.issues('acme', 'api').find((i) => (i.body ?? '').includes('<!-- freshen:status -->'));
    expect(dashboard).toBeDefined();
    const body = dashboard!.body ?? '';
    expect(body).toMatch(new RegExp(`- \`requirements-dev\\.txt:2\` \`pytest\`: .*${refused.host}`));
    expect(body).toMatch(new RegExp(`- \`tools/requirements\\.txt:1\` \`black\`: .*${failing.host}`));
    expectNoSecrets(body, secrets);
  });

  it('opens the update from the private index with a PR whose title, body and commit carry no credentials', () => {
    const pulls = sim.pulls('acme', 'api');
    expect(pulls.map((p) => p.title)).toEqual([expect.stringMatching(/requests/)]);
    for (const pr of pulls) {
      expectNoSecrets(`${pr.title}\n${pr.body ?? ''}\n${sim.getCommit('acme', 'api', pr.head)!.message}`, secrets);
      // The repository's own file keeps its own line; the app's secrets are in no file.
      expect(sim.readFile('acme', 'api', pr.head, 'requirements.txt')).toBe(`--index-url ${withUser(index.url, `build:${repoIndexPassword}`)}\nrequests==2.1.0\n`);
      for (const file of sim.listFiles('acme', 'api', pr.head)) expectNoSecrets(sim.readFile('acme', 'api', pr.head, file)!.replaceAll(repoIndexPassword, ''), secrets);
    }
    for (const issue of sim.issues('acme', 'api')) {
      expectNoSecrets(`${issue.title}\n${issue.body ?? ''}`, secrets);
      for (const comment of sim.comments('acme', 'api', issue.number)) expectNoSecrets(comment.body, secrets);
    }
  });

  it('logs the failed lookups at trace level without any secret of the environment or the repository', () => {
    const all = lines.join('');
    expect(all).toContain(refused.host);
    expect(all).toContain(failing.host);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expectNoSecrets(all, secrets);
  });
});

describe('the log scrubber, given the service environment', () => {
  const base = { APP_ID: '1', PRIVATE_KEY: appKeys().privateKey, WEBHOOK_SECRET: secret('hook') };

  function capture(env: ReturnType<typeof loadEnv>) {
    const lines: string[] = [];
    const log = createLogger({ level: 'trace', secrets: environmentSecrets(env), destination: { write: (l: string) => lines.push(l) } });
    return { log, lines };
  }

  /** Ways a secret reaches a log line: in an error's message and stack, in a message, in fields at any depth, in a child's bindings. */
  function logEverywhere(log: ReturnType<typeof createLogger>, value: string): void {
    log.error({ err: new Error(`connect to ${value} failed`) }, 'cannot connect');
    log.warn(`GET ${value}/requests/: HTTP 401`);
    log.info({ target: value, config: { nested: { deeper: { url: value } } } }, 'settings');
    log.child({ upstream: value }).debug('child line');
  }

  it.each([
    ['a password-only REDIS_URL', (pw: string) => ({ REDIS_URL: `redis://:${pw}@127.0.0.1:6390/0` }), (pw: string) => `redis://:${pw}@127.0.0.1:6390/0`],
    ['a REDIS_URL with user and password', (pw: string) => ({ REDIS_URL: `rediss://freshen:${pw}@127.0.0.1:6390` }), (pw: string) => `rediss://freshen:${pw}@127.0.0.1:6390`],
    ['REDIS_PASSWORD for Sentinel', (pw: string) => ({ REDIS_SENTINELS: '127.0.0.1:26379', REDIS_PASSWORD: pw }), (pw: string) => `AUTH ${pw} to 127.0.0.1:26379`],
    ['a PIP_INDEX_URL with a password', (pw: string) => ({ REDIS_URL: 'redis://127.0.0.1:6390', PIP_INDEX_URL: `https://__token__:${pw}@127.0.0.1:8443/simple` }), (pw: string) => `https://__token__:${pw}@127.0.0.1:8443/simple`],
    ['a PIP_INDEX_URL with a token as user', (pw: string) => ({ REDIS_URL: 'redis://127.0.0.1:6390', PIP_INDEX_URL: `https://${pw}@127.0.0.1:8443/simple` }), (pw: string) => `https://${pw}@127.0.0.1:8443/simple`],
    ['a GOPROXY entry with a password', (pw: string) => ({ REDIS_URL: 'redis://127.0.0.1:6390', GOPROXY: `https://127.0.0.1:8444,https://mod:${pw}@127.0.0.1:8445|https://127.0.0.1:8446` }), (pw: string) => `https://mod:${pw}@127.0.0.1:8445`],
  ])('scrubs %s from every line, wherever it is logged, whole or bare', (_name, settings, shown) => {
    const pw = secret('pw');
    const { log, lines } = capture(loadEnv({ ...base, ...settings(pw) }));
    logEverywhere(log, shown(pw));
    logEverywhere(log, pw);
    log.info({ redis: { password: pw }, options: { auth: { pass: pw } } }, `auth with ${pw}`);
    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(8);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expectNoSecrets(all, [pw]);
    expect(all).toContain('127.0.0.1');
  });

  it('scrubs the tokens of FRESHEN_NPMRC and every password and token of FRESHEN_REGISTRY_CREDENTIALS', () => {
    const [authToken, authUser, authPassword, password, registryPassword, registryToken] = ['npm-token', 'npm-user', 'npm-pass', 'npm-password', 'registry', 'registry-token'].map(secret) as [string, string, string, string, string, string];
    const auth = Buffer.from(`${authUser}:${authPassword}`).toString('base64');
    const npmrc = [
      `//127.0.0.1:4873/:_authToken=${authToken}`,
      `//127.0.0.1:4874/:_auth=${auth}`,
      `//127.0.0.1:4875/:username=deploy`,
      `//127.0.0.1:4875/:_password=${password}`,
    ].join('\\n');
    // Entries with a host list besides the secret: the scrubber reads any entry's password and token.
    const credentials = { corp: { hosts: ['127.0.0.1:5000'], username: 'bot', password: registryPassword }, ci: { hosts: ['ci.corp.example'], token: registryToken } };
    const env = loadEnv({ ...base, REDIS_URL: 'redis://127.0.0.1:6390', FRESHEN_NPMRC: npmrc, FRESHEN_REGISTRY_CREDENTIALS: JSON.stringify(credentials) });
    const { log, lines } = capture(env);
    const values = [authToken, authUser, authPassword, password, registryPassword, registryToken, auth];
    for (const value of values) logEverywhere(log, value);
    log.info({ npmrc: env.FRESHEN_NPMRC, env: { FRESHEN_NPMRC: env.FRESHEN_NPMRC, FRESHEN_REGISTRY_CREDENTIALS: env.FRESHEN_REGISTRY_CREDENTIALS } }, 'settings');
    log.warn(`npm error: registry 127.0.0.1:4873 refused ${env.FRESHEN_NPMRC}`);
    log.info({ registry: { credentials: { corp: { ...credentials.corp, hosts: ['127.0.0.1:5000'] } } } }, 'registry settings');
    const all = lines.join('');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expectNoSecrets(all, values);
    expect(all).toContain('127.0.0.1:4873');
  });

  it('reads credentials from entries that carry more than a password or token', () => {
    const registryPassword = secret('hosted');
    const registryToken = secret('hosted-token');
    const found = environmentSecrets({ FRESHEN_REGISTRY_CREDENTIALS: { a: { username: 'x', password: registryPassword, hosts: ['127.0.0.1:5000'] }, b: { token: registryToken, hosts: [] } } as never });
    expect(found).toEqual(expect.arrayContaining([registryPassword, registryToken]));
  });
});
