// npm package lookups through the shared cache, on a real Verdaccio: one registry request per package for all workers; credentialed answers stay per installation.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import npmFetch from 'npm-registry-fetch';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisLookupCache } from '../../src/cache/index.js';
import { sharedNpm } from '../../src/datasources/npm/cache.js';
import { createNpmDatasource, npmOptionsFrom, sendsCredentials } from '../../src/datasources/npm/index.js';
import { directorySource } from '../../src/engine/directory-source.js';
import { scan } from '../../src/engine/index.js';
import { createDatasources } from '../../src/datasources/index.js';
import { languagePlanners } from '../../src/engine/language/index.js';
import { createHttpClient } from '../../src/http/index.js';
import type { ImageLookup } from '../../src/engine/types.js';
import { silentLogger } from '../../src/types.js';
import { startLoopbackServer, type LoopbackServer } from '../http/loopback-server.js';
import { publish, startVerdaccio, type VerdaccioInstance } from '../support/verdaccio.js';

const redisUrl = inject('redisUrl');
const prefix = `npm-shared-${randomBytes(4).toString('hex')}:`;
const connections: Redis[] = [];
let verdaccio: VerdaccioInstance;
/** The registry the workers use: Verdaccio behind a loopback proxy that counts what reaches it. */
let registry: LoopbackServer;
let projectDir: string;

beforeAll(async () => {
  verdaccio = await startVerdaccio();
  registry = await startLoopbackServer(async (req, res) => {
    const authorization = req.headers.authorization;
    const upstream = await fetch(verdaccio.url + req.url, { headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) } });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await Promise.all([
    publish(verdaccio, 'lib-shared', '1.0.0'),
    publish(verdaccio, 'lib-planned', '1.0.0'),
    publish(verdaccio, 'lib-damaged', '1.0.0'),
    publish(verdaccio, '@private/ui', '2.0.0'),
  ]);
  await publish(verdaccio, 'lib-planned', '1.4.0');
  projectDir = mkdtempSync(join(tmpdir(), 'freshen-npm-shared-'));
  writeFileSync(join(projectDir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { 'lib-planned': '~1.0.0' } }));
  writeFileSync(join(projectDir, '.npmrc'), `registry=${registry.url}/\n`);
}, 60_000);

afterAll(async () => {
  const admin = new Redis(redisUrl);
  const keys = await admin.keys(`${prefix}*`);
  // No credential ever goes into a key.
  expect(keys.some((k) => k.includes(verdaccio.token))).toBe(false);
  if (keys.length) await admin.del(...keys);
  admin.disconnect();
  for (const r of connections) r.disconnect();
  await registry?.close();
  await verdaccio?.stop();
  if (projectDir) rmSync(projectDir, { recursive: true, force: true });
});

function sharedCache(): RedisLookupCache {
  const redis = new Redis(redisUrl, { keyPrefix: prefix });
  connections.push(redis);
  return new RedisLookupCache(redis);
}

const publicNpmrc = () => `registry=${registry.url}/\n`;
const tokenNpmrc = () => `registry=${registry.url}/\n//${registry.host}/:_authToken=\${NPM_TOKEN}\n`;

/** One worker: its own Redis connection and npm datasource for a repository's .npmrc. */
function worker(installationId: number, repoNpmrc: string) {
  const direct = createNpmDatasource({ repoNpmrc, vars: { NPM_TOKEN: verdaccio.token }, insecureRegistries: [registry.host] });
  return sharedNpm(direct, sharedCache(), installationId, 600);
}

const asked = (name: string) => registry.requests.filter((r) => r.path === `/${name.replace('/', '%2f')}`).length;

