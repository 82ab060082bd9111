// Poetry: constraints in pyproject.toml ([tool.poetry] tables and PEP 621 lists), rewritten in place; poetry.lock tells what is installed.
import type { Dependency, DependencyChange, ExtractResult, Manager } from '../../types.js';
import { ParseError, UpdateError } from '../../types.js';
import { LineIndex } from '../line-index.js';
import { poetryLanguage } from './language.js';
import { lockedVersions } from './lock.js';
import { parsePyproject, type PoetrySource } from './pyproject.js';

export { lockFileOf, PYPI_SIMPLE_URL, type PoetryArtifactFacts } from './language.js';
export { parsePyproject, type PoetrySource, type Pyproject, type PoetryRequirement } from './pyproject.js';

const MANAGER = 'poetry';
const PYPROJECT = /(^|\/)pyproject\.toml$/;
const LOCKFILE = /(^|\/)poetry\.lock$/;

export interface PoetryLocation {
  start: number;
  end: number;
}

export interface PoetryDependencyExtra {
  section: string;
  group: string;
  /** The name as written (depName is PEP 503 normalized). */
  writtenName: string;
  /** `source = "<name>"` on the dependency. */
  source?: string;
  sources: PoetrySource[];
}

declare module '../../types.js' {
  interface DependencyData {
    poetry: PoetryDependencyExtra;
  }
}

/** PEP 503 normalization, as poetry.lock and the indexes compare names. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** poetry.lock is only checked to be TOML here; the planner and the lockfile updater read it. */
function checkLockfile(text: string, file: string): ExtractResult {
  try {
    lockedVersions(text);
    return { deps: [], errors: [] };
  } catch (err) {
    if (err instanceof ParseError) return { deps: [], errors: [{ file, ...(err.line ? { line: err.line } : {}), message: err.message }] };
    throw err;
  }
}

function extract(text: string, file: string): ExtractResult {
  if (LOCKFILE.test(file)) return checkLockfile(text, file);
  let parsed;
  try {
    parsed = parsePyproject(text);
  } catch (err) {
    if (err instanceof ParseError) return { deps: [], errors: [{ file, ...(err.line ? { line: err.line } : {}), message: err.message }] };
    throw err;
  }
  const lines = new LineIndex(text);
  const deps = parsed.requirements.map((req): Dependency => {
    const extra: PoetryDependencyExtra = { section: req.section, group: req.group, writtenName: req.name, sources: parsed.sources, ...(req.source ? { source: req.source } : {}) };
    const dep: Dependency = {
      manager: MANAGER,
      datasource: 'pypi',
      file,
      line: lines.lineOf(req.offset),
      depName: normalizeName(req.name),
      currentValue: req.constraint,
      currentDigest: null,
      extra: { ...extra },
    };
    if (req.skipReason) return { ...dep, skipReason: req.skipReason };
    if (!req.range) return { ...dep, skipReason: 'written with escapes: not rewritten' };
    const location: PoetryLocation = req.range;
    return { ...dep, location };
  });
  return { deps, errors: [] };
}

const CONSTRAINT_TEXT = /^[0-9A-Za-z.*^~=<>!,| +_-]+$/;

function update(text: string, dep: Dependency, change: DependencyChange): string {
  const location = dep.location as PoetryLocation | undefined;
  if (!location) throw new UpdateError(`${dep.depName}: ${dep.skipReason ?? 'no constraint to rewrite'}`);
  if (change.newValue === null || !CONSTRAINT_TEXT.test(change.newValue)) throw new UpdateError(`${dep.depName}: "${change.newValue}" is not a constraint Freshen writes`);
  if (text.slice(location.start, location.end) !== dep.currentValue) throw new UpdateError(`${dep.depName}: the file changed since it was read`);
  const out = text.slice(0, location.start) + change.newValue + text.slice(location.end);
  // Re-read: the new text must parse and carry exactly the new constraint at the same place.
  const again = extract(out, dep.file);
  const moved = again.deps.find((d) => (d.location as PoetryLocation | undefined)?.start === location.start);
  if (again.errors.length > 0 || moved?.currentValue !== change.newValue || moved.depName !== dep.depName) {
    throw new UpdateError(`${dep.depName}: the rewritten pyproject.toml does not read back as "${change.newValue}"`);
  }
  return out;
}

export const poetryManager: Manager = {
  name: MANAGER,
  matches: (path) => PYPROJECT.test(path) || LOCKFILE.test(path),
  extract,
  update,
  language: poetryLanguage,
};
