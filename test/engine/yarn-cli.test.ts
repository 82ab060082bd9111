// `freshen scan --write` on yarn projects (classic and Berry, a workspace each) against Verdaccio: package.json and yarn.lock change together, and yarn's own frozen install accepts them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/cli.js';
import { yarnLockfile } from '../../src/managers/yarn/index.js';
import { tempCheckout } from '../support/temp-dir.js';
import { publish, startVerdaccio, type VerdaccioInstance } from '../support/verdaccio.js';
import { devLockfile, frozenInstall } from '../support/yarn.js';

let verdaccio: VerdaccioInstance;
const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
type Flavour = 'classic' | 'berry';
const checkouts = {} as Record<Flavour, string>;

function cli(args: string[]) {
  return runCliCaptured(args, { PATH: process.env.PATH, FRESHEN_INSECURE_REGISTRIES: verdaccio.host, FRESHEN_NPMRC: `//${verdaccio.host}/:_authToken=${verdaccio.token}\n` });
}

function snapshot(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !join(e.parentPath, e.name).includes('.dev-home'));
  return Object.fromEntries(files.map((e) => [join(e.parentPath, e.name).slice(dir.length + 1), readFileSync(join(e.parentPath, e.name), 'utf8')]).sort());
}

/** A workspace repository as its developers committed it: root and one member, registry settings without a token, yarn.lock from their yarn. */
async function checkout(flavour: Flavour): Promise<string> {
  const berry = flavour === 'berry';
  const files: Record<string, string> = {
    'package.json': json({ name: 'mono', private: true, workspaces: ['packages/*'], ...(berry ? { packageManager: 'yarn@4.18.1' } : {}), dependencies: { '@private/cli-secret': '^1.0.0' } }),
    'packages/web/package.json': json({ name: 'web', version: '1.0.0', dependencies: { 'cli-lib': '^1.0.0' } }),
    ...(berry ? { '.yarnrc.yml': `npmRegistryServer: "${verdaccio.url}"\nunsafeHttpWhitelist:\n  - 127.0.0.1\n` } : { '.npmrc': `registry=${verdaccio.url}/\n` }),
  };
  const dir = tempCheckout(`freshen-yarn-cli-${flavour}-`, files);
  await devLockfile(berry, dir, verdaccio);
  return dir;
}

beforeAll(async () => {
  verdaccio = await startVerdaccio();
  await publish(verdaccio, 'cli-lib', '1.0.0');
  await publish(verdaccio, '@private/cli-secret', '1.0.0');
  checkouts.classic = await checkout('classic');
  checkouts.berry = await checkout('berry');
  await publish(verdaccio, 'cli-lib', '1.1.0');
  await publish(verdaccio, 'cli-lib', '2.0.0');
  await publish(verdaccio, '@private/cli-secret', '1.2.0');
}, 120_000);

afterAll(async () => {
  await verdaccio?.stop();
});

describe.each(['classic', 'berry'] as const)('freshen scan --write on a yarn %s workspace', (flavour) => {
  it('proposes from the locked versions, writes package.json and yarn.lock together, and the frozen install accepts them', async () => {
    const dir = checkouts[flavour];
    const before = snapshot(dir);
    const locked = (text: string, key: string, range: string) => yarnLockfile.lockedVersion(text, 'yarn.lock', 'package.json', key, range);
    expect(locked(before['yarn.lock']!, 'cli-lib', '^1.0.0')).toBe('1.0.0');

    const scanned = await cli(['scan', dir, '--json']);
    expect(scanned.json.errors).toEqual([]);
    expect(scanned.json.updates.map((u: { file: string; depName: string; from: string; to: string }) => [u.file, u.depName, u.from, u.to]).sort()).toEqual([
      ['package.json', '@private/cli-secret', '1.0.0', '1.2.0'],
      ['packages/web/package.json', 'cli-lib', '1.0.0', '1.1.0'],
      ['packages/web/package.json', 'cli-lib', '1.0.0', '^2.0.0'],
    ]);

    const written = await cli(['scan', dir, '--write']);
    expect(written.err).toBe('');
    expect(written.code).toBe(0);
    const after = snapshot(dir);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    // The in-range update touches only the lockfile; the major bumps the member's range.
    expect(after['package.json']).toBe(before['package.json']);
    expect(after['packages/web/package.json']).toBe(before['packages/web/package.json']!.replace('^1.0.0', '^2.0.0'));
    expect(locked(after['yarn.lock']!, '@private/cli-secret', '^1.0.0')).toBe('1.2.0');
    expect(locked(after['yarn.lock']!, 'cli-lib', '^2.0.0')).toBe('2.0.0');
    expect(after['yarn.lock']).not.toContain(verdaccio.token);

    const frozen = await frozenInstall(flavour === 'berry', dir, verdaccio);
    expect(frozen.ok, frozen.output).toBe(true);
  }, 180_000);
});
