// Regenerates package-lock.json (or npm-shrinkwrap.json) with real npm in a temporary copy (no scripts, no git, no paths outside); all or nothing per lockfile.
import { toolWorkDir } from '../tools-dir.js';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { NpmrcError, npmOptionsFrom, redactSecrets, secretsOf, toNpmrc, type NpmOptions } from '../../datasources/npm/index.js';
import type { JsArtifactFacts } from '../../managers/npm/js-lockfile.js';
import type { PlannedUpdate } from '../../engine/types.js';
import type { LocatedError } from '../../types.js';
import { artifactOf, type LockfileOutcome } from '../types.js';
import { prepareNpmChild, runNpm, type NpmChildOptions } from './child.js';
import { plainHttpCredentials } from './plain-http.js';
import { npmRefusal } from './refusals.js';

export interface NpmLockfileOptions extends NpmChildOptions {
  readFile(path: string): Promise<string | undefined>;
  /** Where npm's private copies are made (FRESHEN_WORK_DIR); default the worker user's cache. */
  workDir?: string | undefined;
  appNpmrc?: string;
  vars?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** The lockfile facts of a package.json update, when its project has a lockfile. */
export function jsFactsOf(update: PlannedUpdate): JsArtifactFacts | undefined {
  return update.manager === 'npm' ? artifactOf(update, 'npm', 'yarn', 'pnpm') : undefined;
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
  const project = jsFactsOf(updates[0]!)!;
  const lockFile = project.lockFile;
  const npmrcPath = project.configFiles.find((p) => p === '.npmrc' || p.endsWith('/.npmrc'));
  const fail = (message: string): LockfileOutcome => ({ lockFile, error: { file: lockFile, message } });
  const texts = new Map<string, string>();
  for (const path of [...project.packageFiles, lockFile]) {
    const text = files.get(path) ?? (await options.readFile(path));
    if (text === undefined) return fail(`${path}: could not be read for the lockfile update`);
    texts.set(path, text);
  }
  const repoNpmrc = npmrcPath ? await options.readFile(npmrcPath) : undefined;
  let npmOptions: NpmOptions;
  try {
    npmOptions = npmOptionsFrom({ repoNpmrc, ...(npmrcPath ? { repoNpmrcPath: npmrcPath } : {}), appNpmrc: options.appNpmrc, vars: options.vars });
  } catch (err) {
    if (err instanceof NpmrcError) return { lockFile, error: { ...err.located, message: `${err.message}; ${lockFile} left as it is` } };
    throw err;
  }
  const refused = npmRefusal({ root: project.root, lockFile, lockText: texts.get(lockFile)!, packageFiles: new Map(project.packageFiles.map((p) => [p, texts.get(p)!])) }) ??
    plainHttpRefusal(npmOptions, options.insecureRegistries ?? [], lockFile);
  if (refused) return { lockFile, error: refused };
  const secrets = secretsOf(npmOptions);
  const dir = await toolWorkDir({ FRESHEN_WORK_DIR: options.workDir }, 'npm-');
  try {
    const rel = (path: string) => path.slice(project.root ? project.root.length + 1 : 0);
    for (const [path, text] of texts) {
      await mkdir(dirname(join(dir, 'project', rel(path))), { recursive: true });
      await writeFile(join(dir, 'project', rel(path)), text);
    }
    // Freshen writes npm's settings itself: registries and credentials only, never the repository's file.
    await writeFile(join(dir, 'project', '.npmrc'), toNpmrc(npmOptions), { mode: 0o600 });
    const child = await prepareNpmChild(dir, options);
    const lockOnly = [...new Set(updates.map(jsFactsOf).filter((f) => f?.lockfileOnly).map((f) => f!.key))];
    const common = ['--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'];
    // In-range updates need `npm update <names>` (install keeps locked versions that still satisfy).
    const args = lockOnly.length ? ['update', ...lockOnly, ...common] : ['install', ...common];
    const result = await runNpm(child, args, join(dir, 'project'), options.timeoutMs ?? 300_000);
    if (!result.ok) return fail(`npm ${args[0]} failed: ${trimNpmError(result.output, secrets, dir)}`);
    // npm rewrites the lockfile it found: npm-shrinkwrap.json stays npm-shrinkwrap.json.
    const text = await readFile(join(dir, 'project', basename(lockFile)), 'utf8');
    const wrong = versionMismatch(text, updates);
    if (wrong) return fail(wrong);
    return { lockFile, files: new Map([[lockFile, text]]) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}


/** npm may resolve a different version than proposed (a newer one appeared): then nothing is written. */
function versionMismatch(lockText: string, updates: PlannedUpdate[]): string | undefined {
  const packages = (JSON.parse(lockText) as { packages?: Record<string, { version?: string }> }).packages ?? {};
  for (const update of updates) {
    const facts = jsFactsOf(update)!;
    const versions = Object.entries(packages).filter(([path]) => path === `node_modules/${facts.key}` || path.endsWith(`/node_modules/${facts.key}`)).map(([, e]) => e.version);
    if (!versions.includes(facts.newVersion)) {
      return `npm resolved ${facts.key} to ${versions.join(', ') || 'nothing'} instead of ${facts.newVersion}; lockfile not updated`;
    }
  }
  return undefined;
}

function plainHttpRefusal(options: NpmOptions, insecure: readonly string[], lockFile: string): LocatedError | undefined {
  const refused = plainHttpCredentials(options, insecure);
  return refused ? { file: lockFile, message: `${refused}; ${lockFile} left as it is` } : undefined;
}
