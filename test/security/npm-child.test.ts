// A hostile repository against the npm child (real npm on Verdaccio): its .npmrc, package.json and lockfile as an attacker writes them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyUpdatesWithArtifacts } from '../../src/engine/artifacts.js';
import { directorySource } from '../../src/engine/directory-source.js';
import { scan } from '../../src/engine/index.js';
import { prepareNpmChild, runNpm } from '../../src/artifacts/npm/child.js';
import { npmPlanner } from '../../src/engine/planners/npm.js';
import type { ImageLookup, PlannedUpdate } from '../../src/engine/types.js';
import { silentLogger } from '../../src/types.js';
import { startLoopbackServer, type LoopbackServer } from '../http/loopback-server.js';
import { publish, startVerdaccio, type VerdaccioInstance } from '../support/verdaccio.js';

const noImages: ImageLookup = {
  getTags: () => Promise.reject(new Error('no images here')),
  getDigest: () => Promise.reject(new Error('no images here')),
};

let verdaccio: VerdaccioInstance;
/** An internal host named by a published package's git dependency: it must never hear from npm. */
let internal: LoopbackServer;
const dirs: string[] = [];
const servers: LoopbackServer[] = [];
const locks: Record<string, string> = {};

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
const pkg = (deps: Record<string, string>, extra: Record<string, unknown> = {}) => json({ name: 'shop', version: '1.0.0', dependencies: deps, ...extra });
const repoNpmrc = () => `registry=http://${verdaccio.host}/\n`;
/** The operator's FRESHEN_NPMRC: a token for Verdaccio only. */
const appNpmrc = () => `//${verdaccio.host}/:_authToken=${verdaccio.token}\n`;
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
const lockedVersion = (text: string, key: string) => (JSON.parse(text) as { packages: Record<string, { version: string }> }).packages[key]?.version;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'freshen-npm-hostile-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A lockfile as a developer made it: real npm, with their own token, against the registry as it was. */
function lockfileFor(deps: Record<string, string>): string {
  const dir = project({ 'package.json': pkg(deps), '.npmrc': repoNpmrc() + appNpmrc() });
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir, env: { PATH: process.env.PATH, HOME: dir, npm_config_cache: join(dir, '.cache') }, stdio: 'pipe',
  });
  return readFileSync(join(dir, 'package-lock.json'), 'utf8');
}

async function server(handler: Parameters<typeof startLoopbackServer>[0] = (_req, res) => void res.writeHead(502).end()): Promise<LoopbackServer> {
  const s = await startLoopbackServer(handler);
  servers.push(s);
  return s;
}

const languageEnv = () => ({ FRESHEN_NPMRC: appNpmrc() });

async function scanDir(dir: string, insecure = [verdaccio.host]) {
  const planner = npmPlanner({ appNpmrc: appNpmrc(), vars: languageEnv(), insecureRegistries: insecure });
  return scan(directorySource(dir), { images: noImages, log: silentLogger, planners: [planner] });
}

async function write(dir: string, updates: PlannedUpdate[], insecure = [verdaccio.host], workDir?: string) {
  const source = directorySource(dir);
  const texts = new Map<string, string>();
  for (const file of new Set(updates.map((u) => u.file))) texts.set(file, await source.read(file));
  const settings = { ...languageEnv(), FRESHEN_NPMRC: appNpmrc(), ...(workDir ? { FRESHEN_WORK_DIR: workDir } : {}) };
  return applyUpdatesWithArtifacts(texts, updates, { readFile: (p) => source.read(p).catch(() => undefined), settings, insecureRegistries: insecure });
}

/** What a server was sent that carries the operator's token, anywhere in its headers. */
const tokenSeenBy = (s: LoopbackServer) => s.requests.filter((r) => JSON.stringify(r.headers).includes(verdaccio.token));

