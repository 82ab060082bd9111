// The Go module proxy datasource against a loopback proxy: tags, release times, case encoding, retractions, next majors, GOPROXY rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasourceRegistry, osvEcosystemOf } from '../../../src/datasources/index.js';
import { createGoDatasource, escapeModulePath, matchesPrefixPatterns, parseGoProxy, sourceUrlOf } from '../../../src/datasources/go/index.js';
import { BlockedHostError, createHttpClient, type HttpClient } from '../../../src/http/index.js';
import type { Logger } from '../../../src/types.js';
import { silentLogger } from '../../../src/types.js';
import { startGoProxy, type GoProxyServer } from '../../support/go-proxy.js';

let proxy: GoProxyServer;
let empty: GoProxyServer;
let http: HttpClient;

beforeAll(async () => {
  proxy = await startGoProxy([
    {
      path: 'example.com/greet',
      versions: [
        { version: 'v1.0.0', time: '2023-01-01T00:00:00Z' },
        { version: 'v1.1.0', time: '2023-06-01T10:00:00Z' },
        { version: 'v1.2.0-rc.1', time: '2023-07-01T00:00:00Z' },
        { version: 'v0.0.0-20220101120000-abcdef123456', unlisted: true },
      ],
    },
    { path: 'example.com/greet/v2', versions: [{ version: 'v2.0.0', time: '2024-02-01T00:00:00Z' }, { version: 'v2.1.0', time: '2024-03-01T00:00:00Z' }] },
    { path: 'example.com/greet/v3', versions: [{ version: 'v3.0.0', time: '2024-05-01T00:00:00Z' }] },
    { path: 'github.com/BurntSushi/toml', versions: [{ version: 'v1.3.2' }] },
    { path: 'example.com/old', versions: [{ version: 'v1.0.0', goMod: null }, { version: 'v2.0.0+incompatible', goMod: null }] },
    { path: 'example.com/mixed', versions: [{ version: 'v1.5.0' }, { version: 'v2.0.0+incompatible', goMod: null }] },
    {
      path: 'example.com/retracting',
      versions: [{ version: 'v1.0.0' }, { version: 'v1.0.1' }, { version: 'v1.0.2' }, { version: 'v1.1.0', goMod: 'module example.com/retracting\n\ngo 1.19\n\nretract (\n\tv1.0.1 // broken\n\t[v1.0.2, v1.0.2]\n)\n' }],
    },
  ]);
  empty = await startGoProxy([]);
  http = createHttpClient({ insecureHosts: [proxy.host, empty.host], retries: 0 });
});

afterAll(async () => {
  await proxy?.close();
  await empty?.close();
  await http?.close();
});

const source = (settings: Record<string, string | undefined>, log: Logger = silentLogger) => createGoDatasource({ http, settings, log });

