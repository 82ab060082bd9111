// npm: dependency ranges in package.json, rewritten by byte range; lockfiles, workspace files and .npmrc are read for the planner.
import semverLib from 'semver';
import type { Dependency, DependencyChange, ExtractResult, Manager } from '../../types.js';
import { ParseError, UpdateError } from '../../types.js';
import { LineIndex } from '../line-index.js';
import { MAX_DEPENDENCIES_PER_FILE } from '../limits.js';
import { getMember, parseJsonWithRanges, type JsonNode } from './json-ranges.js';
import { ALL_JS_LOCKFILES } from './lockfile-formats.js';
import { npmLanguage } from './language.js';
import { PNPM_WORKSPACE } from './lockfiles.js';

const MANAGER = 'npm';
export const DEPENDENCY_TYPES = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;
export type DependencyType = (typeof DEPENDENCY_TYPES)[number];

const PACKAGE_JSON = /(^|\/)package\.json$/;
const COMPANIONS = new Set<string>([...ALL_JS_LOCKFILES, PNPM_WORKSPACE, '.npmrc', '.yarnrc.yml']);
const NPM_LOCKFILE = /(^|\/)(package-lock|npm-shrinkwrap)\.json$/;
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Where the range bytes are: text.slice(start, end) is the range (after `npm:name@` for aliases). */
export interface NpmLocation {
  start: number;
  end: number;
}

export interface NpmDependencyExtra {
  depType: DependencyType;
  /** The key in package.json: the alias name for `npm:` aliases, else the package name. */
  key: string;
  alias?: boolean;
}

declare module '../../types.js' {
  interface DependencyData {
    npm: NpmDependencyExtra;
  }
}

function inNodeModules(path: string): boolean {
  return path.split('/').includes('node_modules');
}

/** Why a spec is not a registry range Freshen can bump, or undefined when it is. */
function skipReasonOf(spec: string, depType: DependencyType): string | undefined {
  if (/^(git\+|git:|github:|gitlab:|bitbucket:|gist:)/.test(spec) || /^[\w.-]+\/[\w.-]+(#.*)?$/.test(spec)) return 'git dependency';
  if (spec.startsWith('file:')) return 'local file dependency';
  if (spec.startsWith('link:')) return 'link dependency';
  if (spec.startsWith('workspace:')) return 'workspace dependency';
  if (spec.startsWith('catalog:')) return 'catalog: the range is kept in pnpm-workspace.yaml and updated there';
  if (/^https?:/.test(spec)) return 'url dependency';
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('~/')) return 'local path dependency';
  if (semverLib.validRange(spec) === null) return 'not a semver range (dist-tag or unknown spec)';
  if (depType === 'peerDependencies') return 'peer dependency: reported, not bumped';
  return undefined;
}

function dependencyOf(text: string, lines: LineIndex, file: string, depType: DependencyType, key: string, value: JsonNode & { kind: 'string' }): Dependency {
  const raw = text.slice(value.start + 1, value.end - 1);
  const line = lines.lineOf(value.start);
  const base = { manager: MANAGER, datasource: 'npm', file, line, currentDigest: null };
  if (raw.includes('\\')) {
    return { ...base, depName: key, currentValue: value.value, skipReason: 'escaped characters in the spec', extra: { depType, key } };
  }
  const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@(.*)$/.exec(raw);
  if (alias) {
    const [, name = '', range = ''] = alias;
    const start = value.start + 1 + raw.length - range.length;
    const extra: NpmDependencyExtra = { depType, key, alias: true };
    const skipReason = skipReasonOf(range, depType);
    return { ...base, depName: name, currentValue: range, location: { start, end: value.end - 1 } satisfies NpmLocation, extra: { ...extra }, ...(skipReason ? { skipReason } : {}) };
  }
  if (raw.startsWith('npm:')) {
    return { ...base, depName: key, currentValue: raw, skipReason: 'npm: alias without a version range', extra: { depType, key } };
  }
  const skipReason = skipReasonOf(raw, depType);
  const extra: NpmDependencyExtra = { depType, key };
  return { ...base, depName: key, currentValue: raw, location: { start: value.start + 1, end: value.end - 1 } satisfies NpmLocation, extra: { ...extra }, ...(skipReason ? { skipReason } : {}) };
}

function extractPackageJson(text: string, file: string): ExtractResult {
  let root: JsonNode;
  try {
    root = parseJsonWithRanges(text);
  } catch (err) {
    const line = err instanceof ParseError ? err.line : undefined;
    return { deps: [], errors: [{ file, ...(line ? { line } : {}), message: `invalid JSON: ${(err as Error).message}` }] };
  }
  if (root.kind !== 'object') return { deps: [], errors: [{ file, line: 1, message: 'package.json must be a JSON object' }] };
  const deps: Dependency[] = [];
  const errors: ExtractResult['errors'] = [];
  const lines = new LineIndex(text);
  for (const depType of DEPENDENCY_TYPES) {
    const section = getMember(root, depType);
    if (!section) continue;
    if (section.kind !== 'object') {
      errors.push({ file, line: lines.lineOf(section.start), message: `"${depType}" must be an object` });
      continue;
    }
    for (const entry of section.entries) {
      if (deps.length === MAX_DEPENDENCIES_PER_FILE) {
        errors.push({ file, line: lines.lineOf(entry.keyStart), message: `more than ${MAX_DEPENDENCIES_PER_FILE} dependencies; the rest are not read` });
        return { deps, errors };
      }
      if (entry.value.kind !== 'string') {
        errors.push({ file, line: lines.lineOf(entry.keyStart), depName: entry.key, message: `${depType}.${entry.key} must be a string` });
        continue;
      }
      deps.push(dependencyOf(text, lines, file, depType, entry.key, entry.value));
    }
  }
  return { deps, errors };
}

/** package-lock.json (or npm-shrinkwrap.json) is only checked to be JSON here; the planner and the lockfile updater read it. */
function checkLockfile(text: string, file: string): ExtractResult {
  try {
    parseJsonWithRanges(text);
    return { deps: [], errors: [] };
  } catch (err) {
    const line = err instanceof ParseError ? err.line : undefined;
    return { deps: [], errors: [{ file, ...(line ? { line } : {}), message: `invalid JSON: ${(err as Error).message}` }] };
  }
}

function extract(text: string, file: string): ExtractResult {
  if (PACKAGE_JSON.test(file)) return extractPackageJson(text, file);
  if (NPM_LOCKFILE.test(file)) return checkLockfile(text, file);
  // Other lockfiles and pnpm-workspace.yaml matter only by where they are: see engine/npm-lockfile-guard.ts.
  return { deps: [], errors: [] };
}

function update(text: string, dep: Dependency, change: DependencyChange): string {
  if (change.newDigest !== null) throw new UpdateError(`${dep.depName}: npm dependencies have no digest`);
  if (change.newValue === null) throw new UpdateError(`${dep.depName}: a range is required`);
  if (/["\\\u0000-\u001f]/.test(change.newValue)) throw new UpdateError(`${dep.depName}: "${change.newValue}" cannot be written into package.json`);
  const location = dep.location as NpmLocation | undefined;
  if (!location) throw new UpdateError(`${dep.depName}: no location to update`);
  return text.slice(0, location.start) + change.newValue + text.slice(location.end);
}

export const npmManager: Manager = {
  name: MANAGER,
  matches: (path) => !inNodeModules(path) && (PACKAGE_JSON.test(path) || COMPANIONS.has(baseName(path))),
  extract,
  update,
  language: npmLanguage,
};
