// The contract of a lockfile regenerator: which lockfile an update needs rewritten, and the run that rewrites it.
import type { PlannedUpdate } from '../engine/types.js';
import type { ArtifactFactsByTool } from '../managers/language-support.js';
import type { LocatedError, Logger } from '../types.js';

/**
 * The lockfile facts `update` carries for one of `tools` (`extra.artifact`, from the manager's
 * LanguageSupport.artifact), or undefined. The one place artifact facts are narrowed: `tool` says whose.
 */
export function artifactOf<T extends keyof ArtifactFactsByTool>(update: Pick<PlannedUpdate, 'extra'>, ...tools: T[]): (ArtifactFactsByTool[T] & { tool: T }) | undefined {
  const facts = update.extra?.artifact;
  return facts && tools.some((t) => t === facts.tool) ? (facts as ArtifactFactsByTool[T] & { tool: T }) : undefined;
}

/** What every artifact updater is given: the app's settings and policy, never the repository's environment. */
export interface ArtifactContext {
  /** Reads a repository file as scanned (undefined when absent). */
  readFile(path: string): Promise<string | undefined>;
  /** Every repository file path as the scan listed them; tools that read a project's sources (Go's `go mod tidy`) need it. */
  listFiles?(): Promise<string[]>;
  /**
   * The app's own settings by name (FRESHEN_NPMRC, PIP_INDEX_URL, GOPROXY, GONOSUMDB...): the CLI
   * passes its process env, the app a narrow map. Never copied into a child's environment whole.
   */
  settings: Readonly<Record<string, string | undefined>>;
  /** Hosts (host or host:port) that may be plain HTTP or private: FRESHEN_INSECURE_REGISTRIES. */
  insecureRegistries: readonly string[];
  /** Per child run; default 300 s. */
  timeoutMs?: number;
  log: Logger;
}

export interface LockfileOutcome {
  lockFile: string;
  /** The regenerated lockfile (and any other file the tool rewrote, e.g. go.sum beside go.mod), or an error. */
  files?: Map<string, string>;
  error?: LocatedError;
}

/**
 * One per lockfile format (package-lock.json, yarn.lock, pnpm-lock.yaml, poetry.lock, go.sum),
 * registered in src/artifacts/index.ts. It runs the ecosystem's own tool in a temporary copy
 * through runTool (src/artifacts/child.ts): all or nothing per lockfile.
 */
export interface ArtifactUpdater {
  name: string;
  /** The lockfile this update makes stale (repository path), or undefined when it is not this updater's. */
  lockfileOf(update: PlannedUpdate): string | undefined;
  /**
   * Regenerates `lockFile` for `updates` (all of which named it). `files` holds the manifests as
   * already rewritten by the updates; anything else is read with ctx.readFile.
   */
  regenerate(lockFile: string, updates: PlannedUpdate[], files: ReadonlyMap<string, string>, ctx: ArtifactContext): Promise<LockfileOutcome>;
}
