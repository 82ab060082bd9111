// Where tool versions a repository's `packageManager` names are installed once: FRESHEN_TOOLS_DIR, else the worker user's own cache.
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Not under the shared temp directory: another local user could plant a "yarn" there before
 * Freshen installs it, and Freshen would run it.
 */
export function toolsDirOf(settings: Readonly<Record<string, string | undefined>>): string {
  return settings.FRESHEN_TOOLS_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'freshen', 'tools');
}