describe('npm lookups shared by workers', () => {
  it('answers concurrent lookups of two workers of different installations with one registry request', async () => {
    const [a, b] = [worker(1, publicNpmrc()), worker(2, publicNpmrc())];
    const answers = await Promise.all([a, b, a, b].map((w) => w.getPackage('lib-shared')));
    expect(answers.map((p) => p.versions.map((v) => v.version))).toEqual(Array(4).fill(['1.0.0']));
    expect(asked('lib-shared')).toBe(1);
    await worker(3, publicNpmrc()).getPackage('lib-shared');
    expect(asked('lib-shared')).toBe(1);
  });

  it('shares a public registry\'s answer even when the npmrc has a token for another registry', async () => {
    const elsewhere = `${publicNpmrc()}//${verdaccio.host}/:_authToken=\${NPM_TOKEN}\n`;
    await worker(4, elsewhere).getPackage('lib-shared');
    expect(asked('lib-shared')).toBe(1);
  });

  it('keeps answers that needed a token to their installation', async () => {
    expect((await worker(7, tokenNpmrc()).getPackage('@private/ui')).versions.map((v) => v.version)).toEqual(['2.0.0']);
    await worker(7, tokenNpmrc()).getPackage('@private/ui');
    expect(asked('@private/ui')).toBe(1);
    await worker(8, tokenNpmrc()).getPackage('@private/ui');
    expect(asked('@private/ui')).toBe(2);
    // An installation without the token is refused by the registry, not served from another's cache.
    await expect(worker(9, publicNpmrc()).getPackage('@private/ui')).rejects.toThrow(/401|403|unauthorized|authenticate/i);
    expect(asked('@private/ui')).toBe(3);
  });

  it('asks the registry again when the stored answer does not read, and stores a good one', async () => {
    await worker(1, publicNpmrc()).getPackage('lib-damaged');
    const admin = new Redis(redisUrl, { keyPrefix: prefix });
    connections.push(admin);
    const [key] = (await admin.keys(`${prefix}*lib-damaged*`)).map((k) => k.slice(prefix.length));
    for (const damaged of ['{"v":{"name"', JSON.stringify({ v: { name: 'lib-damaged', versions: 'none' } })]) {
      await admin.set(key!, damaged);
      expect((await worker(2, publicNpmrc()).getPackage('lib-damaged')).versions.map((v) => v.version)).toEqual(['1.0.0']);
    }
    expect(asked('lib-damaged')).toBe(3);
    await worker(3, publicNpmrc()).getPackage('lib-damaged');
    expect(asked('lib-damaged')).toBe(3);
  });

  it('the app\'s npm planner looks packages up through the shared cache', async () => {
    const noImages: ImageLookup = { getTags: () => Promise.reject(new Error('no images')), getDigest: () => Promise.reject(new Error('no images')) };
    const planWith = (installationId: number) => {
      const cache = sharedCache();
      const datasources = createDatasources({ http: createHttpClient({ insecureHosts: [registry.host] }), settings: {}, insecureRegistries: [registry.host], shared: { npm: (direct) => sharedNpm(direct, cache, installationId, 600) } });
      const planners = languagePlanners({ datasources, settings: {} });
      return scan(directorySource(projectDir), { images: noImages, log: silentLogger, planners });
    };
    const [first, second] = await Promise.all([planWith(1), planWith(2)]);
    expect(first.updates.map((u) => [u.depName, u.to])).toEqual([['lib-planned', '~1.4.0']]);
    expect(second.updates).toEqual(first.updates);
    expect(asked('lib-planned')).toBe(1);
  });
});

describe('whether npm sends credentials to a registry', () => {
  const npmAuth = (npmFetch as unknown as { getAuth(uri: string, opts: Record<string, string>): { token: string | null; auth: string | null } }).getAuth;
  const cases: [string, string, boolean][] = [
    ['no credentials', 'registry=https://npm.test/\n', false],
    ['a token for the registry host', 'registry=https://npm.test/\n//npm.test/:_authToken=abcd1234\n', true],
    ['a token for a path prefix of it', 'registry=https://npm.test/org/npm/\n//npm.test/org/:_authToken=abcd1234\n', true],
    ['a token for another host', 'registry=https://npm.test/\n//other.test/:_authToken=abcd1234\n', false],
    ['a token for another path on the host', 'registry=https://npm.test/public/\n//npm.test/private/:_authToken=abcd1234\n', false],
    ['basic auth as _auth', 'registry=https://npm.test/\n//npm.test/:_auth=dXNlcjpwYXNz\n', true],
    ['username and password', 'registry=https://npm.test/\n//npm.test/:username=user\n//npm.test/:_password=cGFzcw==\n', true],
    ['a token on another port', 'registry=https://npm.test:8443/\n//npm.test/:_authToken=abcd1234\n', false],
  ];
  it.each(cases)('%s', (_, npmrc, expected) => {
    const options = npmOptionsFrom({ repoNpmrc: npmrc });
    const url = `${options.registry!.replace(/\/$/, '')}/lib`;
    expect(sendsCredentials(url, options)).toBe(expected);
    // Never "public" where npm itself would send a credential.
    const auth = npmAuth(url, options);
    if (auth.token || auth.auth) expect(sendsCredentials(url, options)).toBe(true);
  });

  it('counts credentials written into the registry URL, and an unparsable URL as private', () => {
    expect(sendsCredentials('https://user:pass@npm.test/lib', {})).toBe(true);
    expect(sendsCredentials('not a url', {})).toBe(true);
  });
});
