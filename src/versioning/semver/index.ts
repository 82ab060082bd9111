// npm-style semantic versions and ranges, on top of the `semver` package.
import semverLib from 'semver';
import type { Versioning } from '../../types.js';

export function isValid(version: string): boolean {
  return semverLib.valid(version) !== null;
}

export function compare(a: string, b: string): number {
  return semverLib.compare(a, b);
}

/** A release without a prerelease part (`1.2.3`, not `1.2.3-rc.1`). */
export function isStable(version: string): boolean {
  return isValid(version) && semverLib.prerelease(version) === null;
}

export function isValidRange(range: string): boolean {
  return semverLib.validRange(range) !== null;
}

export function satisfies(version: string, range: string): boolean {
  return semverLib.satisfies(version, range);
}

export function getMajor(version: string): number {
  return semverLib.major(version);
}

// `^1.2.3`, `~1.2`, `1.2.3`, `=1.2.3`, `v1.2.3`, `>=1.2.3`, `>= 1.2`: one operator, one version.
const SIMPLE_RANGE = /^(\^|~|=|>=|)(\s*)(v?)(\d+(?:\.\d+){0,2})((?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;
// `1.x`, `1.2.x`, `1.*`: the wildcard style keeps its wildcard.
const X_RANGE = /^(\d+)(\.\d+)?\.([xX*])$/;

/** The new version cut to as many parts as the range wrote (`^1.2` + 1.4.0 → `1.4`). */
function keepPrecision(written: string, newVersion: semverLib.SemVer): string {
  const parts = written.split('.').length;
  if (parts >= 3 || newVersion.prerelease.length > 0) return newVersion.version;
  return [newVersion.major, newVersion.minor].slice(0, parts).join('.');
}

/**
 * Rewrites a dependency range so it allows `newVersion`, keeping its style: `^1.2.3` → `^1.4.0`,
 * `~1.2.3` → `~1.4.0`, `1.2.3` → `1.4.0`, `1.x` → `2.x`; `>=1.2.3` stays when it already allows
 * the new version, else becomes `>=1.4.0`. Returns null for a range style it cannot rewrite
 * (`||`, hyphen ranges, upper bounds) that does not already allow the new version.
 */
export function bumpRange(range: string, newVersion: string): string | null {
  const target = semverLib.parse(newVersion);
  if (!target) throw new Error(`invalid version "${newVersion}"`);
  const trimmed = range.trim();
  const simple = SIMPLE_RANGE.exec(trimmed);
  if (simple) {
    const [, operator = '', space = '', v = '', written = '', tail = ''] = simple;
    if (operator === '>=' && semverLib.satisfies(target, trimmed)) return range;
    const version = tail === '' ? keepPrecision(written, target) : target.version;
    return `${operator}${space}${v}${version}`;
  }
  const wildcard = X_RANGE.exec(trimmed);
  if (wildcard) {
    const [, , minor, star = 'x'] = wildcard;
    const head = minor === undefined ? `${target.major}` : `${target.major}.${target.minor}`;
    return `${head}.${star}`;
  }
  if (isValidRange(trimmed) && semverLib.satisfies(target, trimmed)) return range;
  return null;
}

export function updateType(from: string, to: string): 'major' | 'minor' | 'patch' {
  const diff = semverLib.diff(from, to);
  if (diff === 'major' || diff === 'premajor') return 'major';
  return diff === 'minor' || diff === 'preminor' ? 'minor' : 'patch';
}

export const semver = {
  name: 'semver',
  isValid,
  compare,
  isStable,
  updateType,
  isValidRange,
  satisfies,
  matches: satisfies,
  bumpRange,
  getMajor,
} satisfies Versioning & Record<string, unknown>;
