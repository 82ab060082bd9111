// Which PR each update goes in: configured groups first, then non-major together, each major alone.
import { minimatch } from 'minimatch';
import type { PlannedUpdate } from '../engine/types.js';
import type { GroupConfig, RepoConfig } from './repo-config.js';

/** Branch-name part for the default group of non-major updates. */
export const DEFAULT_GROUP = 'container-images';
export const BRANCH_PREFIX = 'freshen/';

export function branchFor(group: string): string {
  return `${BRANCH_PREFIX}${group}`;
}

export function groupFromBranch(branch: string): string | null {
  return branch.startsWith(BRANCH_PREFIX) ? branch.slice(BRANCH_PREFIX.length) : null;
}

/** True when a dependency name or file path matches one of the globs. */
export function matchesAny(update: Pick<PlannedUpdate, 'depName' | 'file'>, globs: string[]): boolean {
  return globs.some((glob) => {
    const opts = { dot: true, nocase: false };
    return (
      minimatch(update.depName, glob, opts) ||
      minimatch(shortDepName(update.depName), glob, opts) ||
      minimatch(update.file, glob, { ...opts, matchBase: !glob.includes('/') })
    );
  });
}

/** Groups updates by PR; the result is ordered: named groups, default group, then majors by name. */
export function groupUpdates(updates: PlannedUpdate[], config: Pick<RepoConfig, 'groups' | 'ignore'>): Map<string, PlannedUpdate[]> {
  const groups = new Map<string, PlannedUpdate[]>();
  for (const update of updates) {
    if (matchesAny(update, config.ignore)) continue;
    const key = groupKey(update, config);
    const list = groups.get(key) ?? [];
    list.push(update);
    groups.set(key, list);
  }
  return new Map([...groups].sort(([a], [b]) => rank(a, config) - rank(b, config) || a.localeCompare(b)));
}

function groupKey(update: Pick<PlannedUpdate, 'depName' | 'file' | 'updateType' | 'extra'>, config: Pick<RepoConfig, 'groups'>): string {
  // OS package pins re-resolved for a base image update go wherever that update goes (one commit).
  const tiedTo = update.extra?.atomicWith;
  if (tiedTo) return groupKey(tiedTo, config);
  const isMajor = update.updateType === 'major';
  const named = config.groups.find((g) => inGroup(update, g));
  if (named) return named.name;
  if (!isMajor) return DEFAULT_GROUP;
  return `major-${slug(shortDepName(update.depName))}`;
}

/** Name globs and update types must both fit when given; majors join only when the group asks for them. */
function inGroup(update: Pick<PlannedUpdate, 'depName' | 'file' | 'updateType'>, group: GroupConfig): boolean {
  if (group.match && !matchesAny(update, group.match)) return false;
  if (group.matchUpdateTypes && !group.matchUpdateTypes.includes(update.updateType)) return false;
  return update.updateType !== 'major' || group.includeMajor || group.matchUpdateTypes?.includes('major') === true;
}

function rank(key: string, config: Pick<RepoConfig, 'groups'>): number {
  if (config.groups.some((g) => g.name === key)) return 0;
  return key === DEFAULT_GROUP ? 1 : 2;
}

function shortDepName(depName: string): string {
  const parts = depName.split('/');
  if (parts[0] !== 'docker.io') return depName;
  return (parts[1] === 'library' ? parts.slice(2) : parts.slice(1)).join('/');
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'image';
}
