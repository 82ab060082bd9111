// Shell patterns (`*`, `?`, `[...]`, `\x`) matched by stepping through the pattern's states, never by backtracking.

/** One step of a pattern: `*`, or one character it accepts. */
export type GlobToken = { star: true } | { star: false; test: (ch: string) => boolean };
export type Glob = GlobToken[];

const ANY: GlobToken = { star: false, test: () => true };

/** The pattern as tokens; a bracket expression is read as a regular-expression class (`[!a]` is `[^a]`). */
export function compileGlob(pattern: string): Glob {
  const glob: Glob = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    const close = ch === '[' ? pattern.indexOf(']', i + 2) : -1;
    if (ch === '*') glob.push({ star: true });
    else if (ch === '?') glob.push(ANY);
    else if (ch === '\\' && i + 1 < pattern.length) glob.push(literal(pattern[++i]!));
    else if (close > 0) {
      const body = pattern.slice(i + 1, close);
      const re = new RegExp(`^[${body.startsWith('!') ? `^${body.slice(1)}` : body}]$`, 's');
      glob.push({ star: false, test: (c) => re.test(c) });
      i = close;
    } else glob.push(literal(ch));
  }
  return glob;
}

function literal(expected: string): GlobToken {
  return { star: false, test: (c) => c === expected };
}

/**
 * The lengths n, ascending, for which the whole pattern matches n characters of `text` read from
 * `from` onwards (`step` 1) or from `from` backwards (`step` -1, with the pattern reversed).
 * Costs (characters read) × (pattern length) steps, each reported to `spend`.
 */
export function globMatchLengths(glob: Glob, text: string, from: number, step: 1 | -1, spend: (steps: number) => void): number[] {
  const states = glob.length + 1;
  let active = new Uint8Array(states);
  let next = new Uint8Array(states);
  active[0] = 1;
  closeOverStars(glob, active);
  const lengths = active[glob.length] ? [0] : [];
  let read = 0;
  for (let pos = from; pos >= 0 && pos < text.length; pos += step) {
    spend(states);
    const ch = text[pos]!;
    next.fill(0);
    let alive = false;
    for (let i = 0; i < glob.length; i++) {
      if (!active[i]) continue;
      const token = glob[i]!;
      if (token.star) next[i] = 1;
      else if (token.test(ch)) next[i + 1] = 1;
      else continue;
      alive = true;
    }
    if (!alive) break;
    read++;
    closeOverStars(glob, next);
    [active, next] = [next, active];
    if (active[glob.length]) lengths.push(read);
  }
  return lengths;
}

/** A `*` may match nothing: the state after it is active whenever the state before it is. */
function closeOverStars(glob: Glob, active: Uint8Array): void {
  for (let i = 0; i < glob.length; i++) if (active[i] && glob[i]!.star) active[i + 1] = 1;
}
