// Regenerates yarn.lock (classic and Berry) with the yarn the project names, in a temporary copy: no scripts, Freshen's own settings, all or nothing.
import { toolWorkDir } from '../tools-dir.js';
import { readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { NpmrcError, npmOptionsFrom, secretsOf, toNpmrc, type NpmOptions } from '../../datasources/npm/config.js';
import type { PlannedUpdate } from '../../engine/types.js';
import type { JsArtifactFacts } from '../../managers/npm/js-lockfile.js';
import { lockEntryFor, parseYarnLock, type YarnLock } from '../../managers/yarn/index.js';
import { ParseError } from '../../types.js';
import { runTool, writeTree } from '../child.js';
import { artifactOf, type ArtifactContext, type ArtifactUpdater, type LockfileOutcome } from '../types.js';
import { berrySettings, checkPlainHttp, FRESHEN_YARNRC, operatorNpmOptions, repoYarnSettings, YARNRC, YarnConfigError } from './config.js';
import { declaredRange, withoutDescriptors } from './lock-edit.js';
import { yarnRefusal } from './refusals.js';
import { yarnEntry, yarnFor, knowsSetting, type YarnTool } from './tool.js';

export function yarnFactsOf(update: PlannedUpdate): JsArtifactFacts | undefined {
  return artifactOf(update, 'yarn');
}

interface Prepared {
  tool: YarnTool;
  /** The package.json files by repository path, as rewritten by the updates. */
  packageTexts: Map<string, string>;
  /** Root-relative path → text, as written into the temporary project. */
  files: Map<string, string>;
  env: Record<string, string>;
  args: string[];
  secrets: string[];
}

/** Throws YarnConfigError (located) for anything that stops the run before yarn starts. */
async function prepare(facts: JsArtifactFacts, updates: PlannedUpdate[], files: ReadonlyMap<string, string>, ctx: ArtifactContext, tempDir: string): Promise<Prepared> {
  const { lockFile, root } = facts;
  const read = async (path: string) => {
    const text = files.get(path) ?? (await ctx.readFile(path));
    if (text === undefined) throw new YarnConfigError({ file: path, message: `could not be read for the ${lockFile} update` });
    return text;
  };
  const packageTexts = new Map<string, string>();
  for (const path of facts.packageFiles) packageTexts.set(path, await read(path));
  const lockText = await read(lockFile);
  let lock: YarnLock;
  try {
    lock = parseYarnLock(lockText, lockFile);
  } catch (err) {
    if (err instanceof ParseError) throw new YarnConfigError({ file: lockFile, ...(err.line ? { line: err.line } : {}), message: err.message });
    throw err;
  }
  const tool = yarnFor(facts.packageManager, lock.flavour);
  if (typeof tool === 'string') throw new YarnConfigError({ file: root ? `${root}/package.json` : 'package.json', message: tool });
  const refused = yarnRefusal(root, packageTexts, lockFile, lock);
  if (refused) throw new YarnConfigError(refused);

  const rel = (path: string) => path.slice(root ? root.length + 1 : 0);
  const out = new Map<string, string>([...packageTexts].map(([path, text]) => [rel(path), text]));
  // An in-range update: yarn keeps a locked version that still satisfies, so that descriptor is resolved afresh.
  const stale = updates.map((u) => [u, yarnFactsOf(u)!] as const).filter(([, f]) => f.lockfileOnly)
    .map(([u, f]) => declaredRange(packageTexts.get(u.file), f.key))
    .flatMap((found) => (found ? lockDescriptorsOf(lock, found.key, found.range) : []));
  out.set(rel(lockFile), withoutDescriptors(lockText, lock, new Set(stale)));

  const operator = operatorNpmOptions(ctx.settings);
  const configText = async (name: string) => {
    const path = facts.configFiles.find((p) => basename(p) === name);
    return path === undefined ? undefined : { path, text: await read(path) };
  };
  const base = { YARN_IGNORE_PATH: '1' };
  if (tool.berry) {
    const repo = await configText(YARNRC);
    const settings = repoYarnSettings(repo?.text, repo?.path ?? YARNRC);
    out.set(FRESHEN_YARNRC, berrySettings(tool, settings, operator, ctx.insecureRegistries, join(tempDir, 'cache'), lockFile));
    const args = knowsSetting(tool, [3, 0]) ? ['install', '--mode=update-lockfile'] : ['install'];
    return { tool, packageTexts, files: out, args, secrets: secretsOf(operator), env: { ...base, YARN_RC_FILENAME: FRESHEN_YARNRC } };
  }
  const repoNpmrc = await configText('.npmrc');
  let options: NpmOptions;
  try {
    options = npmOptionsFrom({ repoNpmrc: repoNpmrc?.text, repoNpmrcPath: repoNpmrc?.path ?? '.npmrc', appNpmrc: ctx.settings.FRESHEN_NPMRC, vars: { ...ctx.settings } });
  } catch (err) {
    if (err instanceof NpmrcError) throw new YarnConfigError(err.located);
    throw err;
  }
  checkPlainHttp(Object.entries(options).filter(([k]) => k === 'registry' || k.endsWith(':registry')).map(([, v]) => v.replace(/\/+$/, '')), options, ctx.insecureRegistries, lockFile);
  out.set('.npmrc', toNpmrc(options));
  return {
    tool,
    packageTexts,
    files: out,
    args: ['install', '--ignore-scripts', '--non-interactive', '--ignore-engines', '--no-progress'],
    secrets: secretsOf(options),
    env: { ...base, YARN_CACHE_FOLDER: join(tempDir, 'cache'), YARN_DISABLE_SELF_UPDATE_CHECK: 'true' },
  };
}

function lockDescriptorsOf(lock: YarnLock, key: string, range: string): string[] {
  const entry = lockEntryFor(lock, key, range);
  return entry ? entry.descriptors.filter((d) => d === `${key}@${range}` || d === `${key}@npm:${range}`) : [];
}

/** yarn may resolve a newer version than proposed (one appeared since): then nothing is written. */
function versionMismatch(lockText: string, lockFile: string, updates: PlannedUpdate[], files: ReadonlyMap<string, string>): string | undefined {
  const lock = parseYarnLock(lockText, lockFile);
  for (const update of updates) {
    const facts = yarnFactsOf(update)!;
    const declared = declaredRange(files.get(update.file), facts.key);
    const entry = declared ? lockEntryFor(lock, declared.key, declared.range) : undefined;
    if (entry?.version !== facts.newVersion) {
      return `yarn resolved ${facts.key} to ${entry?.version ?? 'nothing'} instead of ${facts.newVersion}; ${lockFile} not updated`;
    }
  }
  return undefined;
}

export const yarnArtifacts: ArtifactUpdater = {
  name: 'yarn',
  lockfileOf: (update) => yarnFactsOf(update)?.lockFile,
  async regenerate(lockFile, updates, files, ctx): Promise<LockfileOutcome> {
    const facts = yarnFactsOf(updates[0]!)!;
    const tempDir = await toolWorkDir(ctx.settings, 'yarn-');
    try {
      const prepared = await prepare(facts, updates, files, ctx, tempDir);
      const project = join(tempDir, 'project');
      await writeTree(project, prepared.files);
      const entry = await yarnEntry(prepared.tool, ctx);
      const result = await runTool({
        command: process.execPath,
        args: [entry, ...prepared.args],
        cwd: project,
        tempDir,
        env: prepared.env,
        programs: ['node'],
        nodeGuard: { allowedHosts: ctx.insecureRegistries },
        secrets: prepared.secrets,
        ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
      });
      if (!result.ok) return { lockFile, error: { file: lockFile, message: `yarn ${prepared.tool.version} ${prepared.args.join(' ')} failed: ${result.output}` } };
      const text = await readFile(join(project, 'yarn.lock'), 'utf8');
      const wrong = versionMismatch(text, lockFile, updates, prepared.packageTexts);
      if (wrong) return { lockFile, error: { file: lockFile, message: wrong } };
      return { lockFile, files: new Map([[lockFile, text]]) };
    } catch (err) {
      if (err instanceof YarnConfigError) return { lockFile, error: { ...err.located, message: `${err.located.message}; ${lockFile} left as it is` } };
      if (err instanceof ParseError) return { lockFile, error: { file: lockFile, ...(err.line ? { line: err.line } : {}), message: err.message } };
      return { lockFile, error: { file: lockFile, message: `yarn could not run: ${(err as Error).message}` } };
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
  },
};
