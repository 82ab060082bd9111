// A hostile repository against the Go child and lookups: its go.mod, go.work and env-like files as an attacker with push access writes them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goSumUpdater } from '../../src/artifacts/gomod/index.js';
import type { ArtifactContext } from '../../src/artifacts/types.js';
import { createGoDatasource } from '../../src/datasources/go/index.js';
import type { PlannedUpdate } from '../../src/engine/types.js';
import { createHttpClient } from '../../src/http/index.js';
import { goModManager } from '../../src/managers/gomod/index.js';
import { silentLogger } from '../../src/types.js';
import { startGoProxy, type GoProxyServer } from '../support/go-proxy.js';
import { goTestSettings } from '../support/go-tool.js';
import { tempDir } from '../support/temp-dir.js';

let proxy: GoProxyServer;
/** Where the attacker would like the go command to go: it must never hear from it. */
let attacker: GoProxyServer;
const marker = join(tempDir('freshen-gomod-marker-'), 'generated');

const goMod = (extra = '') => `module example.com/app\n\ngo 1.19\n\nrequire example.com/greet v1.0.0\n${extra}`;
const mainGo = 'package main\n\nimport "example.com/greet"\n\nfunc main() { println(greet.Version()) }\n';

beforeAll(async () => {
  const modules = [{ path: 'example.com/greet', versions: [{ version: 'v1.0.0' }, { version: 'v1.1.0' }] }];
  proxy = await startGoProxy(modules);
  attacker = await startGoProxy(modules);
});

afterAll(async () => {
  await proxy?.close();
  await attacker?.close();
});

function context(files: Map<string, string>, overrides: Partial<ArtifactContext> = {}): ArtifactContext {
  return {
    readFile: async (path) => files.get(path),
    listFiles: async () => [...files.keys()],
    settings: goTestSettings(proxy.url),
    // The attacker's host is even allowed by the policy: only Freshen's own choice of proxy keeps it out.
    insecureRegistries: [proxy.host, attacker.host],
    log: silentLogger,
    ...overrides,
  };
}

function greetUpdate(files: Map<string, string>): PlannedUpdate {
  const text = files.get('go.mod')!;
  const deps = goModManager.extract(text, 'go.mod').deps;
  const depIndex = deps.findIndex((d) => d.depName === 'example.com/greet');
  const dep = deps[depIndex]!;
  files.set('go.mod', goModManager.update(text, dep, { newValue: 'v1.1.0', newDigest: null }));
  const artifact = goModManager.language!.artifact!(dep, { version: 'v1.0.0', locked: true }, { version: 'v1.1.0' }, files)!;
  return { manager: 'gomod', file: 'go.mod', line: dep.line, depName: dep.depName, from: 'v1.0.0', to: 'v1.1.0', updateType: 'minor', newValue: 'v1.1.0', newDigest: null, depIndex, extra: { artifact } };
}