describe('Go module proxy lookups', () => {
  it('lists tagged versions (pseudo-versions never), with release times from .info', async () => {
    const list = await source({ GOPROXY: proxy.url }).getReleases('example.com/greet');
    const own = list.releases.filter((r) => !r.modulePath);
    expect(own.map((r) => r.version)).toEqual(['v1.2.0-rc.1', 'v1.1.0', 'v1.0.0']);
    expect(own.find((r) => r.version === 'v1.1.0')?.publishedAt).toBe('2023-06-01T10:00:00.000Z');
    expect(proxy.requests.filter((r) => r === '/example.com/greet/@v/list')).toHaveLength(1);
  });

  it('finds the next major paths (/v2, /v3) and marks their versions with the path', async () => {
    const list = await source({ GOPROXY: proxy.url }).getReleases('example.com/greet');
    expect(list.releases.filter((r) => r.modulePath).map((r) => [r.modulePath, r.version])).toEqual([
      ['example.com/greet/v2', 'v2.1.0'],
      ['example.com/greet/v2', 'v2.0.0'],
      ['example.com/greet/v3', 'v3.0.0'],
    ]);
    expect(proxy.requests).toContain('/example.com/greet/v4/@v/list');
    expect(proxy.requests).not.toContain('/example.com/greet/v5/@v/list');
  });

  it('asks for upper-case paths in the proxy case encoding', async () => {
    const list = await source({ GOPROXY: proxy.url }).getReleases('github.com/BurntSushi/toml');
    expect(list.releases.map((r) => r.version)).toContain('v1.3.2');
    expect(list.sourceUrl).toBe('https://github.com/BurntSushi/toml');
    expect(proxy.requests).toContain('/github.com/!burnt!sushi/toml/@v/list');
  });

  it('keeps +incompatible versions of a module without go.mod, drops them once the module has one', async () => {
    const old = await source({ GOPROXY: proxy.url }).getReleases('example.com/old');
    expect(old.releases.map((r) => r.version)).toEqual(['v2.0.0+incompatible', 'v1.0.0']);
    const mixed = await source({ GOPROXY: proxy.url }).getReleases('example.com/mixed');
    expect(mixed.releases.map((r) => r.version)).toEqual(['v1.5.0']);
  });

  it('marks versions the latest go.mod retracts as yanked', async () => {
    const list = await source({ GOPROXY: proxy.url }).getReleases('example.com/retracting');
    expect(list.releases.map((r) => [r.version, r.yanked ?? false])).toEqual([
      ['v1.1.0', false],
      ['v1.0.2', true],
      ['v1.0.1', true],
      ['v1.0.0', false],
    ]);
  });

  it('falls back along a comma list on 404; direct is never used and said so', async () => {
    const warnings: unknown[] = [];
    const log: Logger = { ...silentLogger, warn: (obj) => void warnings.push(obj) };
    const before = empty.requests.length;
    const list = await source({ GOPROXY: `${empty.url},direct,${proxy.url}` }, log).getReleases('example.com/old');
    expect(list.releases).toHaveLength(2);
    expect(empty.requests.slice(before)).toEqual(['/example.com/old/@v/list']);
    expect(warnings).toEqual([{ ignored: ['direct'] }]);
    await expect(source({ GOPROXY: 'direct' }).getReleases('example.com/old')).rejects.toThrow(/GOPROXY setting lists no proxy Freshen uses \(direct never is\)/);
  });

  it('off means no lookups at all', async () => {
    const before = proxy.requests.length;
    await expect(source({ GOPROXY: 'off' }).getReleases('example.com/old')).rejects.toThrow(/GOPROXY setting is off/);
    await expect(source({ GOPROXY: `off,${proxy.url}` }).getReleases('example.com/old')).rejects.toThrow(/off/);
    expect(proxy.requests.length).toBe(before);
  });

  it('a module no proxy has is a clear error naming the proxies', async () => {
    await expect(source({ GOPROXY: `${empty.url}|${proxy.url}` }).getReleases('example.com/nowhere')).rejects.toThrow(`example.com/nowhere: not found on ${empty.host}, ${proxy.host}`);
  });

  it('modules the go command would fetch directly (GONOPROXY, GOPRIVATE) are refused, not fetched', async () => {
    const before = proxy.requests.length;
    await expect(source({ GOPROXY: proxy.url, GOPRIVATE: 'example.com/o*' }).getReleases('example.com/old')).rejects.toThrow(/matches the GOPRIVATE setting/);
    await expect(source({ GOPROXY: proxy.url, GOPRIVATE: 'example.com', GONOPROXY: 'none' }).getReleases('example.com/old')).resolves.toBeDefined();
    expect(proxy.requests.length).toBeGreaterThan(before);
  });

  it('a private proxy host is refused unless FRESHEN_INSECURE_REGISTRIES lists it', async () => {
    const strict = createHttpClient({ retries: 0 });
    try {
      const before = proxy.requests.length;
      const err = await createGoDatasource({ http: strict, settings: { GOPROXY: proxy.url } }).getReleases('example.com/old').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlockedHostError);
      expect((err as BlockedHostError).host).toContain('127.0.0.1');
      // A pipe list does not fall past a refused host either: the refusal is reported.
      await expect(createGoDatasource({ http: strict, settings: { GOPROXY: `${proxy.url}|${proxy.url}` } }).getReleases('example.com/old')).rejects.toBeInstanceOf(BlockedHostError);
      expect(proxy.requests.length).toBe(before);
    } finally {
      await strict.close();
    }
  });

  it('refuses names that are no module path before any request', async () => {
    const before = proxy.requests.length;
    for (const name of ['example.com/../x', 'example.com/a?x=1', 'example.com/x#y', 'example.com/x/v1', 'Example.com/x']) {
      await expect(source({ GOPROXY: proxy.url }).getReleases(name)).rejects.toThrow(/not a Go module path/);
    }
    expect(proxy.requests.length).toBe(before);
  });

  it('is registered as the go datasource', () => {
    const ds = datasourceRegistry.go!.create({ http, settings: {}, insecureRegistries: [] });
    expect([ds.name, ds.defaultVersioning, ds.osvEcosystem, osvEcosystemOf('go')]).toEqual(['go', 'go', 'Go', 'Go']);
  });
});

