// Versions as tools tag them: dotted numbers (`1.17`, `v0.19.0`, `2.4.1.3`) with an optional pre-release suffix (`-rc1`, `beta2`).
import type { Versioning } from '../../types.js';

const VERSION = /^[vV]?(\d+(?:\.\d+){0,5})(?:[-+~._]?([0-9A-Za-z][0-9A-Za-z.-]*))?$/;

interface Parsed {
  numbers: number[];
  suffix: string;
}

function parse(version: string): Parsed | null {
  const m = VERSION.exec(version);
  if (!m) return null;
  return { numbers: m[1]!.split('.').map(Number), suffix: m[2] ?? '' };
}

export function isValid(version: string): boolean {
  return parse(version) !== null;
}

/** Numbers only: no `-rc1`, `beta`, `-alpha.2`. */
export function isStable(version: string): boolean {
  const parsed = parse(version);
  return parsed !== null && parsed.suffix === '';
}

/** Numbers compare part by part (a missing part is 0); a suffix comes before the plain release. */
export function compare(a: string, b: string): number {
  const pa = parse(a)!;
  const pb = parse(b)!;
  for (let i = 0; i < Math.max(pa.numbers.length, pb.numbers.length); i++) {
    const diff = (pa.numbers[i] ?? 0) - (pb.numbers[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (pa.suffix === pb.suffix) return 0;
  if (pa.suffix === '') return 1;
  if (pb.suffix === '') return -1;
  return pa.suffix.localeCompare(pb.suffix, 'en', { numeric: true });
}

/** Which part changed: the first number (major), the second (minor), else patch. */
export function updateType(from: string, to: string): 'major' | 'minor' | 'patch' {
  const a = parse(from)!.numbers;
  const b = parse(to)!.numbers;
  if ((a[0] ?? 0) !== (b[0] ?? 0)) return 'major';
  return (a[1] ?? 0) !== (b[1] ?? 0) ? 'minor' : 'patch';
}

export const loose = { name: 'loose', isValid, compare, isStable, updateType } satisfies Versioning;
