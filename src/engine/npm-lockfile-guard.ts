// A package.json locked by yarn, pnpm or bun is never edited: Freshen cannot regenerate that lockfile, and a stale one fails the frozen install.
import { NPM_LOCKFILES, PNPM_WORKSPACE, UNSUPPORTED_LOCKFILES, inWorkspace, workspacePatterns } from '../managers/npm/lockfiles.js';
import type { ExtractedFile } from './extract.js';
import { dirOf, joinPath, selfAndParents } from './language/shared.js';

export const LOCKFILE_UNSUPPORTED = 'lockfile-unsupported';

const ALL_LOCKFILES = [...NPM_LOCKFILES, ...UNSUPPORTED_LOCKFILES];

/**
 * Why a package.json must not be edited, or undefined. `paths` are the repository's files (read
 * or not: an oversized yarn.lock still counts); `texts` those that were read.
 */
export function lockfileSkipReason(packageFile: string, paths: ReadonlySet<string>, texts: ReadonlyMap<string, string>): string | undefined {
  const unsupportedIn = (dir: string) => UNSUPPORTED_LOCKFILES.map((name) => joinPath(dir, name)).filter((p) => paths.has(p));
  const dir = dirOf(packageFile);
  const parents = selfAndParents(dir);
  // The nearest directory holding any lockfile is the project root (a workspace root for its members),
  // as npm finds it; anything past it is taken as locked there too, on the careful side.
  const root = parents.find((d) => ALL_LOCKFILES.some((name) => paths.has(joinPath(d, name))));
  const nearest = root === undefined ? [] : unsupportedIn(root);
  if (nearest.length > 0) return reason(nearest);
  // A workspace member with a package-lock.json of its own is still in its root's yarn.lock or pnpm-lock.yaml.
  for (const above of parents.slice(1)) {
    const found = unsupportedIn(above);
    if (found.length > 0 && claims(above, dir, paths, texts)) return reason(found);
  }
  return undefined;
}

function reason(lockfiles: string[]): string {
  return `${LOCKFILE_UNSUPPORTED}: Freshen cannot regenerate ${lockfiles.join(' and ')} yet, so this package.json is not edited`;
}

/** Whether the workspace at `root` lists `dir`; a workspace file that cannot be read claims everything. */
function claims(root: string, dir: string, paths: ReadonlySet<string>, texts: ReadonlyMap<string, string>): boolean {
  const rel = dir.slice(root.length).replace(/^\//, '');
  for (const file of [joinPath(root, 'package.json'), joinPath(root, PNPM_WORKSPACE)]) {
    if (!paths.has(file)) continue;
    const text = texts.get(file);
    const patterns = text === undefined ? null : workspacePatterns(text, file);
    if (patterns === null || inWorkspace(patterns, rel)) return true;
  }
  return false;
}

/**
 * Marks the npm dependencies of every such package.json with the reason (those already skipped keep
 * their own): the planner never looks them up, so no scan, `--write` or PR edits the file.
 */
export function skipUnsupportedLockfiles(files: readonly ExtractedFile[], paths: readonly string[]): void {
  const present = new Set(paths);
  const texts = new Map(files.map((f) => [f.file, f.text]));
  for (const file of files) {
    const deps = file.depsByManager.get('npm') ?? [];
    if (deps.length === 0) continue;
    const why = lockfileSkipReason(file.file, present, texts);
    if (!why) continue;
    // The same objects are in extractAll's `dependencies`, so every view of the scan shows the reason.
    for (const dep of deps) dep.skipReason ??= why;
  }
}
