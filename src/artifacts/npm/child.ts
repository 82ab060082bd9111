// The npm child process, through the shared runner: npm's own settings only, a PATH with node and a refusing git, and the address guard.
import { join } from 'node:path';
import { findProgram, runTool, type ToolResult } from '../child.js';

export interface NpmChildOptions {
  /** Hosts (host or host:port) npm may reach at private addresses: FRESHEN_INSECURE_REGISTRIES. */
  insecureRegistries?: readonly string[];
  /** The npm executable (default `npm` on the worker's PATH). */
  npmCommand?: string;
}

export interface NpmChild {
  /** The npm executable, by absolute path (the child's PATH does not hold it). */
  command: string;
  /** The private temporary directory the child lives in (HOME, caches, its bin). */
  dir: string;
  /** npm's settings, the only variables it gets besides PATH, HOME and the guard. */
  env: Record<string, string>;
  allowedHosts: readonly string[];
}

/** `npm` as the worker's PATH finds it, so the child can run with a PATH of its own. */
export function findNpm(command = 'npm', path = process.env.PATH ?? ''): Promise<string> {
  return findProgram(command, path);
}

/**
 * Prepares `dir` (a private temp directory) for npm runs. Nothing of the worker's environment is
 * passed on: no npm_config_* but these, no NODE_OPTIONS but the guard, no proxy variables.
 */
export async function prepareNpmChild(dir: string, options: NpmChildOptions = {}): Promise<NpmChild> {
  const command = await findNpm(options.npmCommand);
  const bin = join(dir, 'bin');
  const env: Record<string, string> = {
    npm_config_userconfig: join(dir, 'user-npmrc'),
    npm_config_globalconfig: join(dir, 'global-npmrc'),
    npm_config_cache: join(dir, 'cache'),
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'error',
    npm_config_git: join(bin, 'git'),
    // An npm that knows these settings refuses git and outside paths itself; an older one meets the refusing git.
    npm_config_allow_git: 'none',
    npm_config_allow_file: 'root',
    npm_config_allow_directory: 'root',
    // One quick retry: enough for a hiccup, and a refused host fails in seconds, not minutes.
    npm_config_fetch_retries: '1',
    npm_config_fetch_retry_mintimeout: '1000',
    npm_config_fetch_retry_maxtimeout: '3000',
  };
  return { command, dir, env, allowedHosts: options.insecureRegistries ?? [] };
}

/** npm starts with `#!/usr/bin/env node`: the node on its PATH is the only one, and the only other program. */
export function runNpm(child: NpmChild, args: string[], cwd: string, timeoutMs: number): Promise<ToolResult> {
  return runTool({
    command: child.command, args, cwd, tempDir: child.dir, env: child.env,
    programs: ['node'], nodeGuard: { allowedHosts: child.allowedHosts }, timeoutMs,
  });
}
