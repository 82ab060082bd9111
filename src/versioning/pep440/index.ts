// Python (PEP 440) versions and specifiers, on top of `@renovatebot/pep440`.
import * as pep440Lib from '@renovatebot/pep440';
import type { Versioning } from '../../types.js';
import { leadingNumbers, updateTypeByNumbers } from '../update-type.js';

export function isValid(version: string): boolean {
  return pep440Lib.valid(version) !== null;
}

export function compare(a: string, b: string): number {
  return Math.sign(pep440Lib.compare(a, b));
}

/** Neither a pre-release (`1.0a1`, `1.0rc1`) nor a development release (`1.0.dev1`); `1.0.post1` is stable. */
export function isStable(version: string): boolean {
  const parsed = pep440Lib.explain(version);
  return parsed !== null && !parsed.is_prerelease && !parsed.is_devrelease;
}

export function isValidSpecifier(specifier: string): boolean {
  return pep440Lib.validRange(specifier);
}

/** Whether `version` meets a specifier such as `>=1.2,<2` or `~=1.4.2` (pre-releases only if named). */
export function satisfies(version: string, specifier: string): boolean {
  return pep440Lib.satisfies(version, specifier);
}

/** By the release segment, the epoch ignored (`1!2.3.post1` → [2, 3]). */
export function updateType(from: string, to: string): 'major' | 'minor' | 'patch' {
  const release = (v: string) => leadingNumbers(v.trim().replace(/^v/i, '').replace(/^\d+!/, ''));
  return updateTypeByNumbers(release(from), release(to));
}

export const pep440 = {
  name: 'pep440',
  isValid,
  compare,
  isStable,
  updateType,
  isValidSpecifier,
  satisfies,
} satisfies Versioning & Record<string, unknown>;
