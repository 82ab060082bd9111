// What a language manager tells the generic language planner: the installed version, where to look, and what to write. Pure: texts in, values out.
import type { Dependency, LookupOptions, Release, Versioning } from '../types.js';

export interface CurrentVersion {
  /** What is installed: the lockfile's version, else the lowest the written range allows, else the pin. */
  version: string;
  /** The constraint as written in the manifest (`^1.2.0`, `~=1.4`), when it is a range rather than a pin. */
  range?: string;
  /** `version` was read from a lockfile: an in-range update then rewrites only the lockfile. */
  locked: boolean;
}

/**
 * Registered on a Manager as `language`. The planner asks the datasource named by the dependency
 * (`Dependency.datasource`) for releases, keeps the newer stable, non-deprecated, non-yanked ones
 * (pre-releases only from a pre-release), proposes the newest of the same major and the newest
 * major apart, and asks this object what each becomes in the manifest.
 */
export interface LanguageSupport<R extends Release = Release> {
  /** A versioning name when not the datasource's default (Poetry constraints, Go modules), or one per dependency. */
  versioning?: string | ((dep: Dependency) => string | undefined);
  /**
   * What is installed now. null: nothing to look up (no lockfile entry and no usable range).
   * Throws an Error whose message is reported at the dependency's line.
   */
  current(dep: Dependency, texts: ReadonlyMap<string, string>): CurrentVersion | null;
  /**
   * Where this dependency is looked up (index URLs, the .npmrc governing it); the datasource's
   * default when absent. `settings` are the app's (PIP_INDEX_URL, GOPROXY...), never the repository's.
   */
  lookup?(dep: Dependency, texts: ReadonlyMap<string, string>, settings: Readonly<Record<string, string | undefined>>): LookupOptions;
  /**
   * The manifest's new value for `target`. Default: the range rewritten by the versioning's
   * bumpRange (unchanged when it already admits `target`), or `target` itself for a pin. null:
   * this range cannot be rewritten (reported, not proposed).
   */
  newValue?(dep: Dependency, current: CurrentVersion, target: R, versioning: Versioning): string | null;
  /** The new digest (pip's hashes) for `target`; default none. */
  newDigest?(dep: Dependency, target: R): string | null;
  /** Releases this manager must never move to (a Go `exclude`, a new major path): with why, shown as held. */
  held?(dep: Dependency, target: R, texts: ReadonlyMap<string, string>): string | undefined;
  /** Data the lockfile's ArtifactUpdater needs, attached to the update as `extra.artifact`. */
  artifact?(dep: Dependency, current: CurrentVersion, target: R, texts: ReadonlyMap<string, string>): ArtifactFacts | undefined;
}

/**
 * What a lockfile's ArtifactUpdater needs from an update, by the tool that rewrites the lockfile;
 * the facts say which in `tool`. A manager declares its own beside its LanguageSupport:
 * `declare module '../language-support.js' { interface ArtifactFactsByTool { poetry: PoetryArtifactFacts } }`.
 * Updaters read them with artifactOf(update, 'poetry') (src/artifacts/types.ts).
 */
export interface ArtifactFactsByTool {}

/** Any tool's artifact facts, told apart by `tool`. */
export type ArtifactFacts = { [T in keyof ArtifactFactsByTool]: ArtifactFactsByTool[T] & { tool: T } }[keyof ArtifactFactsByTool];
