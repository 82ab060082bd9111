// A repository's config cannot choose where the app's credentials go: each registry credential reaches only its listed hosts.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { EnvError, loadEnv } from '../../src/config/env.js';
import { parseRepoConfig, type RepoConfig } from '../../src/config/repo-config.js';
import { scan, type FileSource } from '../../src/engine/index.js';
import { registryScanContext } from '../../src/jobs/scan-context.js';
import { silentLogger } from '../../src/types.js';
import { startLoopbackServer, type LoopbackServer } from '../http/loopback-server.js';
import type { AppStack } from '../support/app-stack.js';
import { appKeys } from '../support/github-sim/testing.js';
import { pushImage } from '../support/oci-push.js';
import { requestToken, type IssuedToken } from '../support/token-server.js';
import { DashboardRepo, OWNER, REPO, startProductionStack } from '../e2e/dashboard-support.js';

const basic = inject('basicAuthRegistry');
const token = inject('tokenAuthRegistry');
const tokenServerHost = new URL(token.tokenServerUrl).host;
const baseEnv = { APP_ID: '1', PRIVATE_KEY: appKeys().privateKey, WEBHOOK_SECRET: 'w', REDIS_URL: 'redis://127.0.0.1:1' };
const repoRef = { installationId: 1, repoId: 1, owner: 'acme', repo: 'shop' };
const unique = (what: string) => `cred${randomBytes(4).toString('hex')}/${what}`;
const basicHeader = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

