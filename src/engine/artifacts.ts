// applyUpdates plus the lockfiles tools must regenerate (each ArtifactUpdater's); a failed lockfile drops its updates.
import { artifactUpdaters as registeredUpdaters, type ArtifactContext, type ArtifactUpdater, type LockfileOutcome } from '../artifacts/index.js';
import { silentLogger } from '../types.js';
import { applyUpdates, type ApplyResult } from './apply.js';
import { shownError } from './extract.js';
import type { PlannedUpdate } from './types.js';

export type ArtifactOptions = Omit<ArtifactContext, 'log' | 'settings' | 'insecureRegistries'> & Partial<Pick<ArtifactContext, 'log' | 'settings' | 'insecureRegistries'>> & {
  /** Default: every registered updater. */
  updaters?: readonly ArtifactUpdater[];
};

function lockfileOf(update: PlannedUpdate, updaters: readonly ArtifactUpdater[]): { updater: ArtifactUpdater; lockFile: string } | undefined {
  for (const updater of updaters) {
    const lockFile = updater.lockfileOf(update);
    if (lockFile !== undefined) return { updater, lockFile };
  }
  return undefined;
}

/** The files an update changes: its own, plus the lockfile regenerated for it. */
export function touchedFiles(update: PlannedUpdate, updaters: readonly ArtifactUpdater[] = registeredUpdaters): string[] {
  const lockFile = lockfileOf(update, updaters)?.lockFile;
  return lockFile ? [update.file, lockFile] : [update.file];
}

/**
 * Applies updates like applyUpdates, then regenerates each lockfile they touch. When the tool
 * fails, that lockfile's updates are taken back (their manifest edits too) and the error is
 * reported against the lockfile, so no half-updated project is ever written.
 */
export async function applyUpdatesWithArtifacts(texts: ReadonlyMap<string, string>, updates: readonly PlannedUpdate[], options: ArtifactOptions): Promise<ApplyResult> {
  const updaters = options.updaters ?? registeredUpdaters;
  const ctx: ArtifactContext = { log: silentLogger, settings: {}, insecureRegistries: [], ...options };
  const result = applyUpdates(texts, updates);
  const groups = new Map<string, { updater: ArtifactUpdater; lockFile: string; updates: PlannedUpdate[] }>();
  for (const update of result.applied) {
    const found = lockfileOf(update, updaters);
    if (!found) continue;
    const key = `${found.updater.name}\0${found.lockFile}`;
    const group = groups.get(key) ?? { ...found, updates: [] };
    group.updates.push(update);
    groups.set(key, group);
  }
  for (const { updater, lockFile, updates: group } of groups.values()) {
    const outcome: LockfileOutcome = await updater.regenerate(lockFile, group, result.files, ctx).catch((err: unknown): LockfileOutcome => ({
      lockFile,
      error: { file: lockFile, message: `${updater.name}: ${(err as Error).message}` },
    }));
    if (outcome.files) {
      for (const [path, text] of outcome.files) {
        const before = texts.get(path) ?? (await ctx.readFile(path));
        if (text !== before) result.files.set(path, text);
        else if (!texts.has(path)) result.files.delete(path);
      }
      continue;
    }
    const dropped = new Set(group);
    result.applied = result.applied.filter((u) => !dropped.has(u));
    for (const update of group) result.files.delete(update.file);
    result.errors.push(...group.map((u) => ({ file: u.file, line: u.line, depName: u.depName, message: `not written: ${updater.name} could not update ${lockFile}` })));
    if (outcome.error) result.errors.push(outcome.error);
  }
  result.errors = result.errors.map(shownError);
  return result;
}
