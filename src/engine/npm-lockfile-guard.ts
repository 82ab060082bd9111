// A package.json locked by yarn, pnpm or bun is never edited: Freshen cannot regenerate that lockfile, and a stale one fails the frozen install.
import { ALL_JS_LOCKFILES, unsupportedLockfiles } from '../managers/npm/lockfile-formats.js';
import { PNPM_WORKSPACE, workspaceMatcher, workspacePatterns } from '../managers/npm/lockfiles.js';
import type { ExtractedFile } from './extract.js';
import { dirOf, joinPath, selfAndParents } from './language/shared.js';

const LOCKFILE_UNSUPPORTED = 'lockfile-unsupported';


/**
 * Which package.json files must not be edited, and why. `paths` are the repository's files (read
 * or not: an oversized yarn.lock still counts); `texts` those that were read.
 */
export class LockfileGuard {
  /** Per workspace root: whether it claims a directory below it. Parsed and compiled once. */
  private readonly claimsByRoot = new Map<string, (dir: string) => boolean>();
  private readonly unsupported = unsupportedLockfiles();

  constructor(
    private readonly paths: ReadonlySet<string>,
    private readonly texts: ReadonlyMap<string, string>,
  ) {}

  /** Why this package.json must not be edited, or undefined. */
  skipReason(packageFile: string): string | undefined {
    const dir = dirOf(packageFile);
    const parents = selfAndParents(dir);
    // The nearest directory holding any lockfile is the project root (a workspace root for its members),
    // as npm finds it; anything past it is taken as locked there too, on the careful side.
    const root = parents.find((d) => ALL_JS_LOCKFILES.some((name) => this.paths.has(joinPath(d, name))));
    const nearest = root === undefined ? [] : this.unsupportedIn(root);
    if (nearest.length > 0) return reason(nearest);
    // A workspace member with a package-lock.json of its own is still in its root's yarn.lock or pnpm-lock.yaml.
    for (const above of parents.slice(1)) {
      const found = this.unsupportedIn(above);
      if (found.length > 0 && this.claims(above, dir)) return reason(found);
    }
    return undefined;
  }

  private unsupportedIn(dir: string): string[] {
    return this.unsupported.map((name) => joinPath(dir, name)).filter((p) => this.paths.has(p));
  }

  /** Whether the workspace at `root` lists `dir`; a workspace file that cannot be read claims everything. */
  private claims(root: string, dir: string): boolean {
    let claims = this.claimsByRoot.get(root);
    if (!claims) {
      const matchers = [joinPath(root, 'package.json'), joinPath(root, PNPM_WORKSPACE)]
        .filter((file) => this.paths.has(file))
        .map((file) => {
          const text = this.texts.get(file);
          const patterns = text === undefined ? null : workspacePatterns(text, file);
          return patterns === null ? () => true : workspaceMatcher(patterns);
        });
      claims = (d: string) => matchers.some((m) => m(d));
      this.claimsByRoot.set(root, claims);
    }
    return claims(dir.slice(root.length).replace(/^\//, ''));
  }
}

function reason(lockfiles: string[]): string {
  return `${LOCKFILE_UNSUPPORTED}: Freshen cannot regenerate ${lockfiles.join(' and ')} yet, so this package.json is not edited`;
}

/**
 * Marks the npm dependencies of every such package.json with the reason (those already skipped keep
 * their own): the planner never looks them up, so no scan, `--write` or PR edits the file.
 */
export function skipUnsupportedLockfiles(files: readonly ExtractedFile[], paths: readonly string[]): void {
  const guard = new LockfileGuard(new Set(paths), new Map(files.map((f) => [f.file, f.text])));
  for (const file of files) {
    const deps = file.depsByManager.get('npm') ?? [];
    if (deps.length === 0) continue;
    const why = guard.skipReason(file.file);
    if (!why) continue;
    // The same objects are in extractAll's `dependencies`, so every view of the scan shows the reason.
    for (const dep of deps) dep.skipReason ??= why;
  }
}
