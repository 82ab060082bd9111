// Regenerates package-lock.json with real npm in a temporary copy (scripts never run); all or nothing per lockfile.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { npmOptionsFrom, redactSecrets, secretsOf, toNpmrc } from '../../datasources/npm/index.js';
import type { LocatedError } from '../../types.js';
import type { PlannedUpdate } from '../types.js';
import { NPM_CHILD_GUARD } from './npm-child-guard.js';
import type { NpmUpdateFacts } from './npm.js';

export interface NpmLockfileOptions {
  readFile(path: string): Promise<string | undefined>;
  appNpmrc?: string;
  vars?: Record<string, string | undefined>;
  /** Hosts (host or host:port) npm may reach at private addresses: FRESHEN_INSECURE_REGISTRIES. */
  insecureRegistries?: readonly string[];
  /** The npm executable (default `npm` on PATH). */
  npmCommand?: string;
  timeoutMs?: number;
}

export interface LockfileOutcome {
  lockFile: string;
  /** The new lockfile text, or undefined when npm failed (then `error` says why). */
  text?: string;
  error?: LocatedError;
}

export function npmFactsOf(update: PlannedUpdate): NpmUpdateFacts | undefined {
  return update.manager === 'npm' ? (update.extra?.npm as NpmUpdateFacts | undefined) : undefined;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ ok: !err, output: `${stderr}\n${stdout}`.trim() || (err?.message ?? '') });
    });
  });
}

/** npm's complaint, short: the `npm error` lines (else the tail), secrets and temp paths removed. */
export function trimNpmError(output: string, secrets: readonly string[], tempDir: string): string {
  const errorLines = output.split('\n').filter((l) => l.startsWith('npm error') || l.startsWith('npm ERR!'));
  const relevant = errorLines.filter((l) => !/complete log of this run|A complete log|\.npm\/_logs/.test(l));
  const text = (relevant.length ? relevant.join('\n') : output).split(tempDir).join('.').slice(-1500);
  return redactSecrets(text, secrets).trim();
}

/**
 * Runs npm for one lockfile's updates. `files` holds the already rewritten package.json texts;
 * unchanged ones are read with `readFile`. Returns the new lockfile or a located error.
 */
export async function regenerateLockfile(updates: PlannedUpdate[], files: ReadonlyMap<string, string>, options: NpmLockfileOptions): Promise<LockfileOutcome> {
  const facts = npmFactsOf(updates[0]!)!;
  const { project } = facts;
  const lockFile = project.lockFile!;
  const fail = (message: string): LockfileOutcome => ({ lockFile, error: { file: lockFile, message } });
  const repoNpmrc = project.npmrc ? await options.readFile(project.npmrc) : undefined;
  const npmOptions = npmOptionsFrom({ repoNpmrc, appNpmrc: options.appNpmrc, vars: options.vars });
  const secrets = secretsOf(npmOptions);
  const dir = await mkdtemp(join(tmpdir(), 'freshen-npm-'));
  try {
    const rel = (path: string) => path.slice(project.root ? project.root.length + 1 : 0);
    for (const path of [...project.packageFiles, lockFile]) {
      const text = files.get(path) ?? (await options.readFile(path));
      if (text === undefined) return fail(`${path}: could not be read for the lockfile update`);
      await mkdir(dirname(join(dir, 'project', rel(path))), { recursive: true });
      await writeFile(join(dir, 'project', rel(path)), text);
    }
    // The repository's registry settings (and the app's credentials) live only in this temp dir.
    await writeFile(join(dir, 'project', '.npmrc'), toNpmrc(npmOptions), { mode: 0o600 });
    const guard = join(dir, 'guard.cjs');
    await writeFile(guard, NPM_CHILD_GUARD);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      // A repository's .npmrc, lockfile or package.json names the hosts npm contacts: guard them.
      NODE_OPTIONS: `--require ${guard}`,
      FRESHEN_GUARD_ALLOWED: (options.insecureRegistries ?? []).join(','),
      HOME: dir,
      npm_config_userconfig: join(dir, 'user-npmrc'),
      npm_config_globalconfig: join(dir, 'global-npmrc'),
      npm_config_cache: join(dir, 'cache'),
      npm_config_update_notifier: 'false',
      npm_config_loglevel: 'error',
      // One quick retry: enough for a hiccup, and a refused host fails in seconds, not minutes.
      npm_config_fetch_retries: '1',
      npm_config_fetch_retry_mintimeout: '1000',
      npm_config_fetch_retry_maxtimeout: '3000',
    };
    const lockOnly = [...new Set(updates.map(npmFactsOf).filter((f) => f?.lockfileOnly).map((f) => f!.key))];
    const common = ['--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'];
    // In-range updates need `npm update <names>` (install keeps locked versions that still satisfy).
    const args = lockOnly.length ? ['update', ...lockOnly, ...common] : ['install', ...common];
    const result = await run(options.npmCommand ?? 'npm', args, join(dir, 'project'), env, options.timeoutMs ?? 300_000);
    if (!result.ok) return fail(`npm ${args[0]} failed: ${trimNpmError(result.output, secrets, dir)}`);
    const text = await readFile(join(dir, 'project', 'package-lock.json'), 'utf8');
    const wrong = versionMismatch(text, updates);
    if (wrong) return fail(wrong);
    return { lockFile, text };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** npm may resolve a different version than proposed (a newer one appeared): then nothing is written. */
function versionMismatch(lockText: string, updates: PlannedUpdate[]): string | undefined {
  const packages = (JSON.parse(lockText) as { packages?: Record<string, { version?: string }> }).packages ?? {};
  for (const update of updates) {
    const facts = npmFactsOf(update)!;
    const versions = Object.entries(packages).filter(([path]) => path === `node_modules/${facts.key}` || path.endsWith(`/node_modules/${facts.key}`)).map(([, e]) => e.version);
    if (!versions.includes(facts.newVersion)) {
      return `npm resolved ${facts.key} to ${versions.join(', ') || 'nothing'} instead of ${facts.newVersion}; lockfile not updated`;
    }
  }
  return undefined;
}
