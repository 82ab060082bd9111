// Which yarn runs a project: the version its packageManager names, from npm packages (bundled, or installed once into the tools cache), never corepack.
import { toolsDirOf, toolWorkDir } from '../tools-dir.js';
import { createRequire } from 'node:module';
import { access, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { npmOptionsFrom, secretsOf, toNpmrc } from '../../datasources/npm/config.js';
import type { YarnFlavour } from '../../managers/yarn/index.js';
import { runTool } from '../child.js';
import type { ArtifactContext } from '../types.js';

export interface YarnTool {
  version: string;
  /** yarn 2 and later: Berry's settings (.yarnrc.yml) and commands. */
  berry: boolean;
  /** The npm package carrying it: `yarn` for 1.x, `@yarnpkg/cli-dist` for 2+. */
  packageName: 'yarn' | '@yarnpkg/cli-dist';
}

const PACKAGE_MANAGER = /^yarn@(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[\w.=:-]+)?$/;
const require = createRequire(import.meta.url);

const packageOf = (berry: boolean): YarnTool['packageName'] => (berry ? '@yarnpkg/cli-dist' : 'yarn');

function bundledVersion(packageName: YarnTool['packageName']): string {
  return (require(`${packageName}/package.json`) as { version: string }).version;
}

/**
 * The yarn a project asks for: `packageManager: yarn@x.y.z` (a corepack hash suffix is allowed and
 * not checked: the package comes from the operator's registry), else the bundled yarn of the
 * lockfile's flavour. A packageManager and lockfile of different flavours is an error: one
 * would rewrite the whole lockfile in the other's format.
 */
export function yarnFor(packageManager: string | undefined, flavour: YarnFlavour): YarnTool | string {
  if (packageManager === undefined || !packageManager.startsWith('yarn@')) {
    const berry = flavour === 'berry';
    return { version: bundledVersion(packageOf(berry)), berry, packageName: packageOf(berry) };
  }
  const match = PACKAGE_MANAGER.exec(packageManager);
  if (!match) return `packageManager "${packageManager.slice(0, 80)}" is not yarn@<version>`;
  const berry = Number(match[1]) >= 2;
  if (berry !== (flavour === 'berry')) {
    return `packageManager names yarn ${match[1]}.x but yarn.lock is ${flavour === 'berry' ? "Berry's" : 'a classic (v1)'} lockfile; run that yarn's install once to convert it`;
  }
  return { version: `${match[1]}.${match[2]}.${match[3]}${match[4] ?? ''}`, berry, packageName: packageOf(berry) };
}

/** Berry settings by the release that introduced them: an older Berry refuses a setting it does not know. */
export function knowsSetting(tool: YarnTool, since: [number, number]): boolean {
  const [major, minor] = tool.version.split('.').map(Number) as [number, number];
  return major > since[0] || (major === since[0] && minor >= since[1]);
}

const exists = (path: string) => access(path).then(() => true, () => false);
const installing = new Map<string, Promise<void>>();

/** The yarn entry script (bin/yarn.js) to run with node: the bundled one, or this version from the tools cache. */
export async function yarnEntry(tool: YarnTool, ctx: ArtifactContext): Promise<string> {
  if (tool.version === bundledVersion(tool.packageName)) return require.resolve(`${tool.packageName}/bin/yarn.js`);
  const toolsDir = toolsDirOf(ctx.settings);
  const dir = join(toolsDir, `${tool.packageName.replace('/', '+')}@${tool.version}`);
  const entry = join(dir, 'node_modules', tool.packageName, 'bin', 'yarn.js');
  if (await exists(entry)) return entry;
  let pending = installing.get(dir);
  if (!pending) {
    pending = install(tool, toolsDir, dir, ctx).finally(() => installing.delete(dir));
    installing.set(dir, pending);
  }
  await pending;
  return entry;
}

/**
 * Installs `packageName@version` with npm from the operator's registry (FRESHEN_NPMRC; never a
 * repository's settings), scripts off and the address guard on, into a staging folder that is
 * renamed into place only when complete: a half-installed tool is never found by a later run.
 */
async function install(tool: YarnTool, toolsDir: string, dir: string, ctx: ArtifactContext): Promise<void> {
  await mkdir(toolsDir, { recursive: true });
  const staging = await mkdtemp(join(toolsDir, '.installing-'));
  const temp = await toolWorkDir(ctx.settings, 'yarn-install-');
  try {
    const options = npmOptionsFrom({ appNpmrc: ctx.settings.FRESHEN_NPMRC, vars: ctx.settings });
    await writeFile(join(temp, 'npmrc'), toNpmrc(options), { mode: 0o600 });
    await writeFile(join(staging, 'package.json'), '{"private":true}\n');
    const spec = `${tool.packageName}@${tool.version}`;
    const result = await runTool({
      command: 'npm',
      args: ['install', spec, '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--no-save'],
      cwd: staging,
      tempDir: temp,
      programs: ['node'],
      nodeGuard: { allowedHosts: ctx.insecureRegistries },
      env: {
        npm_config_userconfig: join(temp, 'npmrc'),
        npm_config_globalconfig: join(temp, 'global-npmrc'),
        npm_config_cache: join(temp, 'cache'),
        npm_config_update_notifier: 'false',
        npm_config_loglevel: 'error',
        npm_config_fetch_retries: '1',
      },
      secrets: secretsOf(options),
      timeoutMs: ctx.timeoutMs,
    });
    if (!result.ok) throw new Error(`installing ${spec} with npm failed: ${result.output}`);
    const installed = join(staging, 'node_modules', tool.packageName);
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { version?: string };
    if (manifest.version !== tool.version || !(await exists(join(installed, 'bin', 'yarn.js')))) {
      throw new Error(`npm installed ${tool.packageName}@${manifest.version ?? '?'} without bin/yarn.js, not ${spec}`);
    }
    // Another worker may have finished first: its copy is as good as ours.
    await rename(staging, dir).catch(async (err: NodeJS.ErrnoException) => {
      if (!(await exists(join(dir, 'node_modules', tool.packageName, 'bin', 'yarn.js')))) throw err;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(temp, { recursive: true, force: true });
  }
}