describe('GOPROXY and path patterns', () => {
  it.each([
    [undefined, ['https://proxy.golang.org'], [], false],
    ['https://a.example/,direct', ['https://a.example'], ['direct'], false],
    ['https://a.example|https://b.example,off,https://c.example', ['https://a.example', 'https://b.example'], ['https://c.example'], false],
    ['off', [], [], true],
  ] as const)('GOPROXY=%s', (value, urls, ignored, off) => {
    const parsed = parseGoProxy(value);
    expect(parsed.proxies.map((p) => p.url)).toEqual(urls);
    expect(parsed.ignored).toEqual(ignored);
    expect(parsed.off).toBe(off);
  });

  it('a pipe lets any error fall through, a comma only 404/410', () => {
    expect(parseGoProxy('https://a.example|https://b.example').proxies.map((p) => p.fallBackOnError)).toEqual([true, false]);
    expect(() => parseGoProxy('file:///etc')).toThrow(/not supported/);
    expect(() => parseGoProxy('not a url')).toThrow(/not a URL/);
  });

  // golang.org/x/mod/module MatchPrefixPatterns cases.
  it.each([
    ['*/quote', 'rsc.io/quote', true],
    ['*/quo', 'rsc.io/quote', false],
    ['*/quo??', 'rsc.io/quote', true],
    ['*/quo*', 'rsc.io/quote', true],
    ['*quo*', 'rsc.io/quote', false],
    ['rsc.io', 'rsc.io/quote', true],
    ['*.io', 'rsc.io/quote', true],
    ['rsc.io/', 'rsc.io/quote', false],
    ['rsc', 'rsc.io/quote', false],
    ['rsc*', 'rsc.io/quote', true],
    ['rsc.io', 'rsc.io/quote/v3', true],
    ['*/quote', 'rsc.io/quote/v3', true],
    ['*/quote/*', 'rsc.io/quote/v3', true],
    ['*/v3', 'rsc.io/quote/v3', false],
    ['*/*/v3', 'rsc.io/quote/v3', true],
    ['*/*/*', 'rsc.io/quote/v3', true],
    ['*/*/*', 'rsc.io/quote', false],
    ['*/*/*,,', 'rsc.io/quote', false],
    ['*/*/*,,*/quote', 'rsc.io/quote', true],
    [',,*/quote', 'rsc.io/quote', true],
  ] as const)('%s matches %s: %s', (patterns, path, want) => expect(matchesPrefixPatterns(patterns, path)).toBe(want));

  it('case-encodes paths and finds source repositories', () => {
    expect(escapeModulePath('github.com/GoogleCloudPlatform/omega')).toBe('github.com/!google!cloud!platform/omega');
    expect(escapeModulePath('ascii.com/abcdefghijklmnopqrstuvwxyz.-+/~_0123456789')).toBe('ascii.com/abcdefghijklmnopqrstuvwxyz.-+/~_0123456789');
    expect(sourceUrlOf('golang.org/x/text')).toBe('https://github.com/golang/text');
    expect(sourceUrlOf('github.com/a/b/v2/sub')).toBe('https://github.com/a/b');
    expect(sourceUrlOf('example.com/x')).toBeUndefined();
  });
});
