// Which pnpm runs: the bundled one, or the version `packageManager` names, installed once from the operator's npm registry into a tools cache.
import { cachedToolPackage } from '../npm/tool-cache.js';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ArtifactContext } from '../types.js';

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

/** The pnpm to run for a project whose root package.json has this `packageManager`: the bundled one, or that version from the tools cache (installed once from the operator's registry, never the repository's). */
export async function pnpmFor(packageManager: string | undefined, ctx: ArtifactContext): Promise<PnpmProgram> {
  const bundled = await bundledPnpm();
  const version = requestedPnpm(packageManager);
  if (version === undefined || version === bundled.version) return bundled;
  return programIn(join(await cachedToolPackage('pnpm', version, 'package.json', ctx), 'package.json'));
}
