// The `retract` lines of a module's own go.mod (served as `.mod` by the proxy): the versions its author withdrew.

export interface Retraction {
  low: string;
  high: string;
}

function unquote(word: string): string {
  return word.replace(/^"(.*)"$/, '$1');
}

/** `retract v1.0.1`, `retract [v1.0.0, v1.0.5]` and `retract ( … )` blocks; anything else is skipped. */
export function readRetractions(goMod: string): Retraction[] {
  const found: Retraction[] = [];
  let inBlock = false;
  for (const raw of goMod.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (inBlock && line === ')') {
      inBlock = false;
      continue;
    }
    let entry: string | undefined;
    if (inBlock) entry = line;
    else if (/^retract\s*\($/.test(line)) inBlock = true;
    else if (line.startsWith('retract ')) entry = line.slice('retract '.length).trim();
    if (!entry) continue;
    const range = /^\[\s*(\S+)\s*,\s*(\S+)\s*\]$/.exec(entry);
    if (range) found.push({ low: unquote(range[1]!), high: unquote(range[2]!) });
    else if (/^\S+$/.test(entry)) found.push({ low: unquote(entry), high: unquote(entry) });
  }
  return found;
}

/** True when the `.mod` is more than the `module` line a proxy makes up for a module without a go.mod. */
export function hasOwnGoMod(goMod: string): boolean {
  return goMod.split('\n').some((line) => {
    const text = line.replace(/\/\/.*$/, '').trim();
    return text !== '' && !text.startsWith('module ') && !text.startsWith('module\t');
  });
}

/**
 * Whether a version lies in a retracted interval: the intervals sorted once, then a binary search
 * per version, so a go.mod of many retractions never costs versions × retractions.
 */
export function retractionTest(retractions: readonly Retraction[], compare: (a: string, b: string) => number, isValid: (v: string) => boolean): (version: string) => boolean {
  const sorted = retractions.filter((r) => isValid(r.low) && isValid(r.high)).sort((a, b) => compare(a.low, b.low));
  // reach[i]: the highest `high` among sorted[0..i].
  const reach: string[] = [];
  sorted.forEach((r, i) => reach.push(i === 0 || compare(r.high, reach[i - 1]!) > 0 ? r.high : reach[i - 1]!));
  return (version) => {
    let [lo, hi, last] = [0, sorted.length - 1, -1];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compare(sorted[mid]!.low, version) <= 0) [last, lo] = [mid, mid + 1];
      else hi = mid - 1;
    }
    return last >= 0 && compare(reach[last]!, version) >= 0;
  };
}
