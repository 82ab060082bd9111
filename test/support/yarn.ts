// Real yarn (classic and Berry, the bundled npm packages) run as a developer would: to make a project's lockfile, and to check one with a frozen install.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { VerdaccioInstance } from './verdaccio.js';

const require = createRequire(import.meta.url);
export const YARN_CLASSIC = require.resolve('yarn/bin/yarn.js');
export const YARN_BERRY = require.resolve('@yarnpkg/cli-dist/bin/yarn.js');

export interface YarnRun {
  ok: boolean;
  output: string;
}

/**
 * Runs yarn in `dir` as a developer with their own token: classic reads it from a home .npmrc,
 * Berry from a home .yarnrc.yml (http allowed for Verdaccio, no age gate, scripts off).
 */
export function devYarn(berry: boolean, args: string[], dir: string, verdaccio: VerdaccioInstance): Promise<YarnRun> {
  const home = join(dir, '.dev-home');
  mkdirSync(home, { recursive: true });
  if (berry) {
    writeFileSync(join(home, '.yarnrc.yml'), [
      `npmRegistryServer: "${verdaccio.url}"`,
      `unsafeHttpWhitelist: ["127.0.0.1"]`,
      'enableScripts: false',
      'enableTelemetry: false',
      'npmMinimalAgeGate: 0',
      `cacheFolder: "${join(home, 'cache')}"`,
      'enableGlobalCache: false',
      'npmRegistries:',
      `  "//${verdaccio.host}":`,
      `    npmAuthToken: "${verdaccio.token}"`,
    ].join('\n') + '\n');
  } else {
    writeFileSync(join(home, '.npmrc'), `registry=${verdaccio.url}/\n//${verdaccio.host}/:_authToken=${verdaccio.token}\n`);
  }
  const env = { PATH: process.env.PATH ?? '', HOME: home, YARN_CACHE_FOLDER: join(home, 'classic-cache') };
  return new Promise((resolve) => {
    execFile(process.execPath, [berry ? YARN_BERRY : YARN_CLASSIC, ...args], { cwd: dir, env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ ok: !err, output: `${stderr}\n${stdout}`.trim() });
    });
  });
}

/** `yarn install` with the lockfile frozen: the check a CI makes on a Freshen PR. */
export function frozenInstall(berry: boolean, dir: string, verdaccio: VerdaccioInstance): Promise<YarnRun> {
  return devYarn(berry, berry ? ['install', '--immutable'] : ['install', '--frozen-lockfile', '--ignore-scripts', '--non-interactive'], dir, verdaccio);
}

/** A lockfile made by the developer's yarn for these files. */
export async function devLockfile(berry: boolean, dir: string, verdaccio: VerdaccioInstance): Promise<string> {
  const run = await devYarn(berry, berry ? ['install', '--mode=update-lockfile'] : ['install', '--ignore-scripts', '--non-interactive'], dir, verdaccio);
  if (!run.ok) throw new Error(`yarn install failed: ${run.output}`);
  return readFileSync(join(dir, 'yarn.lock'), 'utf8');
}
