// Where ecosystem tools run and are kept: the worker user's own cache, never the shared temp directory.
import { mkdir, mkdtemp } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

type Settings = Readonly<Record<string, string | undefined>>;

const cacheHome = () => process.env.XDG_CACHE_HOME || join(homedir(), '.cache');

/**
 * Tool versions a repository's `packageManager` names, installed once: FRESHEN_TOOLS_DIR, else the
 * worker user's cache. Not under the shared temp directory: another local user could plant a
 * "yarn" there before Freshen installs it.
 */
export function toolsDirOf(settings: Settings): string {
  return settings.FRESHEN_TOOLS_DIR || join(cacheHome(), 'freshen', 'tools');
}

/**
 * A fresh private directory for one tool run: under FRESHEN_WORK_DIR, else the worker user's cache.
 * yarn, pnpm and npm look for config files (`.yarnrc`, `.npmrc`, `pnpm-workspace.yaml`) in every
 * parent folder of the project; under the shared temp directory another local user could plant one.
 */
export async function toolWorkDir(settings: Settings, prefix: string): Promise<string> {
  const base = settings.FRESHEN_WORK_DIR || join(cacheHome(), 'freshen', 'work');
  await mkdir(base, { recursive: true, mode: 0o700 });
  return mkdtemp(join(base, prefix));
}