const servers: LoopbackServer[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A loopback stand-in for a host the attacker controls: asks for credentials and records what it gets. */
interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

async function attackerHost(answer: (req: IncomingMessage) => Answer): Promise<LoopbackServer> {
  const server = await startLoopbackServer((req, res) => {
    const { status, headers, body } = answer(req);
    res.writeHead(status, headers).end(body ?? '');
  });
  servers.push(server);
  return server;
}

const authorizations = (server: LoopbackServer) => server.requests.map((r) => r.headers.authorization).filter((a) => a !== undefined);

function memorySource(files: Record<string, string>): FileSource {
  return {
    list: async () => Object.keys(files),
    read: async (path) => files[path] ?? Promise.reject(new Error(`no ${path}`)),
  };
}

/** The repository's `.github/freshen.yml` exactly as it would be loaded. */
function repoConfig(yaml: string): RepoConfig {
  const parsed = parseRepoConfig(parse(yaml));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

/** The production scan context, from the environment as the service validates it at start. */
function scanContext(vars: Record<string, string>, insecure: string[]) {
  const env = loadEnv({ ...baseEnv, FRESHEN_INSECURE_REGISTRIES: insecure.join(','), FRESHEN_OSV_URL: 'off', ...vars });
  return registryScanContext({
    FRESHEN_INSECURE_REGISTRIES: env.FRESHEN_INSECURE_REGISTRIES,
    FRESHEN_REGISTRY_CREDENTIALS: env.FRESHEN_REGISTRY_CREDENTIALS,
    FRESHEN_OSV_URL: 'off',
    ...(env.PIP_INDEX_URL ? { PIP_INDEX_URL: env.PIP_INDEX_URL } : {}),
  });
}

async function scanRepo(context: ReturnType<typeof scanContext>, config: RepoConfig, files: Record<string, string>) {
  const ctx = context({ repo: repoRef, config, log: silentLogger });
  const result = await scan(memorySource(files), ctx, { pinDigests: false });
  return { ...result, configErrors: ctx.configErrors ?? [] };
}

describe('FRESHEN_REGISTRY_CREDENTIALS', () => {
  it('refuses at start an entry that does not say which hosts it is for, naming the entry and never its secret', () => {
    const credentials = { corp: { username: 'bot', password: 'OLD-FORMAT-PASSWORD' }, ghcr: { hosts: ['ghcr.io'], token: 'NEW-FORMAT-TOKEN' } };
    const err = (() => {
      try {
        return loadEnv({ ...baseEnv, FRESHEN_REGISTRY_CREDENTIALS: JSON.stringify(credentials) });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EnvError);
    const message = (err as Error).message;
    expect(message).toMatch(/^ {2}FRESHEN_REGISTRY_CREDENTIALS\.corp: needs "hosts", the registry hosts this credential may be sent to/m);
    expect(message).not.toMatch(/\.ghcr:/);
    for (const secret of ['OLD-FORMAT-PASSWORD', 'NEW-FORMAT-TOKEN']) expect(message).not.toContain(secret);
  });

  it('refuses hosts that are not host names and an empty host list', () => {
    const load = (hosts: unknown) => () => loadEnv({ ...baseEnv, FRESHEN_REGISTRY_CREDENTIALS: JSON.stringify({ corp: { hosts, token: 't' } }) });
    expect(load([])).toThrow(/FRESHEN_REGISTRY_CREDENTIALS\.corp: "hosts" must be a non-empty list/);
    expect(load(['https://registry.corp.example/v2'])).toThrow(/FRESHEN_REGISTRY_CREDENTIALS\.corp: "hosts" must be/);
    expect(load('registry.corp.example')).toThrow(/FRESHEN_REGISTRY_CREDENTIALS\.corp: "hosts" must be/);
  });
});

describe('a repository naming the app credential for its own host', () => {
  const name = unique('app');
  let attacker: LoopbackServer;
  beforeAll(async () => {
    const auth = { authorization: basicHeader(basic.username, basic.password) };
    await pushImage(`http://${basic.host}`, name, '1.0', { labels: { v: '1.0' } }, auth);
    await pushImage(`http://${basic.host}`, name, '1.1', { labels: { v: '1.1' } }, auth);
    // Asks for basic credentials on every request, as a registry would.
    attacker = await attackerHost(() => ({ status: 401, headers: { 'www-authenticate': 'Basic realm="registry"', 'content-type': 'application/json' }, body: '{"errors":[{"code":"UNAUTHORIZED"}]}' }));
  });

  it('sends the attacker host nothing, reports the entry, and still uses the credential on its own host', async () => {
    const context = scanContext({ FRESHEN_REGISTRY_CREDENTIALS: JSON.stringify({ corp: { hosts: [basic.host], username: basic.username, password: basic.password } }) }, [basic.host, attacker.host]);
    const config = repoConfig(`registries:\n  - host: "${attacker.host}"\n    credentials: corp\n  - host: "${basic.host}"\n    credentials: corp\n`);
    const result = await scanRepo(context, config, { Dockerfile: `FROM ${attacker.host}/team/app:1.0\nFROM ${basic.host}/${name}:1.0\n` });

    expect(attacker.requests.length).toBeGreaterThan(0);
    expect(authorizations(attacker)).toEqual([]);
    expect(result.configErrors).toEqual([
      { file: '.github/freshen.yml', message: `registries[0].credentials: the app has no credential "corp" for ${attacker.host}; that registry is read without credentials` },
    ]);
    expect(result.updates.map((u) => u.to)).toEqual([`${basic.host}/${name}:1.1`]);
    expect(result.errors.find((e) => e.depName === `${attacker.host}/team/app`)?.message).toMatch(/answered 401 UNAUTHORIZED; no credentials are configured for/);
  });

  it('answers an unknown name and names shaped like object properties the same way, with no credential', async () => {
    const context = scanContext({ FRESHEN_REGISTRY_CREDENTIALS: JSON.stringify({ corp: { hosts: [basic.host], username: basic.username, password: basic.password } }) }, [basic.host]);
    const names = ['nosuch', 'constructor', '__proto__', 'toString', 'hasOwnProperty'];
    const config = repoConfig(`registries:\n${names.map((n) => `  - host: "${basic.host}"\n    credentials: ${n}\n`).join('')}`);
    const result = await scanRepo(context, config, { Dockerfile: `FROM ${basic.host}/${name}:1.0\n` });
    expect(result.configErrors.map((e) => e.message)).toEqual(
      names.map((n, i) => `registries[${i}].credentials: the app has no credential "${n}" for ${basic.host}; that registry is read without credentials`),
    );
    expect(result.updates).toEqual([]);
    expect(result.errors.map((e) => e.message).join('\n')).toMatch(/no credentials are configured for/);
  });
});

describe('the token service a registry names', () => {
  const name = unique('tok');
  const issuedFor = async (repository: string): Promise<IssuedToken[]> => {
    const log = (await (await fetch(`${token.tokenServerUrl}/log`)).json()) as IssuedToken[];
    return log.filter((t) => t.scopes.some((s) => s.includes(`:${repository}:`)));
  };
  beforeAll(async () => {
    const push = await requestToken(token.realm, token.service, `repository:${name}:pull,push`, token);
    for (const tag of ['1.0', '1.1']) await pushImage(`http://${token.host}`, name, tag, { labels: { tag } }, { authorization: `Bearer ${push}` });
  });

  it('gets the credential only when the entry lists its host too', async () => {
    const config = repoConfig(`registries:\n  - host: "${token.host}"\n    credentials: corp\n`);
    const files = { Dockerfile: `FROM ${token.host}/${name}:1.0\n` };
    const insecure = [token.host, tokenServerHost];
    const user = { username: token.username, password: token.password };

    const registryOnly = scanContext({ FRESHEN_REGISTRY_CREDENTIALS: JSON.stringify({ corp: { hosts: [token.host], ...user } }) }, insecure);
    const refused = await scanRepo(registryOnly, config, files);
    expect(refused.updates).toEqual([]);
    expect(refused.errors.map((e) => e.message).join('\n')).toContain(`asks for its token at ${tokenServerHost}, which is not one of the hosts its credential may be sent to`);
    expect((await issuedFor(name)).filter((t) => t.user !== null && t.scopes.join() === `repository:${name}:pull`)).toEqual([]);

    const both = scanContext({ FRESHEN_REGISTRY_CREDENTIALS: JSON.stringify({ corp: { hosts: [token.host, tokenServerHost], ...user } }) }, insecure);
    const allowed = await scanRepo(both, config, files);
    expect(allowed.updates.map((u) => u.to)).toEqual([`${token.host}/${name}:1.1`]);
    expect((await issuedFor(name)).some((t) => t.user === token.username && t.scopes.join() === `repository:${name}:pull`)).toBe(true);
  });

  it('never asks a realm on an unlisted host, even when the registry itself may have the credential', async () => {
    const realm = await attackerHost(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"token":"t"}' }));
    const registry = await attackerHost(() => ({ status: 401, headers: { 'www-authenticate': `Bearer realm="${realm.url}/token",service="registry"` } }));
    const context = scanContext({ FRESHEN_REGISTRY_CREDENTIALS: JSON.stringify({ corp: { hosts: [registry.host], username: 'ci', password: 'REALM-PASSWORD' } }) }, [registry.host, realm.host]);
    const config = repoConfig(`registries:\n  - host: "${registry.host}"\n    credentials: corp\n`);
    const result = await scanRepo(context, config, { Dockerfile: `FROM ${registry.host}/team/app:1.0\n` });
    expect(realm.requests).toEqual([]);
    expect(result.errors.map((e) => e.message).join('\n')).toContain(`asks for its token at ${realm.host}, which is not one of the hosts its credential may be sent to`);
    expect(authorizations(registry)).toEqual([]);
  });
});

describe('PIP_INDEX_URL', () => {
  const PIP_SECRET = `PIP-SECRET-${randomBytes(4).toString('hex')}`;
  const expected = basicHeader('ci', PIP_SECRET);
  const project = (name: string) => JSON.stringify({
    info: { name },
    releases: Object.fromEntries(['23.1.0', '23.2.0'].map((v) => [v, [{ filename: `${name}-${v}.tar.gz`, digests: { sha256: 'a'.repeat(64) }, upload_time_iso_8601: '2024-01-01T00:00:00Z' }]])),
  });
  let appIndex: LoopbackServer;
  let attacker: LoopbackServer;

  beforeAll(async () => {
    attacker = await attackerHost((req): Answer => {
      const name = /\/pypi\/([^/]+)\/json$/.exec(req.url ?? '')?.[1];
      return name ? { status: 200, headers: { 'content-type': 'application/json' }, body: project(name) } : { status: 404 };
    });
    // The operator's private index: answers only with the app's credential.
    appIndex = await attackerHost((req): Answer => {
      if (req.headers.authorization !== expected) return { status: 401, headers: { 'www-authenticate': 'Basic realm="pypi"' } };
      if (req.url === '/pypi/forbidden/json') return { status: 403 };
      if (req.url === '/pypi/moved/json') return { status: 302, headers: { location: `${attacker.url}/pypi/moved/json` } };
      const name = /\/pypi\/([^/]+)\/json$/.exec(req.url ?? '')?.[1];
      return name ? { status: 200, headers: { 'content-type': 'application/json' }, body: project(name) } : { status: 404 };
    });
  });

  it('goes to its own origin only: never to a repository index on another host, nor across a redirect', async () => {
    const context = scanContext({ PIP_INDEX_URL: `http://ci:${PIP_SECRET}@${appIndex.host}/simple` }, [appIndex.host, attacker.host]);
    const result = await scanRepo(context, repoConfig('{}'), {
      'requirements.txt': 'attrs==23.1.0\nforbidden==1.0\nmoved==1.0\n',
      'hostile/requirements.txt': `--index-url ${attacker.url}/simple\n--extra-index-url ${attacker.url}/extra/simple\nattrs==23.1.0\n`,
      'extra/requirements.txt': `--extra-index-url ${attacker.url}/more/simple\nattrs==23.1.0\n`,
      'same-host/requirements.txt': `--index-url ${appIndex.url}/other/simple\nattrs==23.1.0\n`,
    });

    expect(attacker.requests.map((r) => r.path).sort()).toEqual(['/extra/pypi/attrs/json', '/more/pypi/attrs/json', '/pypi/attrs/json', '/pypi/moved/json']);
    expect(authorizations(attacker)).toEqual([]);
    // Every request to the app's index carried its credential, also for a file naming that origin itself.
    expect(appIndex.requests.length).toBeGreaterThan(0);
    expect(appIndex.requests.filter((r) => r.headers.authorization !== expected)).toEqual([]);
    expect(appIndex.requests.map((r) => r.path)).toContain('/other/pypi/attrs/json');
    expect(result.updates.filter((u) => u.depName === 'attrs').map((u) => u.file).sort()).toEqual(['extra/requirements.txt', 'hostile/requirements.txt', 'requirements.txt', 'same-host/requirements.txt']);
    // What the dashboard would show names the index, never its password.
    const forbidden = result.errors.find((e) => e.depName === 'forbidden');
    expect(forbidden?.message).toBe(`http://${appIndex.host}/pypi/forbidden/json: HTTP 403`);
    expect(JSON.stringify(result)).not.toContain(PIP_SECRET);
  });
});

describe('through the app: the dashboard', () => {
  let stack: AppStack;
  let attacker: LoopbackServer;
  const name = unique('dash');
  beforeAll(async () => {
    const auth = { authorization: basicHeader(basic.username, basic.password) };
    await pushImage(`http://${basic.host}`, name, '1.0', { labels: { v: '1.0' } }, auth);
    await pushImage(`http://${basic.host}`, name, '1.1', { labels: { v: '1.1' } }, auth);
    attacker = await attackerHost(() => ({ status: 401, headers: { 'www-authenticate': 'Basic realm="registry"' } }));
    stack = await startProductionStack({
      redisUrl: inject('redisUrl'), registryHost: inject('registryHost'), insecure: [basic.host, attacker.host],
      env: { FRESHEN_REGISTRY_CREDENTIALS: JSON.stringify({ corp: { hosts: [basic.host], username: basic.username, password: basic.password } }) },
    });
  }, 60_000);
  afterAll(async () => {
    expect(stack.sim.unhandled).toEqual([]);
    await stack.stop();
  });

  it('lists the refused entry under Errors, sends the attacker host nothing, and updates the image on the credential\'s own host', async () => {
    const repo = new DashboardRepo(stack);
    await repo.install({
      Dockerfile: `FROM ${attacker.host}/team/app:1.0\nFROM ${basic.host}/${name}:1.0\n`,
      '.github/freshen.yml': `registries:\n  - host: "${attacker.host}"\n    credentials: corp\n  - host: "${basic.host}"\n    credentials: corp\n`,
    });
    expect(attacker.requests.length).toBeGreaterThan(0);
    expect(authorizations(attacker)).toEqual([]);
    const body = repo.dashboard();
    expect(body).toContain(`### Errors\n\n- \`.github/freshen.yml\`: registries[0].credentials: the app has no credential "corp" for ${attacker.host}; that registry is read without credentials\n`);
    expect(body).not.toContain(basic.password);
    const [pr] = repo.openPulls();
    expect(stack.sim.readFile(OWNER, REPO, pr!.head, 'Dockerfile')).toMatch(new RegExp(`FROM ${basic.host}/${name}:1\\.1@sha256:[0-9a-f]{64}\\n$`));
  }, 90_000);
});
