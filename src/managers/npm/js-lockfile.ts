// One JavaScript lockfile format (package-lock.json, yarn.lock, pnpm-lock.yaml): which tool owns it and what it locks. Pure.

export type JsTool = 'npm' | 'yarn' | 'pnpm';

export interface JsLockfile {
  tool: JsTool;
  /** File names this format uses, most authoritative first (npm-shrinkwrap.json before package-lock.json). */
  lockfileNames: readonly string[];
  /**
   * The version installed for dependency `name` (declared as `range`, under the key `key` — the alias
   * for `npm:` aliases) of the package.json at `packageFile`, both repository-relative, from the
   * lockfile at `lockFile`. undefined when the lockfile has no entry. Throws an Error with a
   * readable message (and the line, where known) when the lockfile cannot be read as this format.
   */
  lockedVersion(lockText: string, lockFile: string, packageFile: string, key: string, range: string): string | undefined;
}

/** Attached as `update.extra.artifact` to updates of package.json dependencies: what the lockfile's updater needs. */
export interface JsArtifactFacts {
  tool: JsTool;
  /** Directory of the lockfile: the project or workspace root ('' for the repository root). */
  root: string;
  lockFile: string;
  /** Every package.json under the root (workspace members among them), for the temporary copy. */
  packageFiles: string[];
  /** The repository's config files that matter to the tool, nearest first (.npmrc, .yarnrc.yml, pnpm-workspace.yaml). */
  configFiles: string[];
  /** `packageManager` from the root package.json (`pnpm@9.12.0`, `yarn@4.5.1+sha512...`), when set. */
  packageManager?: string;
  packageName: string;
  /** The key under which it is installed (the alias for `npm:` aliases). */
  key: string;
  newVersion: string;
  /** The range already admits newVersion: only the lockfile changes. */
  lockfileOnly: boolean;
}

declare module '../language-support.js' {
  interface ArtifactFactsByTool {
    npm: JsArtifactFacts;
    yarn: JsArtifactFacts;
    pnpm: JsArtifactFacts;
  }
}
