// What the language planner needs from Poetry: the locked version, the sources to ask in Poetry's order, and the lockfile facts.
import type { CurrentVersion, LanguageSupport } from '../language-support.js';
import { dataOf, type Dependency, type LookupOptions } from '../../types.js';
import { withAppCredentials } from '../pip/language.js';
import { ParseError } from '../../types.js';
import { matches, parseConstraint } from '../../versioning/poetry/index.js';
import * as pep440 from '../../versioning/pep440/index.js';
import { lockedVersions } from './lock.js';
import type { PoetrySource } from './pyproject.js';

/** PyPI, when the app names no index of its own (PIP_INDEX_URL). */
export const PYPI_SIMPLE_URL = 'https://pypi.org/simple';

/** Attached as `update.extra.artifact`: what the poetry.lock updater needs. */
export interface PoetryArtifactFacts {
  tool: 'poetry';
  /** Directory of pyproject.toml ('' for the repository root). */
  projectRoot: string;
  pyproject: string;
  lockFile: string;
  sources: PoetrySource[];
  name: string;
  newVersion: string;
  /** The constraint already admits newVersion: only poetry.lock changes. */
  lockfileOnly: boolean;
}

declare module '../language-support.js' {
  interface ArtifactFactsByTool {
    poetry: PoetryArtifactFacts;
  }
}

interface Extra {
  sources?: PoetrySource[];
  source?: string;
}

export function projectRootOf(pyproject: string): string {
  const slash = pyproject.lastIndexOf('/');
  return slash === -1 ? '' : pyproject.slice(0, slash);
}

export function lockFileOf(pyproject: string): string {
  const root = projectRootOf(pyproject);
  return root === '' ? 'poetry.lock' : `${root}/poetry.lock`;
}

// One parse per lockfile per scan: the planner passes the same texts map for every dependency.
function locked(texts: ReadonlyMap<string, string>, lockFile: string): Map<string, string> | undefined {
  const text = texts.get(lockFile);
  if (text === undefined) return undefined;
  try {
    return lockedVersions(text);
  } catch (err) {
    const line = err instanceof ParseError && err.line ? ` line ${err.line}` : '';
    throw new Error(`${lockFile}${line}: ${(err as Error).message}`);
  }
}

/** The lowest version a constraint's first alternative allows by its lower bounds, or null when it has none. */
export function lowestAllowed(constraint: string): string | null {
  const parsed = parseConstraint(constraint);
  const lows = (parsed?.alternatives[0] ?? [])
    .filter((c) => !c.negated && ['^', '~', '~=', '*', '>=', '==', '=', ''].includes(c.operator))
    .map((c) => c.version)
    .filter((v) => pep440.isValid(v));
  return lows.sort(pep440.compare).at(-1) ?? null;
}

/**
 * Poetry's sources in the order it asks them, PyPI standing for the app's index (PIP_INDEX_URL, else
 * PyPI). The app's credentials go only to URLs on its own index's origin, as for pip.
 */
function lookup(dep: Dependency, _texts: ReadonlyMap<string, string>, settings: Readonly<Record<string, string | undefined>>): LookupOptions {
  const { sources = [], source }: Extra = dataOf(dep, 'poetry') ?? {};
  const appIndex = settings.PIP_INDEX_URL;
  const pypi = appIndex ?? PYPI_SIMPLE_URL;
  const urlOf = (s: PoetrySource) => withAppCredentials(s.url ?? pypi, appIndex);
  if (source) {
    const named = sources.find((s) => s.name.toLowerCase() === source.toLowerCase());
    if (!named) throw new Error(`source "${source}" is not declared in [[tool.poetry.source]]`);
    return { registryUrls: [urlOf(named)] };
  }
  if (sources.length === 0) return appIndex ? { registryUrls: [appIndex] } : {};
  const of = (priority: PoetrySource['priority']) => sources.filter((s) => s.priority === priority).map(urlOf);
  // Poetry asks PyPI too unless a source replaces it (a default one, or one standing for PyPI itself).
  const withPypi = sources.some((s) => s.priority === 'default' || !s.url) ? [] : [pypi];
  return { registryUrls: [...new Set([...of('default'), ...of('primary'), ...withPypi, ...of('secondary'), ...of('supplemental')])] };
}

export const poetryLanguage: LanguageSupport = {
  versioning: 'poetry',
  current(dep, texts): CurrentVersion | null {
    const range = dep.currentValue ?? undefined;
    const version = locked(texts, lockFileOf(dep.file))?.get(dep.depName);
    if (version) return { version, ...(range ? { range } : {}), locked: true };
    const lowest = range ? lowestAllowed(range) : null;
    return lowest ? { version: lowest, range: range!, locked: false } : null;
  },
  lookup,
  artifact(dep, current, target, texts) {
    const lockFile = lockFileOf(dep.file);
    if (!texts.has(lockFile)) return undefined;
    const facts: PoetryArtifactFacts = {
      tool: 'poetry',
      projectRoot: projectRootOf(dep.file),
      pyproject: dep.file,
      lockFile,
      sources: dataOf(dep, 'poetry')?.sources ?? [],
      name: dep.depName,
      newVersion: target.version,
      lockfileOnly: current.range === undefined || matches(target.version, current.range),
    };
    return facts;
  },
};
