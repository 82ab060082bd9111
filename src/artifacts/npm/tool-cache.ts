// A tool package a repository's `packageManager` names (yarn, pnpm), installed once per version into the tools cache by npm from the operator's registry.
import { access, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { npmOptionsFrom, secretsOf, toNpmrc } from '../../datasources/npm/config.js';
import { runTool } from '../child.js';
import { toolsDirOf, toolWorkDir } from '../tools-dir.js';
import type { ArtifactContext } from '../types.js';

const exists = (path: string) => access(path).then(() => true, () => false);
const installing = new Map<string, Promise<void>>();

/**
 * The folder of `name@version` (…/node_modules/<name>) in the tools cache, installed first when
 * missing; one install per version at a time. `entry` is a file a complete install has (`bin/yarn.js`).
 */
export async function cachedToolPackage(name: string, version: string, entry: string, ctx: ArtifactContext): Promise<string> {
  const toolsDir = toolsDirOf(ctx.settings);
  const dir = join(toolsDir, `${name.replace('/', '+')}@${version}`);
  const packageDir = join(dir, 'node_modules', name);
  if (await exists(join(packageDir, entry))) return packageDir;
  let pending = installing.get(dir);
  if (!pending) {
    pending = install(name, version, entry, toolsDir, dir, ctx).finally(() => installing.delete(dir));
    installing.set(dir, pending);
  }
  await pending;
  return packageDir;
}

/**
 * npm install from the operator's registry (FRESHEN_NPMRC; never a repository's settings), scripts
 * off and the address guard on, into a staging folder renamed into place only when complete and of
 * the asked version: a half-installed or wrong tool is never found by a later run.
 */
async function install(name: string, version: string, entry: string, toolsDir: string, dir: string, ctx: ArtifactContext): Promise<void> {
  await mkdir(toolsDir, { recursive: true });
  let staging: string | undefined;
  let temp: string | undefined;
  try {
    staging = await mkdtemp(join(toolsDir, '.installing-'));
    temp = await toolWorkDir(ctx.settings, 'tool-install-');
    const options = npmOptionsFrom({ appNpmrc: ctx.settings.FRESHEN_NPMRC?.replace(/\\n/g, '\n'), vars: { ...ctx.settings } });
    await writeFile(join(temp, 'npmrc'), toNpmrc(options), { mode: 0o600 });
    await writeFile(join(staging, 'package.json'), '{"private":true}\n');
    const spec = `${name}@${version}`;
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
      timeoutMs: ctx.timeoutMs ?? 300_000,
    });
    if (!result.ok) throw new Error(`installing ${spec} with npm failed: ${result.output}`);
    const installed = join(staging, 'node_modules', name);
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { version?: string };
    if (manifest.version !== version || !(await exists(join(installed, entry)))) {
      throw new Error(`npm installed ${name}@${manifest.version ?? '?'} without ${entry}, not ${spec}`);
    }
    // Another worker may have finished first: its copy is as good as this one.
    await rename(staging, dir).catch(async (err: NodeJS.ErrnoException) => {
      if (!(await exists(join(dir, 'node_modules', name, entry)))) throw err;
    });
  } finally {
    if (staging) await rm(staging, { recursive: true, force: true });
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}
