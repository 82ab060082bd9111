// Alpine package versions ordered like apk-tools (`apk version -t`), plus its `~` fuzzy match.
import type { Versioning } from '../../types.js';
import { leadingNumbers, updateTypeByNumbers } from '../update-type.js';

// Token kinds in the order apk allows them to follow each other; the order is also what decides
// a comparison when one version has a token where the other has something else.
const Kind = {
  InitialDigit: 0,
  Digit: 1,
  Letter: 2,
  Suffix: 3,
  SuffixNumber: 4,
  CommitHash: 5,
  Revision: 6,
  End: 7,
  Invalid: 8,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

// Pre-release suffixes rank below "no suffix" (5), post-release ones above.
const SUFFIX_RANK: Record<string, number> = {
  alpha: 1,
  beta: 2,
  pre: 3,
  rc: 4,
  cvs: 6,
  svn: 7,
  git: 8,
  hg: 9,
  p: 10,
};
const NO_SUFFIX = 5;

interface Token {
  kind: Kind;
  text: string;
  suffixRank: number;
}

class Tokenizer {
  private pos = 0;
  private previous: Kind = Kind.InitialDigit;

  constructor(private readonly version: string) {}

  first(): Token {
    return this.digits(Kind.InitialDigit);
  }

  next(): Token {
    const c = this.version[this.pos];
    if (c === undefined) return this.emit(Kind.End, '');
    if (c >= 'a' && c <= 'z') {
      if (this.previous > Kind.Digit) return this.invalid();
      this.pos++;
      return this.emit(Kind.Letter, c);
    }
    if (c === '.') {
      if (this.previous > Kind.Digit) return this.invalid();
      this.pos++;
      return this.digits(Kind.Digit);
    }
    if (c >= '0' && c <= '9') {
      if (this.previous === Kind.Suffix) return this.digits(Kind.SuffixNumber);
      return this.invalid();
    }
    if (c === '_') return this.suffix();
    if (c === '~') return this.commitHash();
    if (c === '-') return this.revision();
    return this.invalid();
  }

  private digits(kind: Kind): Token {
    const text = this.take(/[0-9]*/y);
    return text === '' ? this.invalid() : this.emit(kind, text);
  }

  private suffix(): Token {
    if (this.previous > Kind.SuffixNumber) return this.invalid();
    this.pos++;
    const name = this.take(/[a-z]*/y);
    const rank = SUFFIX_RANK[name];
    if (rank === undefined) return this.invalid();
    return { ...this.emit(Kind.Suffix, name), suffixRank: rank };
  }

  private commitHash(): Token {
    if (this.previous >= Kind.CommitHash) return this.invalid();
    this.pos++;
    const hash = this.take(/[0-9a-fA-F]*/y);
    return hash === '' ? this.invalid() : this.emit(Kind.CommitHash, hash);
  }

  private revision(): Token {
    if (this.previous >= Kind.Revision || this.version[this.pos + 1] !== 'r') return this.invalid();
    this.pos += 2;
    return this.digits(Kind.Revision);
  }

  private take(pattern: RegExp): string {
    pattern.lastIndex = this.pos;
    const text = pattern.exec(this.version)?.[0] ?? '';
    this.pos += text.length;
    return text;
  }

  private emit(kind: Kind, text: string): Token {
    this.previous = kind;
    return { kind, text, suffixRank: NO_SUFFIX };
  }

  private invalid(): Token {
    return this.emit(Kind.Invalid, '');
  }
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function compareNumbers(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return sign(x.length - y.length);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Byte order, a shorter string first when one is the other's prefix. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareTokens(a: Token, b: Token): number {
  switch (a.kind) {
    case Kind.Digit:
      // A part with a leading zero is a fraction-like string (Gentoo rule): compare as text.
      if (a.text.startsWith('0') || b.text.startsWith('0')) return compareStrings(a.text, b.text);
      return compareNumbers(a.text, b.text);
    case Kind.InitialDigit:
    case Kind.SuffixNumber:
    case Kind.Revision:
      return compareNumbers(a.text, b.text);
    case Kind.Letter:
      return compareStrings(a.text, b.text);
    case Kind.Suffix:
      return sign(a.suffixRank - b.suffixRank);
    default:
      return compareStrings(a.text, b.text);
  }
}

/** The comparison itself; with `prefixMatch`, `b` running out first counts as equal. */
function compareVersions(a: string, b: string, prefixMatch: boolean): number {
  const left = new Tokenizer(a);
  const right = new Tokenizer(b);
  let ta = left.first();
  let tb = right.first();
  while (ta.kind === tb.kind && ta.kind < Kind.End) {
    const diff = compareTokens(ta, tb);
    if (diff !== 0) return diff;
    ta = left.next();
    tb = right.next();
  }
  if (ta.kind === tb.kind) return 0;
  if (prefixMatch && tb.kind === Kind.End) return 0;
  // Equal so far: the longer version is newer, unless what it has more is a pre-release suffix.
  if (ta.kind === Kind.Suffix && ta.suffixRank < NO_SUFFIX) return -1;
  if (tb.kind === Kind.Suffix && tb.suffixRank < NO_SUFFIX) return 1;
  return ta.kind > tb.kind ? -1 : 1;
}

export function isValid(version: string): boolean {
  const tokens = new Tokenizer(version);
  let token = tokens.first();
  while (token.kind < Kind.End) token = tokens.next();
  return token.kind === Kind.End;
}

/** Like apk-tools, this also orders invalid versions (token by token until they differ). */
export function compare(a: string, b: string): number {
  return compareVersions(a, b, false);
}

/** True when `version` satisfies the fuzzy pin `pkg~prefix` (`3.6.9` and `3.6_pre1` match `3.6`). */
export function matchesFuzzy(version: string, prefix: string): boolean {
  return compareVersions(version, prefix, true) === 0;
}

export type ApkOperator = '<' | '<=' | '=' | '>=' | '>' | '~' | '<~' | '>~' | '!~';

/** Whether `version <op> target` holds, with apk's operators (as in `apk add pkg>=1.2`). */
export function matches(version: string, op: ApkOperator, target: string): boolean {
  const fuzzy = op.includes('~');
  const diff = compareVersions(version, target, fuzzy);
  const holds = (diff < 0 && op.startsWith('<')) || (diff > 0 && op.startsWith('>')) || (diff === 0 && op !== '<' && op !== '>');
  return op === '!~' ? !holds : holds;
}

/** apk marks pre-releases with `_alpha`, `_beta`, `_pre` or `_rc` after the numbers. */
export function isStable(version: string): boolean {
  return isValid(version) && !/_(alpha|beta|pre|rc)\d*/.test(version);
}

export function updateType(from: string, to: string): 'major' | 'minor' | 'patch' {
  return updateTypeByNumbers(leadingNumbers(from), leadingNumbers(to));
}

export const apk = {
  name: 'apk',
  isValid,
  compare,
  isStable,
  updateType,
  matchesFuzzy,
  matchesOperator: matches,
} satisfies Versioning & Record<string, unknown>;
