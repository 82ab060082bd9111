// The npm child process: its own environment, a PATH holding only node and a refusing git, and the address guard.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, symlink, writeFile } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { NPM_CHILD_GUARD } from '../node-guard.js';

export interface NpmChildOptions {
  /** Hosts (host or host:port) npm may reach at private addresses: FRESHEN_INSECURE_REGISTRIES. */
  insecureRegistries?: readonly string[];
  /** The npm executable (default `npm` on the worker's PATH). */
  npmCommand?: string;
}

export interface NpmChild {
  /** The npm executable, by absolute path (the child's PATH does not hold it). */
  command: string;
  env: NodeJS.ProcessEnv;
}

// git reaches hosts through its own sockets, which the guard cannot see: npm is never given one.
const REFUSING_GIT = `#!/bin/sh
echo "freshen: git is not run for a repository's dependencies" >&2
exit 128
`;

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(() => true, () => false);
}

/** `npm` as the worker's PATH finds it, so the child can run with a PATH of its own. */
export async function findNpm(command = 'npm', path = process.env.PATH ?? ''): Promise<string> {
  if (isAbsolute(command)) return command;
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    if (await executable(candidate)) return candidate;
  }
  throw new Error(`${command} was not found on PATH; lockfiles cannot be regenerated`);
}

/**
 * Prepares `dir` (a private temp directory) for npm runs. Nothing of the worker's environment is
 * passed on: no npm_config_* but these, no NODE_OPTIONS but the guard, no proxy variables.
 */
export async function prepareNpmChild(dir: string, options: NpmChildOptions = {}): Promise<NpmChild> {
  const command = await findNpm(options.npmCommand);
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  // npm starts with `#!/usr/bin/env node`: this is the only node it finds, and the only other program.
  await symlink(process.execPath, join(bin, 'node'));
  await writeFile(join(bin, 'git'), REFUSING_GIT, { mode: 0o755 });
  const guard = join(dir, 'guard.cjs');
  await writeFile(guard, NPM_CHILD_GUARD);
  const env: NodeJS.ProcessEnv = {
    PATH: bin,
    // A repository's .npmrc, lockfile or package.json names the hosts npm contacts: guard them.
    NODE_OPTIONS: `--require ${guard}`,
    FRESHEN_GUARD_ALLOWED: (options.insecureRegistries ?? []).join(','),
    HOME: dir,
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
  return { command, env };
}

export function runNpm(child: NpmChild, args: string[], cwd: string, timeoutMs: number): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(child.command, args, { cwd, env: child.env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ ok: !err, output: `${stderr}\n${stdout}`.trim() || (err?.message ?? '') });
    });
  });
}
