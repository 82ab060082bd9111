// Turns a scan's result into the snapshot the status issue and `/freshen status` show.
import type { DashboardSnapshot } from '../dashboard/from-scan.js';
import { isIgnored } from '../engine/index.js';
import type { HeldUpdate, PlannedUpdate } from '../engine/types.js';
import type { UnmaintainedBase } from '../insight/unmaintained.js';
import { repoProcess, type RepoConfig } from '../config/repo-config.js';
import { processForImage } from '../rebuild/process.js';
import type { StatusImage } from '../rebuild/status-issue.js';
import type { FloatingBaseImage } from '../rebuild/types.js';
import type { Dependency } from '../types.js';
import type { StatusSnapshot } from './repo-status.js';

export interface SnapshotInput {
  config: RepoConfig;
  dependencies: readonly Dependency[];
  /** Dependencies ignored by `/freshen ignore`. */
  ignored: readonly string[];
  updates: readonly PlannedUpdate[];
  /** The floating base images on the rebuild process. */
  images: readonly FloatingBaseImage[];
  /** Updates held back (release age, schedule, prLimit, a blocking package pin). */
  held?: readonly HeldUpdate[];
  dashboard?: DashboardSnapshot;
  now?: Date;
}

/** One row per image reference on the pinned process, with where it is used. */
function pinnedRows(input: SnapshotInput): StatusImage[] {
  const ignore = [...input.config.ignore, ...input.ignored];
  const rows = new Map<string, StatusImage>();
  for (const dep of input.dependencies) {
    if (dep.datasource !== 'docker' || dep.skipReason || isIgnored(dep, ignore)) continue;
    if (processForImage(input.config, dep.depName, dep.currentValue, dep.reference) !== 'pinned') continue;
    const reference = dep.reference ?? dep.depName;
    const unmaintained = dep.extra?.unmaintained;
    const row = rows.get(reference) ?? { reference, process: 'pinned', usedIn: [], currentDigest: dep.currentDigest, ...(unmaintained ? { unmaintained } : {}) };
    row.usedIn!.push(`${dep.file}:${dep.line}`);
    rows.set(reference, row);
  }
  return [...rows.values()];
}

/** `name:tag` → why that base is no longer maintained, for the rebuild rows (the ledger's keys). */
function unmaintainedBases(input: SnapshotInput): Record<string, UnmaintainedBase> {
  const bases: Record<string, UnmaintainedBase> = {};
  for (const dep of input.dependencies) {
    const base = dep.extra?.unmaintained;
    if (base && dep.datasource === 'docker') bases[`${dep.depName}:${dep.currentValue}`] = base;
  }
  return bases;
}

export function statusSnapshot(input: SnapshotInput): StatusSnapshot {
  const unmaintained = unmaintainedBases(input);
  return {
    pinned: pinnedRows(input),
    floating: [...input.images],
    currentDigests: {},
    pendingUpdates: input.updates.map((u) => ({ depName: u.depName, from: u.from, to: u.to })),
    held: (input.held ?? []).map((h) => ({ depName: h.update.depName, from: h.update.from, to: h.update.to, reason: h.reason, ...(h.eligibleAt ? { eligibleAt: h.eligibleAt } : {}) })),
    ...(input.dashboard ? { dashboard: input.dashboard } : {}),
    lastRun: (input.now ?? new Date()).toISOString(),
    usesRebuild: repoProcess(input.config) !== 'pinned',
    ...(Object.keys(unmaintained).length > 0 ? { unmaintained } : {}),
  };
}
