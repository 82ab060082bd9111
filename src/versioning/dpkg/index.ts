// Debian package versions ordered exactly like `dpkg --compare-versions`.
import type { Versioning } from '../../types.js';
import { leadingNumbers, updateTypeByNumbers } from '../update-type.js';

export interface DebianVersion {
  epoch: number;
  upstream: string;
  /** '' when the version has no Debian revision. */
  revision: string;
}

const MAX_EPOCH = 2 ** 31 - 1;
const UPSTREAM_CHARS = /^[0-9A-Za-z.+~:-]*$/;
const REVISION_CHARS = /^[0-9A-Za-z.+~]*$/;

/**
 * Splits `[epoch:]upstream[-revision]` the way dpkg does (epoch up to the first colon, revision
 * after the last hyphen) and applies dpkg's checks, including the ones dpkg only warns about
 * (upstream starts with a digit, allowed characters) unless `lenient` is set — dpkg still
 * compares such versions, so compare() does too. Returns null for anything rejected.
 */
export function parseVersion(version: string, lenient = false): DebianVersion | null {
  const text = version.trim();
  if (text === '' || /\s/.test(text)) return null;
  const colon = text.indexOf(':');
  let epoch = 0;
  let rest = text;
  if (colon >= 0) {
    const epochText = text.slice(0, colon);
    if (!/^\+?\d+$/.test(epochText)) return null;
    epoch = Number(epochText);
    if (epoch > MAX_EPOCH) return null;
    rest = text.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (upstream === '' || (hyphen >= 0 && revision === '')) return null;
  if (lenient) return { epoch, upstream, revision };
  if (!/^\d/.test(upstream)) return null;
  if (!UPSTREAM_CHARS.test(upstream) || !REVISION_CHARS.test(revision)) return null;
  return { epoch, upstream, revision };
}

/** Weight of one character in a non-digit run: `~` < end < letters < everything else. */
function charWeight(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (c === 0x7e) return -1; // '~'
  if (isDigitCode(c)) return 0;
  if (isLetterCode(c)) return c;
  return c + 256;
}

function isDigitCode(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isLetterCode(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function digitRunEnd(s: string, from: number): number {
  let i = from;
  while (i < s.length && isDigitCode(s.charCodeAt(i))) i++;
  return i;
}

/** Compares two digit strings numerically without overflowing. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** dpkg's comparison of one version part (upstream or revision). */
export function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigitCode(a.charCodeAt(i))) || (j < b.length && !isDigitCode(b.charCodeAt(j)))) {
      const diff = charWeight(a, i) - charWeight(b, j);
      if (diff !== 0) return Math.sign(diff);
      i++;
      j++;
    }
    const aEnd = digitRunEnd(a, i);
    const bEnd = digitRunEnd(b, j);
    const diff = compareDigits(a.slice(i, aEnd), b.slice(j, bEnd));
    if (diff !== 0) return Math.sign(diff);
    i = aEnd;
    j = bEnd;
  }
  return 0;
}

/** Compares parsed versions: epoch, then upstream, then revision. */
export function compareParsed(a: DebianVersion, b: DebianVersion): number {
  if (a.epoch !== b.epoch) return Math.sign(a.epoch - b.epoch);
  return compareFragment(a.upstream, b.upstream) || compareFragment(a.revision, b.revision);
}

function mustParse(version: string): DebianVersion {
  const parsed = parseVersion(version, true);
  if (!parsed) throw new Error(`invalid Debian version "${version}"`);
  return parsed;
}

export const dpkg = {
  name: 'dpkg',
  isValid(version: string): boolean {
    return parseVersion(version) !== null;
  },
  compare(a: string, b: string): number {
    return compareParsed(mustParse(a), mustParse(b));
  },
  /** Debian marks pre-releases with `~` (`1.0~rc1-1` sorts before `1.0-1`). */
  isStable(version: string): boolean {
    return parseVersion(version) !== null && !version.includes('~');
  },
  updateType(from: string, to: string): 'major' | 'minor' | 'patch' {
    return updateTypeByNumbers(leadingNumbers(mustParse(from).upstream), leadingNumbers(mustParse(to).upstream));
  },
  parseVersion,
  /** The upstream version without epoch and revision (`1:2.3-4` → `2.3`). */
  getUpstream(version: string): string | null {
    return parseVersion(version)?.upstream ?? null;
  },
} satisfies Versioning & Record<string, unknown>;
