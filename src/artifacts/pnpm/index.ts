// Regenerates pnpm-lock.yaml with real pnpm in a temporary copy: Freshen's own .npmrc, no scripts, no pnpmfile, the address guard; all or nothing.
import { toolWorkDir } from '../tools-dir.js';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlannedUpdate } from '../../engine/types.js';
import { leavesProject } from '../npm/refusals.js';
import { secretsOf } from '../../datasources/npm/config.js';
import { firstAnchorLine } from '../../managers/pnpm/lock-yaml.js';
import { extractCatalogs, updateCatalog } from '../../managers/pnpm/catalogs.js';
import { catalogLockedVersion, importerVersion, PNPM_LOCK } from '../../managers/pnpm/lockfile.js';
import { dataOf, type LocatedError } from '../../types.js';
import { checkToolUrls, runTool, writeTree } from '../child.js';
import type { ArtifactContext, ArtifactUpdater, LockfileOutcome } from '../types.js';
import { pnpmConfig, pnpmSpecRefusal } from './config.js';
import { pnpmCommands, pnpmFactsOf } from './runs.js';
import { pnpmFor } from './tool.js';

export { pnpmFactsOf, type PnpmFacts } from './runs.js';

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const DEPENDENCY_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/** The dependency specs of a package.json and its `pnpm.overrides`, by name; the parse error when it is not JSON. */
function specsOf(text: string): [string, string][] | Error {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    return err as Error;
  }
  const pnpmField = (manifest.pnpm && typeof manifest.pnpm === 'object' ? manifest.pnpm : {}) as Record<string, unknown>;
  // pnpm also follows `resolutions` (as overrides) and the specs inside `pnpm.packageExtensions`.
  const extensions = Object.values((pnpmField.packageExtensions && typeof pnpmField.packageExtensions === 'object' ? pnpmField.packageExtensions : {}) as Record<string, unknown>)
    .flatMap((extension) => (extension && typeof extension === 'object' ? DEPENDENCY_SECTIONS.map((s) => (extension as Record<string, unknown>)[s]) : []));
  const maps = [...DEPENDENCY_SECTIONS.map((s) => manifest[s]), pnpmField.overrides, manifest.resolutions, ...extensions];
  return maps.flatMap((map) => (map && typeof map === 'object' ? Object.entries(map).filter((e): e is [string, string] => typeof e[1] === 'string') : []));
}

