// Go module versions: semantic versions with a leading `v`, `+incompatible` and pseudo-versions, ordered as the go command orders them.
import type { Versioning } from '../../types.js';

interface GoVersion {
  major: string;
  minor: string;
  patch: string;
  prerelease: string[];
  build: string;
  /** Written as `v1` or `v1.2`: valid for comparison, never in a go.mod. */
  shorthand: boolean;
}

const NUMBER = /^(0|[1-9][0-9]*)$/;
const IDENTIFIER = /^[0-9A-Za-z-]+$/;

function parseIdentifiers(text: string, numericRule: boolean): string[] | null {
  const parts = text.split('.');
  for (const part of parts) {
    if (!IDENTIFIER.test(part)) return null;
    // Numeric pre-release identifiers have no leading zeros; build identifiers may.
    if (numericRule && /^[0-9]+$/.test(part) && !NUMBER.test(part)) return null;
  }
  return parts;
}

/** The parts of a Go semantic version (`v1.2.3-pre+meta`, `v1`, `v1.2`), or null when Go would not accept it. */
export function parse(version: string): GoVersion | null {
  const match = /^v([0-9]+)(?:\.([0-9]+)(?:\.([0-9]+))?)?(?:-([^+]*))?(?:\+(.*))?$/.exec(version);
  if (!match) return null;
  const [, major = '', minor, patch, pre, build] = match;
  if (![major, minor, patch].every((n) => n === undefined || NUMBER.test(n))) return null;
  const shorthand = patch === undefined;
  if (shorthand && (pre !== undefined || build !== undefined)) return null;
  const prerelease = pre === undefined ? [] : parseIdentifiers(pre, true);
  if (prerelease === null) return null;
  if (build !== undefined && parseIdentifiers(build, false) === null) return null;
  return { major, minor: minor ?? '0', patch: patch ?? '0', prerelease, build: build ?? '', shorthand };
}

export function isValid(version: string): boolean {
  return parse(version) !== null;
}

/** Numbers of any length compare as numbers: `v1.2.99999999999999999` is a valid version. */
function compareNumbers(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

function compareIdentifiers(a: string, b: string): number {
  const aNumeric = /^[0-9]+$/.test(a);
  const bNumeric = /^[0-9]+$/.test(b);
  if (aNumeric && bNumeric) return compareNumbers(a, b);
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrerelease(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const diff = compareIdentifiers(a[i]!, b[i]!);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

function parsed(version: string): GoVersion {
  const v = parse(version);
  if (!v) throw new Error(`"${version}" is not a Go module version`);
  return v;
}

/** Build metadata (`+incompatible`) does not take part in the order, as in Go's semver.Compare. */
export function compare(a: string, b: string): number {
  const x = parsed(a);
  const y = parsed(b);
  const diff = compareNumbers(x.major, y.major) || compareNumbers(x.minor, y.minor) || compareNumbers(x.patch, y.patch);
  return Math.sign(diff || comparePrerelease(x.prerelease, y.prerelease));
}

// vX.0.0-yyyymmddhhmmss-hash, vX.Y.(Z+1)-0.yyyymmddhhmmss-hash, vX.Y.Z-pre.0.yyyymmddhhmmss-hash.
const PSEUDO = /^v[0-9]+\.(?:0\.0-|[0-9]+\.[0-9]+-(?:[^+]*\.)?0\.)([0-9]{14})-[A-Za-z0-9]+(?:\+[0-9A-Za-z.-]+)?$/;

/** A version the go command made up for an untagged commit. */
export function isPseudoVersion(version: string): boolean {
  return isValid(version) && PSEUDO.test(version);
}

/** The commit time a pseudo-version carries, as ISO 8601 (`20240101120000` → `2024-01-01T12:00:00Z`). */
export function pseudoVersionTime(version: string): string | undefined {
  const stamp = isPseudoVersion(version) ? PSEUDO.exec(version)?.[1] : undefined;
  if (!stamp) return undefined;
  return `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(8, 10)}:${stamp.slice(10, 12)}:${stamp.slice(12, 14)}Z`;
}

/** A release without a pre-release part; pseudo-versions are pre-releases too. `+incompatible` does not matter. */
export function isStable(version: string): boolean {
  const v = parse(version);
  return v !== null && v.prerelease.length === 0;
}

/** As a go.mod must write it: all three numbers (`v1.2.0`, never `v1.2`), build metadata only `+incompatible`. */
export function isCanonical(version: string): boolean {
  const v = parse(version);
  return v !== null && !v.shorthand && (v.build === '' || v.build === 'incompatible');
}

/** `v2.0.0+incompatible`: a major version ≥ 2 of a module without a go.mod, kept at its old path. */
export function isIncompatible(version: string): boolean {
  const v = parse(version);
  return v !== null && v.build === 'incompatible';
}

export function getMajor(version: string): number {
  return Number(parsed(version).major);
}

export function updateType(from: string, to: string): 'major' | 'minor' | 'patch' {
  const a = parsed(from);
  const b = parsed(to);
  if (a.major !== b.major) return 'major';
  return a.minor !== b.minor ? 'minor' : 'patch';
}

export const go = {
  name: 'go',
  isValid,
  compare,
  isStable,
  updateType,
  getMajor,
  isCanonical,
  isIncompatible,
  isPseudoVersion,
  pseudoVersionTime,
} satisfies Versioning & Record<string, unknown>;
