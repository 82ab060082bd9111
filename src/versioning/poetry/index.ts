// Poetry's version constraints (`^1.2`, `~1.2.3`, `~=1.4`, `1.*`, `>=1.2,<2.0`, `a || b`) over PEP 440 versions.
import type { Versioning } from '../../types.js';
import * as pep440 from '../pep440/index.js';
import { parseConstraint, type Clause, type Constraint } from './parse.js';

export { parseConstraint, type Clause, type Constraint } from './parse.js';

/** Release numbers of a PEP 440 version, epoch dropped (`1!2.3.post1` → [2, 3]). */
export function releaseOf(version: string): number[] {
  const match = /^(?:\d+!)?(\d+(?:\.\d+)*)/.exec(version.trim().replace(/^v/i, ''));
  return match ? match[1]!.split('.').map(Number) : [];
}

function isPre(version: string): boolean {
  return !pep440.isStable(version);
}

function sameRelease(a: readonly number[], b: readonly number[]): boolean {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return false;
  return true;
}

/** `<V` with a final V admits no pre-release of V itself (PEP 440, as Poetry reads it). */
function below(version: string, bound: string): boolean {
  if (pep440.compare(version, bound) >= 0) return false;
  return isPre(bound) || !isPre(version) || !sameRelease(releaseOf(version), releaseOf(bound));
}

/** The release the next "step" begins at: bump `parts[index]`, drop what follows. */
function nextAt(parts: readonly number[], index: number): string {
  const next = parts.slice(0, index + 1).map((n, i) => (i === index ? n + 1 : n));
  return next.join('.');
}

/** The half-open interval [low, high) a caret, tilde, `~=` or wildcard clause stands for. */
export function bounds(clause: Clause): { low: string; high?: string } | null {
  const parts = releaseOf(clause.version);
  switch (clause.operator) {
    case '^': {
      // The first non-zero part may not change; `^0.0` and `^0` stop at their last written part.
      const firstNonZero = parts.findIndex((n) => n !== 0);
      const index = firstNonZero === -1 ? parts.length - 1 : firstNonZero;
      return { low: clause.version, high: nextAt(parts, index) };
    }
    case '~':
      return { low: clause.version, high: nextAt(parts, parts.length === 1 ? 0 : 1) };
    case '~=':
      return { low: clause.version, high: nextAt(parts, Math.max(0, parts.length - 2)) };
    case '*':
      return { low: parts.join('.'), high: nextAt(parts, parts.length - 1) };
    default:
      return null;
  }
}

function clauseAllows(clause: Clause, version: string): boolean {
  const range = bounds(clause);
  if (range) {
    if (clause.negated) return !(pep440.compare(version, range.low) >= 0 && below(version, range.high!));
    return pep440.compare(version, range.low) >= 0 && (range.high === undefined || below(version, range.high));
  }
  const order = () => pep440.compare(version, clause.version);
  switch (clause.operator) {
    case 'any':
      return true;
    case '>=':
      return order() >= 0;
    case '>':
      return order() > 0;
    case '<=':
      return order() <= 0;
    case '<':
      return below(version, clause.version);
    case '!=':
      return order() !== 0;
    default:
      return order() === 0;
  }
}

/** Whether `version` satisfies the constraint as Poetry reads it; false for text that is no constraint. */
export function matches(version: string, range: string): boolean {
  if (!pep440.isValid(version)) return false;
  const parsed = parseConstraint(range);
  if (!parsed) return false;
  return parsed.alternatives.some((clauses) => clauses.every((clause) => clauseAllows(clause, version)));
}

export function isValidConstraint(range: string): boolean {
  return parseConstraint(range) !== null;
}

/** `target` cut to `count` release parts (`2.1.5`, 2 → `2.1`), or whole when it has more than a release. */
function withPrecision(target: string, count: number): string {
  if (!/^\d+(\.\d+)*$/.test(target)) return target;
  const parts = releaseOf(target);
  return Array.from({ length: count }, (_, i) => parts[i] ?? 0).join('.');
}

/** The new version text of one clause so it admits `target`, its written precision kept. */
function bumpedVersion(clause: Clause, target: string): string | null {
  const written = releaseOf(clause.version).length;
  switch (clause.operator) {
    case '^':
    case '~':
    case '~=':
    case '*':
      return withPrecision(target, clause.operator === '~=' ? Math.max(2, written) : written);
    case '<': {
      // `<2.0` + 2.1.0 → `<3.0`: the same step past the target, at the written precision.
      const parts = releaseOf(clause.version);
      const step = Math.max(0, parts.findLastIndex((n) => n !== 0));
      const next = releaseOf(target).slice(0, step + 1).map((n, i) => (i === step ? n + 1 : n));
      return Array.from({ length: written }, (_, i) => next[i] ?? 0).join('.');
    }
    case '<=':
    case '==':
    case '=':
    case '':
      return target;
    default:
      return null;
  }
}

function replaceClause(range: string, clause: Clause, version: string): string {
  return range.slice(0, clause.versionStart) + version + range.slice(clause.versionEnd);
}

/**
 * `range` rewritten in its own syntax to admit `version`, or null when it cannot be. Unchanged when
 * it already admits it. Caret, tilde, `~=`, wildcards and pins move to the new version at their
 * written precision (`^1.2` + 2.1.0 → `^2.1`, `~1.2.3` + 1.4.0 → `~1.4.0`); an upper bound moves
 * one step past it (`>=1.2,<2.0` + 2.1.0 → `>=1.2,<3.0`, the lower bound held); a union keeps its
 * alternatives and gains one for the new version (`^1.0 || ^2.0` + 3.1.0 → `^1.0 || ^2.0 || ^3.1`).
 */
export function bumpRange(range: string, version: string): string | null {
  if (!pep440.isValid(version)) throw new Error(`invalid version "${version}"`);
  const parsed = parseConstraint(range);
  if (!parsed) return null;
  if (matches(version, range)) return range;
  if (parsed.alternatives.length > 1) {
    const last = parsed.alternatives.at(-1)!;
    const text = range.slice(last[0]!.start, last.at(-1)!.end);
    const bumped = bumpRange(text, version);
    return bumped === null ? null : `${range.trimEnd()} || ${bumped}`;
  }
  let out = range;
  // Later clauses first, so earlier offsets stay valid.
  for (const clause of [...parsed.alternatives[0]!].reverse()) {
    if (clause.negated || clauseAllows(clause, version)) continue;
    const next = bumpedVersion(clause, version);
    if (next === null) return null;
    out = replaceClause(out, clause, next);
  }
  return matches(version, out) ? out : null;
}

export const poetry = {
  name: 'poetry',
  isValid: pep440.isValid,
  compare: pep440.compare,
  isStable: pep440.isStable,
  updateType: pep440.updateType,
  matches,
  bumpRange,
  isValidConstraint,
} satisfies Versioning & Record<string, unknown>;