describe('hostile go.mod against the go child', () => {
  it.each([
    ['../../etc', 7],
    ['/etc', 7],
    ['./inside/../../outside', 7],
    ['C:\\Windows', 7],
  ])('replace => %s is refused at its go.mod line and the tool never runs', async (target, line) => {
    const files = new Map([['go.mod', goMod(`\nreplace example.com/evil => ${target}\n`)], ['main.go', mainGo]]);
    const before = proxy.requests.length;
    const outcome = await goSumUpdater.regenerate('go.sum', [greetUpdate(files)], files, context(files));
    expect(outcome.files).toBeUndefined();
    expect(outcome.error).toMatchObject({ file: 'go.mod', line });
    expect(outcome.error!.message).toMatch(/a local path outside the module is not copied/);
    expect(proxy.requests.length).toBe(before);
  });

  it('GOPROXY-like values in the repository (go.work, go.env, .envrc, comments) are never used; go:generate never runs', async () => {
    const files = new Map([
      ['go.mod', goMod(`// GOPROXY=${attacker.url}\n`)],
      ['main.go', `${mainGo}\n//go:generate touch ${marker}\n`],
      ['go.work', `go 1.19\n\nuse .\n\nreplace example.com/greet => ${attacker.url}/greet v1.1.0\n`],
      ['go.env', `GOPROXY=${attacker.url}\nGOFLAGS=-mod=vendor\n`],
      ['.envrc', `export GOPROXY=${attacker.url}\nexport GONOSUMDB=*\n`],
      ['vendor/modules.txt', '# example.com/greet v1.1.0\n## explicit\nexample.com/greet\n'],
    ]);
    const outcome = await goSumUpdater.regenerate('go.sum', [greetUpdate(files)], files, context(files));
    expect(outcome.error).toBeUndefined();
    expect(outcome.files!.get('go.sum')).toContain('example.com/greet v1.1.0 h1:');
    expect(attacker.requests).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  }, 240_000);

  it('a proxy host the policy refuses is never handed to the child: located error, tool not run', async () => {
    const files = new Map([['go.mod', goMod()], ['main.go', mainGo]]);
    const before = proxy.requests.length;
    const outcome = await goSumUpdater.regenerate('go.sum', [greetUpdate(files)], files, context(files, { insecureRegistries: [] }));
    expect(outcome.files).toBeUndefined();
    expect(outcome.error).toMatchObject({ file: 'go.sum' });
    expect(outcome.error!.message).toContain(`go is not run: 127.0.0.1`);
    expect(proxy.requests.length).toBe(before);
  });

  it('a checksum database on a refused host is not handed to the child either', async () => {
    const files = new Map([['go.mod', goMod()], ['main.go', mainGo]]);
    const settings = { GOPROXY: proxy.url, GOSUMDB: `sum.example+key ${attacker.url}` };
    const outcome = await goSumUpdater.regenerate('go.sum', [greetUpdate(files)], files, context(files, { settings, insecureRegistries: [proxy.host] }));
    expect(outcome.error?.message).toMatch(/go is not run: 127\.0\.0\.1/);
    expect(attacker.requests).toEqual([]);
  });

  it('a module the operator keeps private (GOPRIVATE) is never fetched directly by the child: required ones refused at their line, imported ones only through the checked proxy', async () => {
    const settings = { ...goTestSettings(proxy.url), GOPRIVATE: '*.corp.example' };
    const required = new Map([['go.mod', goMod('require git.corp.example/admin/reset v1.0.0\n')], ['main.go', mainGo]]);
    const before = proxy.requests.length;
    const refused = await goSumUpdater.regenerate('go.sum', [greetUpdate(required)], required, context(required, { settings }));
    expect(refused.files).toBeUndefined();
    expect(refused.error).toMatchObject({ file: 'go.mod', line: 6, message: expect.stringContaining('GOPRIVATE') });
    expect(proxy.requests.length).toBe(before);

    // An import go mod tidy looks up by itself: the child asks the checked proxy, never https://internal.corp.example/ directly.
    const imported = new Map([['go.mod', goMod()], ['main.go', mainGo], ['x.go', 'package main\n\nimport _ "internal.corp.example/secret"\n']]);
    const outcome = await goSumUpdater.regenerate('go.sum', [greetUpdate(imported)], imported, context(imported, { settings }));
    expect(outcome.files).toBeUndefined();
    expect(proxy.requests.some((r) => r.includes('internal.corp.example/secret'))).toBe(true);
  }, 120_000);

  it('GOPROXY=direct or off in the settings means no child run at all', async () => {
    for (const GOPROXY of ['direct', 'off']) {
      const files = new Map([['go.mod', goMod()], ['main.go', mainGo]]);
      const outcome = await goSumUpdater.regenerate('go.sum', [greetUpdate(files)], files, context(files, { settings: { GOPROXY, GOSUMDB: 'off' } }));
      expect(outcome.error?.message).toMatch(GOPROXY === 'off' ? /GOPROXY setting is off/ : /direct never is/);
    }
  });

  it('a module with thousands of Go files is refused before anything is read or run', async () => {
    const files = new Map([['go.mod', goMod()], ['main.go', mainGo]]);
    let reads = 0;
    const listing = [...files.keys(), ...Array.from({ length: 6_000 }, (_, i) => `pkg/f${i}.go`)];
    const update = greetUpdate(files);
    const outcome = await goSumUpdater.regenerate('go.sum', [update], files, context(files, { listFiles: async () => listing, readFile: async (p) => (reads++, files.get(p)) }));
    expect(outcome.error?.message).toMatch(/more than 5000 Go files/);
    expect(reads).toBeLessThanOrEqual(1);
  });
});

describe('hostile lookups', () => {
  it('registry URLs handed to a lookup never replace the app\'s GOPROXY', async () => {
    const http = createHttpClient({ insecureHosts: [proxy.host, attacker.host], retries: 0 });
    try {
      const datasource = createGoDatasource({ http, settings: { GOPROXY: proxy.url } });
      const list = await datasource.getReleases('example.com/greet', { registryUrls: [attacker.url], configFile: { path: '.envrc', text: `GOPROXY=${attacker.url}` } });
      expect(list.releases.map((r) => r.version)).toContain('v1.1.0');
      expect(attacker.requests).toEqual([]);
    } finally {
      await http.close();
    }
  });
});

describe('a module published to cost a lookup quadratic time', () => {
  it('many versions and a go.mod of hundreds of thousands of retractions: looked up in linear time', async () => {
    const versions = Array.from({ length: 5_000 }, (_, i) => ({ version: `v1.0.${i}` }));
    const retractions = Array.from({ length: 400_000 }, (_, i) => `retract v0.${i}.0\n`).join('');
    versions.push({ version: 'v1.1.0', goMod: `module example.com/retracts\n\ngo 1.19\n\n${retractions}retract v1.0.3\n` } as (typeof versions)[number]);
    const server = await startGoProxy([{ path: 'example.com/retracts', versions }]);
    const http = createHttpClient({ insecureHosts: [server.host], retries: 0 });
    try {
      const started = Date.now();
      const list = await createGoDatasource({ http, settings: { GOPROXY: server.url } }).getReleases('example.com/retracts');
      expect(list.releases).toHaveLength(5_001);
      expect(list.releases.find((r) => r.version === 'v1.0.4')?.yanked).toBeFalsy();
      expect(list.releases.find((r) => r.version === 'v1.0.3')?.yanked).toBe(true);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await http.close();
      await server.close();
    }
  }, 120_000);
});

describe('a go.mod of millions of broken lines', () => {
  it('is read in linear time with a bounded number of errors', () => {
    const started = Date.now();
    const read = goModManager.extract(`module example.com/app\n${'"\n'.repeat(4_000_000)}`, 'go.mod');
    expect(read.errors.length).toBeLessThanOrEqual(101);
    expect(read.errors.at(-1)).toMatchObject({ file: 'go.mod', message: expect.stringContaining('the rest is not read') });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