beforeAll(async () => {
  verdaccio = await startVerdaccio();
  internal = await startLoopbackServer((_req, res) => void res.writeHead(404).end());
  await Promise.all([publish(verdaccio, 'lib-a', '1.0.0'), publish(verdaccio, 'lib-t', '1.0.0'), publish(verdaccio, '@private/ui', '2.0.0')]);
  locks.a = lockfileFor({ 'lib-a': '^1.0.0' });
  locks.t = lockfileFor({ 'lib-t': '^1.0.0' });
  locks.private = lockfileFor({ 'lib-a': '^1.0.0', '@private/ui': '^2.0.0' });
  await publish(verdaccio, 'lib-a', '1.1.0');
  await publish(verdaccio, '@private/ui', '2.1.0');
  // A new version whose manifest pulls a git dependency from an internal host: nothing in the repository shows it.
  await publish(verdaccio, 'lib-t', '1.1.0', { dependencies: { tools: `git+http://${internal.host}/tools.git` } });
}, 120_000);

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

afterAll(async () => {
  await internal?.close();
  await verdaccio?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('a repository .npmrc cannot smuggle npm settings into the child', () => {
  // Each as the attacker pushes it after Freshen planned from a clean .npmrc; `P` is the attacker's proxy.
  const hostile: [string, (p: string) => string, number][] = [
    ['\\n in a quoted value: proxy, https-proxy, strict-ssl, cache, registry', (p) => `; mirror\nregistry="http://${verdaccio.host}/\\nproxy=${p}/\\nhttps-proxy=${p}/\\nstrict-ssl=false\\ncache=/tmp/freshen-attacker-cache\\nregistry=http://${verdaccio.host}/"\n`, 2],
    ['\\n in a quoted key, "=" written as \\u003d', () => `registry=http://${verdaccio.host}/\n"@acme\\nstrict-ssl\\u003dfalse\\n@acme:registry"=http://${verdaccio.host}/\n`, 2],
    ['\\r in a quoted value', (p) => `registry="http://${verdaccio.host}/\\rproxy=${p}/"\n`, 1],
    ['NUL in a quoted value', (p) => `registry=http://${verdaccio.host}/\n\n//${verdaccio.host}/:_authToken="x\\u0000\\nproxy=${p}/"\n`, 3],
  ];

  it.each(hostile)('%s: a located error on that line, npm never runs, the proxy hears nothing', async (_name, npmrcOf, line) => {
    const proxy = await server();
    const dir = project({ 'package.json': pkg({ 'lib-a': '^1.0.0' }), 'package-lock.json': locks.a!, '.npmrc': repoNpmrc() });
    const { updates } = await scanDir(dir);
    expect(updates.map((u) => [u.depName, u.to])).toEqual([['lib-a', '1.1.0']]);
    writeFileSync(join(dir, '.npmrc'), npmrcOf(proxy.url));

    const written = await write(dir, updates);
    expect(tokenSeenBy(proxy)).toEqual([]);
    expect(proxy.connections).toBe(0);
    expect(written.files.size).toBe(0);
    expect(written.errors).toContainEqual({ file: '.npmrc', line, message: expect.stringMatching(/line break or NUL character .* refused.*package-lock\.json left as it is/) });
    // Planning from the hostile file reports the same line once, and looks nothing up.
    const planned = await scanDir(dir);
    expect(planned.updates).toEqual([]);
    expect(planned.errors.filter((e) => e.file === '.npmrc')).toEqual([{ file: '.npmrc', line, message: expect.stringMatching(/line break/) }]);
    expect(proxy.connections).toBe(0);
    expect(JSON.stringify([written.errors, planned.errors])).not.toContain(verdaccio.token);
  }, 60_000);

  it("the worker's own npm_config_*, proxy variables and NODE_OPTIONS do not reach the child", async () => {
    const proxy = await server();
    const marker = join(project({}), 'node-options-ran');
    const preload = join(dirname(marker), 'preload.cjs');
    writeFileSync(preload, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`);
    const planted: Record<string, string> = {
      npm_config_proxy: proxy.url, npm_config_https_proxy: proxy.url, npm_config_registry: `${proxy.url}/`, npm_config_strict_ssl: 'false',
      NPM_CONFIG_PROXY: proxy.url, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, http_proxy: proxy.url, NODE_OPTIONS: `--require ${preload}`,
    };
    const saved = Object.fromEntries(Object.keys(planted).map((k) => [k, process.env[k]]));
    const dir = project({ 'package.json': pkg({ 'lib-a': '^1.0.0' }), 'package-lock.json': locks.a!, '.npmrc': repoNpmrc() });
    Object.assign(process.env, planted);
    try {
      const { updates } = await scanDir(dir);
      const written = await write(dir, updates);
      expect(written.errors).toEqual([]);
      expect(lockedVersion(written.files.get('package-lock.json')!, 'node_modules/lib-a')).toBe('1.1.0');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(proxy.connections).toBe(0);
    expect(existsSync(marker)).toBe(false);
  }, 60_000);
});

describe('git dependencies are never fetched', () => {
  const forms: [string, (host: string) => string][] = [
    ['git+http URL', (h) => `git+http://${h}/tools.git`],
    ['git:// URL', (h) => `git://${h}/tools.git`],
    ['git+ssh URL', (h) => `git+ssh://git@${h}/tools.git#main`],
    ['npm: alias of a git URL', (h) => `npm:tools@git+http://${h}/tools.git`],
    ['github: shorthand', () => 'github:acme/tools'],
    ['user/repo shorthand', () => 'acme/tools#v1'],
    ['gitlab: shorthand', () => 'gitlab:acme/tools'],
    ['bitbucket: shorthand', () => 'bitbucket:acme/tools'],
  ];

  it.each(forms)('a %s in package.json: located reason, lockfile untouched, the internal host hears nothing', async (_name, specOf) => {
    const host = await server();
    const text = pkg({ 'lib-a': '^1.0.0', tools: specOf(host.host) });
    const dir = project({ 'package.json': text, 'package-lock.json': locks.a!, '.npmrc': repoNpmrc() });
    const { updates } = await scanDir(dir);
    expect(updates.map((u) => u.depName)).toEqual(['lib-a']);
    const written = await write(dir, updates);
    expect(host.connections).toBe(0);
    expect(written.files.size).toBe(0);
    expect(written.errors).toContainEqual({ file: 'package.json', line: lineOf(text, '"tools"'), depName: 'tools', message: expect.stringMatching(/^a git dependency: .*package-lock\.json left as it is$/) });
    expect(host.connections).toBe(0);
  }, 60_000);

  it('a git URL as `resolved` in the lockfile: located at that line', async () => {
    const host = await server();
    const lock = JSON.parse(locks.a!) as { packages: Record<string, unknown> };
    lock.packages['node_modules/tools'] = { version: '1.0.0', resolved: `git+http://${host.host}/tools.git#0123456789abcdef0123456789abcdef01234567` };
    const lockText = JSON.stringify(lock, null, 2) + '\n';
    const dir = project({ 'package.json': pkg({ 'lib-a': '^1.0.0' }), 'package-lock.json': lockText, '.npmrc': repoNpmrc() });
    const written = await write(dir, (await scanDir(dir)).updates);
    expect(written.files.size).toBe(0);
    expect(written.errors).toContainEqual({ file: 'package-lock.json', line: lineOf(lockText, '"resolved": "git+http'), depName: 'node_modules/tools', message: expect.stringMatching(/^a git dependency/) });
    expect(host.connections).toBe(0);
  }, 60_000);

  it('a git dependency only the registry knows of (a new version pulls it in): npm fails, the internal host hears nothing', async () => {
    const before = internal.connections;
    const dir = project({ 'package.json': pkg({ 'lib-t': '^1.0.0' }), 'package-lock.json': locks.t!, '.npmrc': repoNpmrc() });
    const { updates } = await scanDir(dir);
    expect(updates.map((u) => [u.depName, u.to])).toEqual([['lib-t', '1.1.0']]);
    const written = await write(dir, updates);
    expect(written.files.size).toBe(0);
    expect(written.errors).toContainEqual({ file: 'package-lock.json', message: expect.stringMatching(/^npm update failed: /) });
    expect(internal.connections).toBe(before);
  }, 60_000);

  it('defence in depth: even told to fetch git, the child has no git to run', async () => {
    execFileSync('git', ['--version']); // the worker has git: the child must still not reach it
    const host = await server();
    const dir = project({ 'package.json': json({ name: 'probe', version: '1.0.0' }) });
    const child = await prepareNpmChild(join(dir, '.child'), { insecureRegistries: [host.host] });
    const result = await runNpm(child, ['install', `git+http://${host.host}/tools.git`, '--allow-git=all', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], dir, 60_000);
    expect(result.ok).toBe(false);
    expect(result.output).toContain("freshen: git is not run for a repository's dependencies");
    expect(host.connections).toBe(0);
  }, 60_000);
});

describe('paths outside the project are never read', () => {
  const outsideSpecs: [string, Record<string, string>, Record<string, unknown>, string][] = [
    ['file:../../outside', { outside: 'file:../../outside' }, {}, '"outside"'],
    ['link:../../outside', { outside: 'link:../../outside' }, {}, '"outside"'],
    ['a bare ../../outside path', { outside: '../../outside' }, {}, '"outside"'],
    ['an absolute file: path', { outside: 'file:/etc' }, {}, '"outside"'],
    ['a workspace pattern', {}, { workspaces: ['../../*'] }, '"../../*"'],
  ];

  it.each(outsideSpecs)('%s: located reason, npm never runs, the lockfile is untouched', async (_name, deps, extra, needle) => {
    // npm's copy goes to a directory of this test's own; `../../outside` from it is a real package there.
    const privateTmp = mkdtempSync(join(tmpdir(), 'freshen-npm-outside-'));
    dirs.push(privateTmp);
    mkdirSync(join(privateTmp, 'outside'));
    writeFileSync(join(privateTmp, 'outside', 'package.json'), json({ name: 'outside-secret', version: '6.6.6' }));
    const text = pkg({ 'lib-a': '^1.0.0', ...deps }, extra);
    const dir = project({ 'package.json': text, 'package-lock.json': locks.a!, '.npmrc': repoNpmrc() });
    const { updates } = await scanDir(dir);
    const written = await write(dir, updates, [verdaccio.host], privateTmp);
    expect(written.files.get('package-lock.json') ?? '').not.toContain('outside-secret');
    expect(written.files.size).toBe(0);
    expect(written.errors).toContainEqual(expect.objectContaining({ file: 'package.json', line: lineOf(text, needle), message: expect.stringMatching(/points outside the project.*package-lock\.json left as it is$/) }));
    expect(readdirSync(privateTmp)).toEqual(['outside']);
  }, 60_000);
});

describe("the operator's token goes only to the host it was configured for", () => {
  it('a repository registry (default and scoped) pointing elsewhere is never sent it: not by lookups, not by npm', async () => {
    // The attacker's registry forwards to Verdaccio, so everything works and every header is seen.
    const attacker = await server(async (req, res) => {
      const upstream = await fetch(verdaccio.url + req.url, { headers: { accept: String(req.headers.accept ?? 'application/json') } });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    });
    const npmrc = `registry=${attacker.url}/\n@private:registry=${attacker.url}/\n//${attacker.host}/:_authToken=\${FRESHEN_NPMRC}\n`;
    const dir = project({ 'package.json': pkg({ 'lib-a': '^1.0.0', '@private/ui': '^2.0.0' }), 'package-lock.json': locks.private!, '.npmrc': npmrc });
    const insecure = [verdaccio.host, attacker.host];
    const planned = await scanDir(dir, insecure);
    expect(planned.updates.map((u) => u.depName)).toEqual(['lib-a']);
    const written = await write(dir, planned.updates, insecure);
    expect(attacker.requests.filter((r) => r.path.includes('lib-a')).length).toBeGreaterThan(1);
    expect(tokenSeenBy(attacker)).toEqual([]);
    expect(JSON.stringify([...written.files.values(), written.errors, planned.errors])).not.toContain(verdaccio.token);
  }, 60_000);

  it("the repository may not downgrade the token's host to plain HTTP", async () => {
    const dir = project({ 'package.json': pkg({ 'lib-a': '^1.0.0' }), 'package-lock.json': locks.a!, '.npmrc': repoNpmrc() });
    const { updates } = await scanDir(dir);
    writeFileSync(join(dir, '.npmrc'), 'registry=http://registry.private.test/\n');
    const source = directorySource(dir);
    const written = await applyUpdatesWithArtifacts(new Map([['package.json', await source.read('package.json')]]), updates, {
      readFile: (p) => source.read(p).catch(() => undefined),
      settings: { FRESHEN_NPMRC: '//registry.private.test/:_authToken=operator-secret-token\n' },
    });
    expect(written.files.size).toBe(0);
    expect(written.errors).toContainEqual({ file: 'package-lock.json', message: expect.stringMatching(/^registry: refusing http:\/\/registry\.private\.test.*only https/) });
  }, 60_000);
});
