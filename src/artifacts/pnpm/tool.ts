// Which pnpm runs: the bundled one, or the version `packageManager` names, installed once from the operator's npm registry into a tools cache.
import { toolsDirOf } from '../tools-dir.js';
import { createRequire } from 'node:module';
import { access, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { npmOptionsFrom, secretsOf, toNpmrc } from '../../datasources/npm/config.js';
import type { ArtifactContext } from '../types.js';
import { runTool } from '../child.js';

export interface PnpmProgram {
  /** pnpm's entry script, run with node. */
  script: string;
  version: string;
}

const EXACT_VERSION = /^(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:\+[\w.=/+-]*)?$/;

async function programIn(packageJson: string): Promise<PnpmProgram> {
  const manifest = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string; bin: Record<string, string> };
  return { script: join(dirname(packageJson), manifest.bin.pnpm!), version: manifest.version };
}

/** The pnpm Freshen ships with (a dependency of Freshen itself). */
export function bundledPnpm(): Promise<PnpmProgram> {
  return programIn(createRequire(import.meta.url).resolve('pnpm'));
}

/**
 * The pnpm version `packageManager` asks for (`pnpm@9.12.0+sha512...`), undefined when it names
 * none or another tool; an Error when it names pnpm by anything but an exact version.
 */
export function requestedPnpm(packageManager: string | undefined): string | undefined {
  if (!packageManager?.startsWith('pnpm@')) return undefined;
  const version = EXACT_VERSION.exec(packageManager.slice('pnpm@'.length))?.[1];
  if (!version) throw new Error(`packageManager "${packageManager.slice(0, 80)}" does not name an exact pnpm version`);
  return version;
}

const installing = new Map<string, Promise<PnpmProgram>>();

const exists = (path: string) => access(path).then(() => true, () => false);

/** pnpm@version under the tools cache, installed by npm from the operator's registry (FRESHEN_NPMRC), never the repository's. */
async function cachedPnpm(version: string, ctx: ArtifactContext): Promise<PnpmProgram> {
  const cache = toolsDirOf(ctx.settings);
  const target = join(cache, `pnpm-${version}`);
  const manifest = join(target, 'node_modules', 'pnpm', 'package.json');
  if (await exists(manifest)) return programIn(manifest);
  await mkdir(cache, { recursive: true });
  const staging = await mkdtemp(join(cache, `.pnpm-${version}-`));
  try {
    const options = npmOptionsFrom({ appNpmrc: ctx.settings.FRESHEN_NPMRC?.replace(/\\n/g, '\n'), vars: { ...ctx.settings } });
    await writeFile(join(staging, '.npmrc'), toNpmrc(options), { mode: 0o600 });
    await writeFile(join(staging, 'package.json'), '{"private":true}\n');
    const result = await runTool({
      command: 'npm',
      args: ['install', `pnpm@${version}`, '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--userconfig', join(staging, '.npmrc')],
      cwd: staging,
      tempDir: join(staging, '.home'),
      env: { npm_config_cache: join(staging, '.home', 'cache'), npm_config_update_notifier: 'false', npm_config_globalconfig: join(staging, '.home', 'globalrc') },
      programs: ['node'],
      nodeGuard: { allowedHosts: ctx.insecureRegistries },
      timeoutMs: ctx.timeoutMs ?? 300_000,
      secrets: secretsOf(options),
    });
    if (!result.ok) throw new Error(`installing pnpm ${version} with npm failed: ${result.output}`);
    await rm(join(staging, '.home'), { recursive: true, force: true });
    await rm(join(staging, '.npmrc'), { force: true });
    // Another worker may have finished first: its copy is as good as this one.
    await rename(staging, target).catch(async (err: NodeJS.ErrnoException) => {
      if (!(await exists(manifest))) throw err;
    });
    const program = await programIn(manifest);
    if (program.version !== version) throw new Error(`npm installed pnpm ${program.version}, not ${version}`);
    return program;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The pnpm to run for a project whose root package.json has this `packageManager`. */
export async function pnpmFor(packageManager: string | undefined, ctx: ArtifactContext): Promise<PnpmProgram> {
  const bundled = await bundledPnpm();
  const version = requestedPnpm(packageManager);
  if (version === undefined || version === bundled.version) return bundled;
  let pending = installing.get(version);
  if (!pending) {
    pending = cachedPnpm(version, ctx).finally(() => installing.delete(version));
    installing.set(version, pending);
  }
  return pending;
}
