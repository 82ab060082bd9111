// Docker tag versioning: which tags are versions, which are compatible, and which to propose.
import type { Versioning } from '../../types.js';
import { compareParsed, parseTag, type DockerTag } from './tag.js';

export { parseTag, type DockerTag } from './tag.js';

export type TagUpdateType = 'major' | 'minor' | 'patch';

export interface TagUpdates {
  /** Newest compatible tag with the same major: a minor or patch update. */
  nonMajor?: string;
  /** Newest compatible tag with a higher major, proposed on its own. */
  major?: string;
}

function mustParse(tag: string): DockerTag {
  const parsed = parseTag(tag);
  if (!parsed) throw new Error(`tag "${tag}" is not a version`);
  return parsed;
}

/** False for tags such as `latest`, `stable` or `bookworm`: those only get digest updates. */
export function isVersion(tag: string): boolean {
  return parseTag(tag) !== null;
}

export function isStable(tag: string): boolean {
  const parsed = parseTag(tag);
  return parsed !== null && parsed.prerelease === undefined;
}

export function compare(a: string, b: string): number {
  return compareParsed(mustParse(a), mustParse(b));
}

function sameShape(a: DockerTag, b: DockerTag): boolean {
  return a.prefix === b.prefix && a.suffix === b.suffix && a.release.length === b.release.length;
}

/**
 * A tag can replace the current one only with the very same suffix and as many version parts:
 * `20-alpine` → `22-alpine` (not `22-alpine3.20`), `3.12` → `3.13` (not `3.13.1`).
 */
export function isCompatible(candidate: string, current: string): boolean {
  const a = parseTag(candidate);
  const b = parseTag(current);
  return a !== null && b !== null && sameShape(a, b);
}

export function getMajor(tag: string): number | null {
  return parseTag(tag)?.release[0] ?? null;
}

export function getMinor(tag: string): number | null {
  return parseTag(tag)?.release[1] ?? null;
}

export function getPatch(tag: string): number | null {
  return parseTag(tag)?.release[2] ?? null;
}

export function getUpdateType(from: string, to: string): TagUpdateType {
  const a = mustParse(from).release;
  const b = mustParse(to).release;
  if (a[0] !== b[0]) return 'major';
  if ((a[1] ?? 0) !== (b[1] ?? 0)) return 'minor';
  return 'patch';
}

/** Prereleases are offered only to a prerelease of the very same release (`3.14.0rc1` → `3.14.0rc2`). */
function stabilityAllows(candidate: DockerTag, current: DockerTag): boolean {
  if (candidate.prerelease === undefined) return true;
  if (current.prerelease === undefined) return false;
  return compareParsed({ ...candidate, prerelease: undefined }, { ...current, prerelease: undefined }) === 0;
}

function newer(best: string | undefined, tag: string): string {
  return best === undefined || compare(tag, best) > 0 ? tag : best;
}

/** The tags to propose for `current` among a repository's `tags`; nothing when `current` is not a version. */
export function pickUpdates(current: string, tags: readonly string[]): TagUpdates {
  const now = parseTag(current);
  if (!now) return {};
  let nonMajor: string | undefined;
  let major: string | undefined;
  for (const tag of tags) {
    const candidate = parseTag(tag);
    if (!candidate || !sameShape(candidate, now) || !stabilityAllows(candidate, now)) continue;
    if (compareParsed(candidate, now) <= 0) continue;
    if (candidate.release[0] === now.release[0]) nonMajor = newer(nonMajor, tag);
    else major = newer(major, tag);
  }
  const updates: TagUpdates = {};
  if (nonMajor !== undefined) updates.nonMajor = nonMajor;
  if (major !== undefined) updates.major = major;
  return updates;
}

export const docker = {
  name: 'docker',
  isValid: isVersion,
  compare,
  parseTag,
  isVersion,
  isStable,
  isCompatible,
  getMajor,
  getMinor,
  getPatch,
  getUpdateType,
  updateType: getUpdateType,
  pickUpdates,
} satisfies Versioning & Record<string, unknown>;