/** `pnpm.patchedDependencies` paths: patches are never copied, and one outside the project is a file of the worker's disk. */
function patchesOf(text: string): [string, string][] {
  try {
    const patched = (JSON.parse(text) as { pnpm?: { patchedDependencies?: unknown } }).pnpm?.patchedDependencies;
    return patched && typeof patched === 'object' ? Object.entries(patched).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Specs pnpm would fetch with git or read from outside the project, and tarball URLs on hosts the
 * policy refuses: refused before pnpm runs (pnpm's own guard would refuse them too, after minutes of retries).
 */
async function packageRefusal(path: string, text: string, root: string, insecure: readonly string[]): Promise<LocatedError | undefined> {
  const specs = specsOf(text);
  if (specs instanceof Error) return { file: path, message: `invalid JSON: ${specs.message}` };
  const fromDir = path.slice(root ? root.length + 1 : 0).split('/').slice(0, -1).join('/');
  for (const [name, patch] of patchesOf(text)) {
    if (leavesProject(patch, fromDir)) return { file: path, depName: name, message: `${name}: the patch "${patch.slice(0, 80)}" points outside the project` };
  }
  for (const [name, spec] of specs) {
    const refused = pnpmSpecRefusal(spec, fromDir);
    if (refused) return { file: path, depName: name, message: `${name}: ${refused}` };
    if (!/^https?:/i.test(spec)) continue;
    try {
      await checkToolUrls([spec], insecure);
    } catch (err) {
      return { file: path, depName: name, message: `${name}: ${(err as Error).message}` };
    }
  }
  return undefined;
}

/** pnpm may resolve another version than proposed (a newer one appeared): then nothing is written. */
function versionMismatch(lockText: string, lockFile: string, updates: PlannedUpdate[]): string | undefined {
  for (const update of updates) {
    const facts = pnpmFactsOf(update)!;
    const found = facts.catalog !== undefined
      ? catalogLockedVersion(lockText, facts.catalog, facts.packageName)
      : importerVersion(lockText, lockFile, update.file, facts.key);
    if (found !== facts.newVersion) return `pnpm resolved ${facts.key} to ${found ?? 'nothing'} instead of ${facts.newVersion}; ${lockFile} not updated`;
  }
  return undefined;
}

/** What every run is given: no scripts, no pnpmfile, the store and caches inside the temporary directory. */
function commonArgs(dir: string): string[] {
  return [
    '--lockfile-only', '--ignore-scripts', '--ignore-pnpmfile',
    '--store-dir', join(dir, 'store'), '--cache-dir', join(dir, 'cache'),
    '--config.manage-package-manager-versions=false', '--config.side-effects-cache=false', '--config.update-notifier=false',
    '--reporter=append-only',
  ];
}

async function regenerate(lockFile: string, updates: PlannedUpdate[], files: ReadonlyMap<string, string>, ctx: ArtifactContext): Promise<LockfileOutcome> {
  const facts = pnpmFactsOf(updates[0]!)!;
  const fail = (error: LocatedError): LockfileOutcome => ({ lockFile, error: { ...error, message: `${error.message}; ${lockFile} left as it is` } });
  const texts = new Map<string, string>();
  for (const path of [...facts.packageFiles, lockFile, ...facts.configFiles]) {
    const text = files.get(path) ?? (await ctx.readFile(path));
    if (text === undefined && !facts.configFiles.includes(path)) return fail({ file: path, message: 'could not be read for the lockfile update' });
    if (text !== undefined) texts.set(path, text);
  }
  const anchorLine = firstAnchorLine(texts.get(lockFile)!);
  if (anchorLine !== undefined) return fail({ file: lockFile, line: anchorLine, message: 'a YAML anchor or alias, which pnpm never writes in its lockfile: pnpm is not run on it' });
  for (const path of facts.packageFiles) {
    const refused = await packageRefusal(path, texts.get(path)!, facts.root, ctx.insecureRegistries);
    if (refused) return fail(refused);
  }
  const npmrcPath = facts.configFiles.find((p) => baseName(p) === '.npmrc');
  const workspacePath = facts.configFiles.find((p) => baseName(p) === 'pnpm-workspace.yaml');
  const config = pnpmConfig({
    ...(npmrcPath ? { npmrcPath, npmrcText: texts.get(npmrcPath) } : {}),
    ...(workspacePath ? { workspacePath, workspaceText: texts.get(workspacePath) } : {}),
    appNpmrc: ctx.settings.FRESHEN_NPMRC?.replace(/\\n/g, '\n'),
    vars: ctx.settings,
    insecureRegistries: ctx.insecureRegistries,
  });
  if ('file' in config) return fail(config);
  let program;
  try {
    program = await pnpmFor(facts.packageManager, ctx);
  } catch (err) {
    return fail({ file: facts.packageFiles.find((p) => p === (facts.root ? `${facts.root}/package.json` : 'package.json')) ?? lockFile, message: (err as Error).message });
  }
  const dir = await toolWorkDir(ctx.settings, 'pnpm-');
  try {
    const rel = (path: string) => path.slice(facts.root ? facts.root.length + 1 : 0);
    // Only the manifests and the lockfile are copied: no .pnpmfile.cjs, patches or scripts come along.
    const project = new Map([...facts.packageFiles, lockFile].map((p) => [rel(p), texts.get(p)!]));
    project.set('.npmrc', config.npmrc);
    if (config.workspace !== undefined) project.set('pnpm-workspace.yaml', config.workspace);
    await writeTree(join(dir, 'project'), project);
    const packageTexts = new Map(facts.packageFiles.map((p) => [p, texts.get(p)!]));
    // pnpm 10's `update name@version` on a default-catalog dependency drops the lockfile's `catalogs`
    // section. A catalog entry moved within its range is locked instead by installing once with the
    // entry pinned to the proposed version, then once with its own range again (which that version satisfies).
    const catalogMoves = config.workspace === undefined ? [] : updates.filter((u) => pnpmFactsOf(u)!.catalog !== undefined && pnpmFactsOf(u)!.lockfileOnly);
    const others = updates.filter((u) => !catalogMoves.includes(u));
    const steps: { workspace?: string; command: string[] }[] = [];
    if (catalogMoves.length > 0) {
      steps.push({ workspace: pinnedCatalog(config.workspace!, catalogMoves), command: ['install', '--no-frozen-lockfile'] });
      steps.push({ workspace: config.workspace!, command: ['install', '--no-frozen-lockfile'] });
    }
    if (others.length > 0 || steps.length === 0) steps.push(...pnpmCommands(others, packageTexts, config.workspace !== undefined).map((command) => ({ command })));
    for (const { workspace, command } of steps) {
      if (workspace !== undefined) await writeFile(join(dir, 'project', 'pnpm-workspace.yaml'), workspace);
      const result = await runTool({
        command: process.execPath,
        args: [program.script, ...command, ...commonArgs(dir)],
        cwd: join(dir, 'project'),
        tempDir: dir,
        env: {
          // One quick retry: enough for a hiccup, and a refused host fails in seconds, not minutes.
          npm_config_fetch_retries: '1', npm_config_fetch_retry_mintimeout: '1000', npm_config_fetch_retry_maxtimeout: '3000',
          npm_config_userconfig: join(dir, 'user-npmrc'), XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data'), XDG_CACHE_HOME: join(dir, 'cache'),
        },
        programs: ['node'],
        nodeGuard: { allowedHosts: ctx.insecureRegistries },
        timeoutMs: ctx.timeoutMs ?? 300_000,
        secrets: secretsOf(config.options),
      });
      if (!result.ok) return fail({ file: lockFile, message: `pnpm ${program.version} ${command[0]} failed: ${result.output}` });
    }
    const text = await readFile(join(dir, 'project', PNPM_LOCK), 'utf8');
    const wrong = versionMismatch(text, lockFile, updates);
    if (wrong) return { lockFile, error: { file: lockFile, message: wrong } };
    return { lockFile, files: new Map([[lockFile, text]]) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** pnpm-workspace.yaml with each moved catalog entry set to exactly its proposed version. */
function pinnedCatalog(workspace: string, moves: readonly PlannedUpdate[]): string {
  let text = workspace;
  for (const move of moves) {
    const facts = pnpmFactsOf(move)!;
    const entry = extractCatalogs(text, 'pnpm-workspace.yaml').deps.find((d) => d.depName === facts.key && dataOf(d, 'pnpm')?.catalog === facts.catalog);
    if (entry) text = updateCatalog(text, entry, { newValue: facts.newVersion, newDigest: null });
  }
  return text;
}

export const pnpmArtifacts: ArtifactUpdater = {
  name: 'pnpm',
  lockfileOf: (update) => pnpmFactsOf(update)?.lockFile,
  regenerate,
};
