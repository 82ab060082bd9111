// Reads a Poetry constraint into alternatives (`||`) of clauses (`,` or space), each with the offsets of its version text.
import * as pep440 from '../pep440/index.js';

export type Operator = '^' | '~' | '~=' | '*' | '>=' | '>' | '<=' | '<' | '!=' | '==' | '=' | '' | 'any';

export interface Clause {
  /** `*` is a wildcard (`1.2.*`, `==1.2.*`; negated for `!=1.2.*`); '' a bare version (exact); 'any' a lone `*`. */
  operator: Operator;
  /** The version as written, without `.*`. */
  version: string;
  negated: boolean;
  /** Offsets of the whole clause and of its version text in the constraint. */
  start: number;
  end: number;
  versionStart: number;
  versionEnd: number;
}

export interface Constraint {
  alternatives: Clause[][];
}

/** Longer operators first so `>=` is not read as `>`. */
const OPERATORS = ['~=', '>=', '<=', '!=', '==', '^', '~', '>', '<', '='] as const;
const MAX_CONSTRAINT = 1000;

function clauseAt(text: string, start: number): { clause: Clause; next: number } | null {
  const operator = OPERATORS.find((op) => text.startsWith(op, start)) ?? '';
  let i = start + operator.length;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const versionStart = i;
  while (i < text.length && !/[\s,|]/.test(text[i]!)) i++;
  const written = text.slice(versionStart, i);
  if (written === '*' && operator === '') {
    return { clause: { operator: 'any', version: '', negated: false, start, end: i, versionStart, versionEnd: i }, next: i };
  }
  const wildcard = written.endsWith('.*');
  const version = wildcard ? written.slice(0, -2) : written;
  if (!pep440.isValid(version) || (wildcard && !['', '==', '!=', '='].includes(operator))) return null;
  const base = { version, start, end: i, versionStart, versionEnd: wildcard ? i - 2 : i };
  if (wildcard) return { clause: { ...base, operator: '*', negated: operator === '!=' }, next: i };
  return { clause: { ...base, operator, negated: false }, next: i };
}

/** The constraint's structure, or null when it is not one Poetry would read. */
export function parseConstraint(text: string): Constraint | null {
  if (text.length > MAX_CONSTRAINT) return null;
  const alternatives: Clause[][] = [[]];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/[\s,]/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '|') {
      i += text.startsWith('||', i) ? 2 : 1;
      if (alternatives.at(-1)!.length === 0) return null;
      alternatives.push([]);
      continue;
    }
    const read = clauseAt(text, i);
    if (!read) return null;
    alternatives.at(-1)!.push(read.clause);
    i = read.next;
  }
  if (alternatives.some((clauses) => clauses.length === 0)) return null;
  return { alternatives };
}
