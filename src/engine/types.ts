// The engine's inputs and outputs: what a scan reads, what it asks, and the plan it returns.
import type { Dependency, LocatedError, Logger, UpdateType } from '../types.js';

/** Where the files of a repository come from (a local directory, a GitHub tree...). */
export interface FileSource {
  /** Repository-relative paths with forward slashes. */
  list(): Promise<string[]>;
  read(path: string): Promise<string>;
}

/** What the engine needs to know about images in OCI registries. Implemented by datasources/oci. */
export interface ImageLookup {
  /** All tags of a repository (e.g. docker.io/library/node), following pagination. */
  getTags(depName: string): Promise<string[]>;
  /** The digest of a tag or digest reference, as the registry reports it (index digest for multi-arch). */
  getDigest(depName: string, tagOrDigest: string): Promise<string>;
}

export interface ScanContext {
  /** The image registry client: digests for the image planner, tags when it has no `docker` datasource. */
  images: ImageLookup;
  log: Logger;
  /**
   * The planners, in order: the image planner first (scan() puts one in front when none is
   * named `images`), then each may add updates (npm, pip, OS package pins), change them, or hold
   * them back (release age, multi-arch noise, blockers).
   */
  planners?: Planner[];
}

/** What planners share during one scan; they mutate updates, held and errors in place. */
export interface PlanState {
  dependencies: Dependency[];
  /** File texts by path, as scanned. */
  texts: ReadonlyMap<string, string>;
  updates: PlannedUpdate[];
  held: HeldUpdate[];
  errors: LocatedError[];
  options: ScanOptions;
  /** Reads a file no manager lists by its path (a `.nvmrc`); rejects for one that is missing or not a regular file. */
  source?: Pick<FileSource, 'read'>;
}

export interface Planner {
  name: string;
  plan(state: PlanState, ctx: ScanContext): Promise<void>;
}

/** An update that exists but is not proposed now, with why and, if known, from when it may be. */
export interface HeldUpdate {
  update: PlannedUpdate;
  /** Why, in structured form: the dashboard lets people release schedule and prLimit holds. */
  kind: 'schedule' | 'release-age' | 'blocked' | 'pr-limit';
  reason: string;
  eligibleAt?: string;
}

export interface ScanOptions {
  /** Dependency names or file paths (globs) never to look up or propose. */
  ignore?: string[];
  /** Pin digests on references that have none (pinned process). Default true. */
  pinDigests?: boolean;
  /** Decide, per dependency, whether it follows the pinned or rebuild process. */
  processFor?: (dep: Dependency) => 'pinned' | 'rebuild';
  /** Throw the registry's RateLimitError (with its wait) instead of reporting it per dependency. */
  throwOnRateLimit?: boolean;
  /** Dependencies extraction skips by default that the config turns on (go.mod's `go` line with `goDirective: bump`). */
  include?: (dep: Dependency) => boolean;
}

/** One proposed change of one dependency in one file. */
export interface PlannedUpdate {
  manager: string;
  file: string;
  line: number;
  depName: string;
  /** Full references as written: node:20.11-alpine@sha256:... */
  from: string;
  to: string;
  updateType: UpdateType;
  newValue: string | null;
  newDigest: string | null;
  /** Index of the dependency in its file's extract() output (of that manager). */
  depIndex: number;
  /** Sentences for the PR body: "broken pin: the next build fails", "fixes CVE-…". */
  notes?: string[];
  /** What planners found about the update (release notes, package diff, vulnerabilities fixed...), by key. */
  extra?: Partial<UpdateFacts>;
}

/**
 * The facts planners attach to an update, by key. Each planner declares the keys it writes beside
 * itself: `declare module '../types.js' { interface UpdateFacts { releaseNotes: ReleaseNotes } }`.
 * A key two planners write has one type, declared identically by both.
 */
export interface UpdateFacts {}

export interface ScanResult {
  dependencies: Dependency[];
  updates: PlannedUpdate[];
  held: HeldUpdate[];
  errors: LocatedError[];
}
