// applyUpdates plus the files tools must regenerate (package-lock.json by real npm); a failed artifact drops its updates.
import { applyUpdates, type ApplyResult } from './apply.js';
import { shownError } from './extract.js';
import { npmFactsOf, regenerateLockfile, type NpmLockfileOptions } from './planners/npm-lockfile.js';
import type { PlannedUpdate } from './types.js';

export type ArtifactOptions = NpmLockfileOptions;

/** The files an update changes: its own, plus the lockfile regenerated for it. */
export function touchedFiles(update: PlannedUpdate): string[] {
  const lockFile = npmFactsOf(update)?.project.lockFile;
  return lockFile ? [update.file, lockFile] : [update.file];
}

/**
 * Applies updates like applyUpdates, then regenerates each npm lockfile they touch. When npm
 * fails, that lockfile's updates are taken back (their package.json edits too) and the error is
 * reported against the lockfile, so no half-updated project is ever written.
 */
export async function applyUpdatesWithArtifacts(
  texts: ReadonlyMap<string, string>,
  updates: readonly PlannedUpdate[],
  options: ArtifactOptions,
): Promise<ApplyResult> {
  const result = applyUpdates(texts, updates);
  const byLockfile = new Map<string, PlannedUpdate[]>();
  for (const update of result.applied) {
    const lockFile = npmFactsOf(update)?.project.lockFile;
    if (lockFile) byLockfile.set(lockFile, [...(byLockfile.get(lockFile) ?? []), update]);
  }
  for (const [lockFile, group] of byLockfile) {
    const outcome = await regenerateLockfile(group, result.files, options);
    if (outcome.text !== undefined) {
      const before = texts.get(lockFile) ?? (await options.readFile(lockFile));
      if (outcome.text !== before) result.files.set(lockFile, outcome.text);
      continue;
    }
    const dropped = new Set(group);
    result.applied = result.applied.filter((u) => !dropped.has(u));
    for (const update of group) result.files.delete(update.file);
    result.errors.push(...group.map((u) => ({ file: u.file, line: u.line, depName: u.depName, message: `not written: npm could not update ${lockFile}` })));
    result.errors.push(outcome.error!);
  }
  result.errors = result.errors.map(shownError);
  return result;
}
