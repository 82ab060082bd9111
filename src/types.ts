// Shared contracts between managers, datasources, versioning and the engine. No I/O here.
import type { LanguageSupport } from './managers/language-support.js';

/** A half-open range of UTF-16 offsets into a file's text: text.slice(start, end). */
export interface TextRange {
  start: number;
  end: number;
}

/** One dependency found in one file. Serializable: the CLI prints these. */
export interface Dependency {
  manager: string;
  /** Where versions of this dependency live: 'docker', 'npm', 'pypi', 'debian', 'alpine'. */
  datasource: string;
  /** Repository-relative path with forward slashes. */
  file: string;
  /** 1-based line of the value in the file. */
  line: number;
  /** Normalized name, e.g. docker.io/library/node. */
  depName: string;
  /** Tag or version as written (after variable expansion), or null. */
  currentValue: string | null;
  /** Pinned digest (sha256:...), or null. */
  currentDigest: string | null;
  /** For images: the full reference as written after ARG expansion. */
  reference?: string;
  /** Set when Freshen will not look this dependency up, with why. */
  skipReason?: string;
  /**
   * Manager-private data that update() needs to edit exactly the right bytes (ranges of the tag
   * and digest, the ARG line the value came from...). Not part of the CLI output.
   */
  location?: unknown;
  /** The manager's own data (stage, platform, lockfile key...), read with dataOf(); insights found later ride along. */
  extra?: DependencyExtra;
}

/**
 * What each manager keeps on its dependencies, by manager name. A manager folder adds its entry
 * beside its extract(): `declare module '../../types.js' { interface DependencyData { npm: NpmDependencyExtra } }`.
 */
export interface DependencyData {}

/**
 * Facts found about a dependency after extraction, whichever its manager (`unmaintained`,
 * `runtimeDisagreement`), declared by their planners the same way.
 */
export interface DependencyInsights {}

/** Dependency.extra: one manager's data with the insights attached to it, or insights alone. */
export type DependencyExtra = Partial<DependencyInsights> | (DependencyData[keyof DependencyData] & Partial<DependencyInsights>);

/**
 * The data one of `managers` keeps on `dep`, or undefined when `dep` is another manager's. The one
 * place Dependency.extra is narrowed: the manager name decides which shape it has.
 */
export function dataOf<M extends keyof DependencyData>(dep: Dependency, ...managers: M[]): DependencyData[M] | undefined {
  return managers.some((m) => m === dep.manager) ? (dep.extra as DependencyData[M] | undefined) : undefined;
}

export interface LocatedError {
  file: string;
  line?: number;
  depName?: string;
  message: string;
}

export interface ExtractResult {
  deps: Dependency[];
  errors: LocatedError[];
}

/** The new value a dependency should have. null digest = no digest in the reference. */
export interface DependencyChange {
  newValue: string | null;
  newDigest: string | null;
}

/** A manager knows one file format: it finds dependencies and rewrites their bytes. No I/O. */
export interface Manager {
  name: string;
  /** True when this manager reads files at that repository-relative path. */
  matches(path: string): boolean;
  extract(text: string, file: string): ExtractResult;
  /**
   * Returns the new text with only the bytes of this dependency changed. `dep` comes from
   * extract(text, file) of this very text. Throws UpdateError when the change cannot be written.
   */
  update(text: string, dep: Dependency, change: DependencyChange): string;
  /** Language managers: how the generic language planner reads and moves their dependencies. */
  language?: LanguageSupport;
}

export class UpdateError extends Error {
  override name = 'UpdateError';
}

/** A parse error with a position, thrown by parsers and turned into a LocatedError. */
export class ParseError extends Error {
  override name = 'ParseError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

export type UpdateType = 'major' | 'minor' | 'patch' | 'digest' | 'pin';

/** A version comparison scheme. Pure functions, table-tested. */
export interface Versioning {
  name: string;
  isValid(version: string): boolean;
  /** negative if a < b, 0 if equal, positive if a > b. Both must be valid. */
  compare(a: string, b: string): number;
  /** False for pre-releases (and, per scheme, dev or unstable builds). */
  isStable(version: string): boolean;
  /** How big the step from `from` to `to` is: 'major', 'minor' or 'patch'. Both valid, to > from. */
  updateType(from: string, to: string): 'major' | 'minor' | 'patch';
  /** Schemes with ranges: whether `version` satisfies `range` as the ecosystem's tool reads it. */
  matches?(version: string, range: string): boolean;
  /** Schemes with ranges: `range` rewritten in its own style to admit `version`, or null when it cannot be. */
  bumpRange?(range: string, version: string): string | null;
}

/** One published version of a package, module or image, as a datasource reports it. */
export interface Release {
  version: string;
  /** ISO 8601 publish time, for the release-age rule. */
  publishedAt?: string;
  /** The deprecation message, when the registry marks the version deprecated. */
  deprecated?: string;
  /** Withdrawn by its publisher (PyPI's yanked, a Go `retract`). */
  yanked?: boolean;
}

/** Every release of one package, newest or oldest first (callers sort with the versioning). */
export interface ReleaseList<R extends Release = Release> {
  name: string;
  releases: R[];
  /** The source repository (https), where release notes are looked up. */
  sourceUrl?: string;
  homepage?: string;
}

/** Where one lookup goes: chosen by the repository's files within the app's policy. */
export interface LookupOptions {
  /** Registry, index or proxy base URLs to ask, in order; the datasource's default when absent. */
  registryUrls?: readonly string[];
  /** The repository's config file governing the lookup (an .npmrc), path and text. */
  configFile?: { path: string; text: string };
}

/** Where versions of one kind of dependency come from. One per folder under src/datasources. */
export interface Datasource<R extends Release = Release> {
  /** The name dependencies carry in `Dependency.datasource`: 'npm', 'pypi', 'go'... */
  name: string;
  /** The `Versioning` its versions follow unless a manager says otherwise. */
  defaultVersioning: string;
  /** OSV's name for the ecosystem ('npm', 'PyPI', 'Go'), when OSV covers it. */
  osvEcosystem?: string;
  getReleases(name: string, options?: LookupOptions): Promise<ReleaseList<R>>;
}

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child?(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** The repository's Freshen config file (read by config/, named in PR bodies and issues). */
export const CONFIG_PATH = '.github/freshen.yml';
