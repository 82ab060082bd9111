// The dashboard's share of one scan: dependencies by file, pending and held updates, errors, repeatability findings.
import { managerByName } from '../engine/extract.js';
import type { FileSource, HeldUpdate, PlannedUpdate } from '../engine/types.js';
import { repeatabilityReport, type RepeatabilityFinding } from '../report/repeatability.js';
import type { Dependency, LocatedError } from '../types.js';
import { updateKey, type DashboardDependency, type DashboardHeld, type DashboardUpdate } from './render.js';

/** What the dashboard shows of the last scan; kept in the status snapshot. */
export interface DashboardSnapshot {
  /** Config `dashboard`; false: only a repository on the rebuild process keeps its status issue. */
  enabled: boolean;
  dependencies: DashboardDependency[];
  updates: DashboardUpdate[];
  held: DashboardHeld[];
  errors: LocatedError[];
  repeatability: RepeatabilityFinding[];
}

export interface ScanFacts {
  enabled: boolean;
  dependencies: readonly Dependency[];
  /** The PR groups of the updates Freshen proposes (declined and ignored ones already left out). */
  groups: ReadonlyMap<string, readonly PlannedUpdate[]>;
  /** Group → number of the open PR that proposes it. */
  prs: Readonly<Record<string, number>>;
  /** Groups whose PR was not opened because prLimit was reached (their updates are in `held`). */
  overLimit: readonly string[];
  held: readonly HeldUpdate[];
  /** Scan errors and updates that could not be written (npm failing...). */
  errors: readonly LocatedError[];
  repeatability: RepeatabilityFinding[];
}

const PR_LIMIT = 'prLimit: ';

/** Updates the schedule holds back may be opened now by ticking their box. */
export function heldBySchedule(held: HeldUpdate): boolean {
  return held.kind === 'schedule';
}

/** Held by the schedule or prLimit: ticking its box opens it now. */
export function openableNow(held: HeldUpdate): boolean {
  return held.kind === 'schedule' || held.kind === 'pr-limit';
}

/** The updates of the groups whose PR prLimit kept from opening, as held updates. */
export function heldByPrLimit(groups: ReadonlyMap<string, readonly PlannedUpdate[]>, overLimit: readonly string[], prLimit: number): HeldUpdate[] {
  const reason = `${PR_LIMIT}${prLimit} Freshen PR${prLimit === 1 ? ' is' : 's are'} already open`;
  return overLimit.flatMap((group) => (groups.get(group) ?? []).map((update) => ({ update, kind: 'pr-limit' as const, reason })));
}

function heldRow(update: PlannedUpdate, reason: string, eligibleAt: string | undefined, tickable: boolean): DashboardHeld {
  return {
    depName: update.depName, from: update.from, to: update.to, reason,
    ...(eligibleAt ? { eligibleAt } : {}),
    ...(tickable ? { key: updateKey(update) } : {}),
  };
}

export function dashboardSnapshot(facts: ScanFacts): DashboardSnapshot {
  const over = new Set(facts.overLimit);
  const updates: DashboardUpdate[] = [];
  const held: DashboardHeld[] = facts.held.map((h) => heldRow(h.update, h.reason, h.eligibleAt, openableNow(h)));
  for (const [group, list] of facts.groups) {
    if (over.has(group)) continue;
    for (const u of list) {
      const pr = facts.prs[group];
      updates.push({ file: u.file, line: u.line, depName: u.depName, from: u.from, to: u.to, ...(pr ? { pr: `#${pr}` } : {}) });
    }
  }
  return {
    enabled: facts.enabled,
    dependencies: facts.dependencies.map((d) => ({
      file: d.file, line: d.line, manager: d.manager, depName: d.depName, currentValue: d.currentValue, currentDigest: d.currentDigest,
      ...(d.skipReason ? { skipReason: d.skipReason } : {}),
    })),
    updates,
    held,
    errors: facts.errors.map((e) => ({ ...e })),
    repeatability: facts.repeatability,
  };
}

/** The repeatability report of every Dockerfile in the scanned tree. */
export async function repeatabilityOf(source: FileSource, options: { pinned: boolean }): Promise<RepeatabilityFinding[]> {
  const dockerfile = managerByName('dockerfile');
  const files = (await source.list()).filter((path) => dockerfile.matches(path)).sort();
  const findings: RepeatabilityFinding[] = [];
  for (const file of files) {
    const text = await source.read(file).catch(() => undefined);
    if (text !== undefined) findings.push(...repeatabilityReport(file, text, options));
  }
  return findings;
}
