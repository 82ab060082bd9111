// The step between two versions by their leading numbers: the first differs (major), the second (minor), else patch.

/** `from` and `to` as their leading dotted numbers (`1:2.3.4-1` → [2, 3, 4] once the caller strips the epoch). */
export function updateTypeByNumbers(from: readonly number[], to: readonly number[]): 'major' | 'minor' | 'patch' {
  if ((from[0] ?? 0) !== (to[0] ?? 0)) return 'major';
  return (from[1] ?? 0) !== (to[1] ?? 0) ? 'minor' : 'patch';
}

/** The leading dotted numbers of a version string (`v1.2.3-rc1` → [1, 2, 3]); [] when it has none. */
export function leadingNumbers(version: string): number[] {
  const match = /^v?(\d+(?:\.\d+)*)/i.exec(version.trim());
  return match ? match[1]!.split('.').map(Number) : [];
}
