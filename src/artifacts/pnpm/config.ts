// What pnpm is shown of a repository's settings: registries and credentials Freshen writes itself, and only the resolution settings of .npmrc and pnpm-workspace.yaml.
import { plainHttpCredentials } from '../npm/plain-http.js';
import ini from 'ini';
import { Document, isMap } from 'yaml';
import { npmOptionsFrom, toNpmrc, type NpmOptions } from '../../datasources/npm/config.js';
import { leavesProject, specRefusal } from '../npm/refusals.js';
import { parseYamlFile } from '../../managers/yaml-values.js';
import type { LocatedError } from '../../types.js';

/**
 * pnpm settings a repository may keep, as .npmrc keys: each changes only how versions are chosen and
 * what the lockfile records, so dropping them would make `pnpm install --frozen-lockfile` fail.
 * Nothing that loads code (pnpmfile, global-pnpmfile, hooks), runs scripts, reaches elsewhere
 * (proxies, git, other registries' certificates) or reads the worker's disk is among them.
 */
const NPMRC_SETTINGS = new Set([
  'auto-install-peers', 'dedupe-peer-dependents', 'exclude-links-from-lockfile', 'resolution-mode', 'link-workspace-packages',
  'prefer-workspace-packages', 'shared-workspace-lockfile', 'lockfile-include-tarball-url', 'strict-peer-dependencies',
  'save-workspace-protocol', 'inject-workspace-packages', 'dedupe-injected-deps', 'peers-suffix-max-length', 'node-linker',
]);
/** The same settings as pnpm-workspace.yaml keys, and its resolution inputs (packages, catalogs, overrides...). */
const WORKSPACE_KEYS = new Set([
  'packages', 'catalog', 'catalogs', 'overrides', 'packageExtensions', 'peerDependencyRules', 'allowedDeprecatedVersions',
  'supportedArchitectures', 'ignoredOptionalDependencies',
  ...[...NPMRC_SETTINGS].map((key) => key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())),
]);
const SAFE_VALUE = /^[\w.-]{1,64}$/;

export interface PnpmConfig {
  npmrc: string;
  options: NpmOptions;
  /** pnpm-workspace.yaml as pnpm is shown it, when the project has one. */
  workspace?: string;
}

const located = (file: string, message: string, line?: number): LocatedError => ({ file, ...(line ? { line } : {}), message });

/** The allow-listed pnpm settings of a repository's .npmrc, as lines. */
function pnpmSettings(text: string | undefined): string[] {
  if (!text) return [];
  const parsed = ini.parse(text) as Record<string, unknown>;
  return Object.entries(parsed)
    .filter(([key, value]) => NPMRC_SETTINGS.has(key) && (typeof value === 'boolean' || (typeof value === 'string' && SAFE_VALUE.test(value))))
    .map(([key, value]) => `${key}=${String(value)}`);
}

/**
 * specRefusal, and what pnpm's local resolver alone takes as a folder: `workspace:./…`, `workspace:../…`
 * and any spec without a scheme that holds a slash (`sub/../../x`).
 */
export function pnpmSpecRefusal(spec: string, fromDir: string): string | undefined {
  const refused = specRefusal(spec, fromDir);
  if (refused) return refused;
  const local = /^workspace:/i.test(spec) ? spec.slice('workspace:'.length) : /^[a-z][a-z0-9+.-]*:/i.test(spec) ? undefined : spec;
  if (local === undefined || !(/^(\.|[a-z]:)/i.test(local) || /[\\/]/.test(local))) return undefined;
  return leavesProject(local, fromDir) ? `"${spec.slice(0, 80)}" points outside the project, which pnpm would read from the worker's disk` : undefined;
}

/** Every string in a value (overrides, packageExtensions): each is a dependency spec pnpm would follow. */
function* stringsIn(value: unknown, depth = 0): Generator<string> {
  if (depth > 32) return;
  if (typeof value === 'string') yield value;
  else if (value && typeof value === 'object') for (const item of Object.values(value)) yield* stringsIn(item, depth + 1);
}

/** pnpm-workspace.yaml with only the allowed keys; specs that are git or leave the project are refused. */
export function sanitisedWorkspace(text: string, file: string): string | LocatedError {
  const parsed = parseYamlFile(text, file);
  if (Array.isArray(parsed)) return parsed[0]!;
  const doc = parsed.documents[0];
  if (!doc || doc.contents === null) return '';
  if (!isMap(doc.contents)) return located(file, 'pnpm-workspace.yaml must be a mapping', 1);
  let value: Record<string, unknown>;
  try {
    // Few aliases allowed: an anchors bomb stops here rather than growing in memory.
    value = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  } catch (err) {
    return located(file, `${(err as Error).message}; not read`);
  }
  const kept: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (!WORKSPACE_KEYS.has(key)) continue;
    for (const spec of stringsIn(entry)) {
      // A member pattern leaving the project would have pnpm read package.json files beside the temporary copy.
      const refused = key === 'packages' ? (leavesProject(spec.replace(/^!/, ''), '') ? `the workspace pattern "${spec}" points outside the project` : undefined) : pnpmSpecRefusal(spec, '');
      if (refused) return located(file, `${key}: ${refused}`);
    }
    kept[key] = entry;
  }
  return new Document(kept).toString();
}


export interface PnpmConfigInput {
  npmrcPath?: string;
  npmrcText?: string;
  workspacePath?: string;
  workspaceText?: string;
  appNpmrc?: string;
  vars: Readonly<Record<string, string | undefined>>;
  insecureRegistries: readonly string[];
}

/** The .npmrc Freshen writes for pnpm and the workspace file pnpm sees, or the located reason not to run pnpm. */
export function pnpmConfig(input: PnpmConfigInput): PnpmConfig | LocatedError {
  const npmrcPath = input.npmrcPath ?? '.npmrc';
  let options: NpmOptions;
  try {
    options = npmOptionsFrom({ repoNpmrc: input.npmrcText, repoNpmrcPath: npmrcPath, appNpmrc: input.appNpmrc, vars: { ...input.vars } });
  } catch (err) {
    const line = (err as { line?: number }).line;
    return located((err as { file?: string }).file ?? npmrcPath, (err as Error).message, line);
  }
  // pnpm expands `${NAME}` itself, and ignores the whole file when it cannot: a setting still holding one (a token
  // the operator did not provide) is left out, so the rest stands and nothing is expanded from pnpm's environment.
  options = Object.fromEntries(Object.entries(options).filter(([key, value]) => !`${key}${value}`.includes('${')));
  const plain = plainHttpCredentials(options, input.insecureRegistries);
  const refused = plain ? located(npmrcPath, plain) : undefined;
  if (refused) return refused;
  const npmrc = toNpmrc(options) + pnpmSettings(input.npmrcText).map((line) => `${line}\n`).join('');
  if (input.workspaceText === undefined) return { npmrc, options };
  const workspace = sanitisedWorkspace(input.workspaceText, input.workspacePath ?? 'pnpm-workspace.yaml');
  return typeof workspace === 'string' ? { npmrc, options, workspace } : workspace;
}
