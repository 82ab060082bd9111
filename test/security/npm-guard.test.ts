// npm-registry-fetch does its own HTTP: the host policy must hold there too, and a repository's .npmrc must not reach the app's secrets.
import { afterEach, describe, expect, it } from 'vitest';
import { createNpmDatasource, npmOptionsFrom } from '../../src/datasources/npm/index.js';
import { startLoopbackServer, type LoopbackServer } from '../http/loopback-server.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function server(handler: Parameters<typeof startLoopbackServer>[0]): Promise<LoopbackServer> {
  const s = await startLoopbackServer(handler);
  servers.push(s);
  return s;
}

const packument = (name: string) => JSON.stringify({ name, 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': { name, version: '1.0.0' } } });

describe('npm lookups obey the host policy on every connection', () => {
  it('refuses a redirect from a listed registry to an unlisted loopback port; the target is never contacted', async () => {
    const target = await server((_req, res) => void res.end(packument('lib')));
    const registry = await server((_req, res) => void res.writeHead(302, { location: `${target.url}/lib` }).end());
    const npm = createNpmDatasource({ repoNpmrc: `registry=${registry.url}/\n`, insecureRegistries: [registry.host] });
    await expect(npm.getPackage('lib')).rejects.toThrow(/FRESHEN_INSECURE_REGISTRIES/);
    expect(registry.requests.length).toBeGreaterThan(0);
    expect(target.connections).toBe(0);
  });

  it('connects to the address it checked: a name that answers public first and loopback next is refused (DNS rebinding)', async () => {
    const registry = await server((_req, res) => void res.end(packument('lib')));
    let calls = 0;
    const lookup = async () => [{ address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    const npm = createNpmDatasource({ repoNpmrc: `registry=https://registry.rebind.test:${registry.port}/\n`, lookup });
    await expect(npm.getPackage('lib')).rejects.toThrow(/127\.0\.0\.1.*FRESHEN_INSECURE_REGISTRIES/);
    expect(calls).toBeGreaterThan(1);
    expect(registry.connections).toBe(0);
  });

  it('refuses a cloud metadata address named by a repository', async () => {
    const npm = createNpmDatasource({ repoNpmrc: 'registry=https://169.254.169.254/\n' });
    await expect(npm.getPackage('lib')).rejects.toThrow(/169\.254\.169\.254.*non-public/);
  });

  it('still reads a listed loopback registry', async () => {
    const registry = await server((_req, res) => void res.end(packument('lib')));
    const npm = createNpmDatasource({ repoNpmrc: `registry=${registry.url}/\n`, insecureRegistries: [registry.host] });
    expect((await npm.getPackage('lib')).versions.map((v) => v.version)).toEqual(['1.0.0']);
  });

  it('refuses a packument larger than the cap instead of buffering it all', async () => {
    const huge = JSON.stringify({ name: 'lib', padding: 'x'.repeat(300_000), versions: {} });
    const registry = await server((_req, res) => void res.end(huge));
    const npm = createNpmDatasource({ repoNpmrc: `registry=${registry.url}/\n`, insecureRegistries: [registry.host], maxBodyBytes: 100_000 });
    await expect(npm.getPackage('lib')).rejects.toThrow(/larger than 100000 bytes/);
  });
});

describe("a repository's .npmrc cannot pull in the app's settings", () => {
  const appNpmrc = '//private.example/:_authToken=APP-SECRET-TOKEN-123\n';
  const vars = { FRESHEN_NPMRC: appNpmrc, PIP_INDEX_URL: 'https://user:PIP-SECRET-456@pypi.example/simple', NPM_TOKEN: 'repo-visible-token' };

  it('leaves ${FRESHEN_NPMRC} and ${PIP_INDEX_URL} unresolved in the repository file, but not other names', () => {
    const options = npmOptionsFrom({
      repoNpmrc: '//evil.example/:_authToken=${FRESHEN_NPMRC}\n//evil.example/:_password=${PIP_INDEX_URL?}\n//ok.example/:_authToken=${NPM_TOKEN}\n',
      appNpmrc,
      vars,
    });
    expect(options['//evil.example/:_authToken']).toBe('${FRESHEN_NPMRC}');
    expect(options['//evil.example/:_password']).toBe('');
    expect(options['//ok.example/:_authToken']).toBe('repo-visible-token');
    expect(options['//private.example/:_authToken']).toBe('APP-SECRET-TOKEN-123');
  });

  it("the token the repository's registry receives is never the app's", async () => {
    const registry = await server((_req, res) => void res.end(packument('lib')));
    const repoNpmrc = `registry=${registry.url}/\n//${registry.host}/:_authToken=\${FRESHEN_NPMRC}\n`;
    const npm = createNpmDatasource({ repoNpmrc, appNpmrc, vars, insecureRegistries: [registry.host] });
    await npm.getPackage('lib');
    const sent = registry.requests.map((r) => String(r.headers.authorization ?? '')).join('\n');
    expect(sent).not.toContain('APP-SECRET-TOKEN-123');
    expect(sent).not.toContain('PIP-SECRET-456');
  });
});
