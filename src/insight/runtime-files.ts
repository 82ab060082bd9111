// What a repository's own files say about its runtime version: .nvmrc, engines.node, .python-version, requires-python, go.mod.
import { parse as parseToml } from 'smol-toml';
import { MAX_NESTING } from '../managers/limits.js';
import { getMember, parseJsonWithRanges } from '../managers/npm/json-ranges.js';
import { pep440, semver } from '../versioning/index.js';

export type Language = 'node' | 'python' | 'go';

/**
 * A version constraint in its language's scheme: npm ranges (`^22`), PEP 440 specifiers (any of
 * several, for Poetry's `||`), or Go's minimum (`go 1.22.3` and `toolchain go1.22.5` both mean "at least").
 */
export type Constraint = { kind: 'range'; versioning: 'semver' | 'pep440'; anyOf: string[] } | { kind: 'minimum'; version: string };

/** What one file says about the runtime. */
export interface RuntimeClaim {
  file: string;
  /** The field within the file (`engines.node`), '' when the whole file is the version (`.nvmrc`). */
  field: string;
  /** The value as written (only ever a validated version or range). */
  says: string;
  constraint: Constraint;
}

type Reader = (text: string) => Omit<RuntimeClaim, 'file'>[];

/** A version file is a line or two; anything larger is not one. */
const MAX_VERSION_FILE_CHARS = 4096;
/** pyproject.toml files are a few KiB; the TOML parser is not asked to read more. */
const MAX_PYPROJECT_CHARS = 1024 * 1024;
/** Ranges longer than this are not real runtime constraints (and would make the note unreadable). */
const MAX_RANGE_CHARS = 200;

/** The files each language reads its version from, in the order a note lists them. */
export const RUNTIME_FILES: Readonly<Record<Language, readonly { name: string; read: Reader }[]>> = {
  node: [
    { name: '.nvmrc', read: nodeVersionFile },
    { name: '.node-version', read: nodeVersionFile },
    { name: 'package.json', read: enginesNode },
  ],
  python: [
    { name: '.python-version', read: pythonVersionFile },
    { name: 'pyproject.toml', read: pyprojectPython },
  ],
  go: [{ name: 'go.mod', read: goModVersions }],
};

/** The first word of the first line that is not blank or a `#` comment, as nvm and pyenv read it. */
function firstWord(text: string): string | null {
  if (text.length > MAX_VERSION_FILE_CHARS) return null;
  for (const raw of text.split(/\r?\n/)) {
    const word = raw.replace(/#.*/, '').trim().split(/\s+/)[0];
    if (word) return word;
  }
  return null;
}

/** `22`, `v22.11`, `22.11.0` (a prefix of the version to use); aliases such as `lts/*` or `node` say nothing checkable. */
export function nodeVersionFile(text: string): Omit<RuntimeClaim, 'file'>[] {
  const word = firstWord(text);
  const m = word ? /^v?(\d+(?:\.\d+){0,2})$/.exec(word) : null;
  return m ? [{ field: '', says: word!, constraint: { kind: 'range', versioning: 'semver', anyOf: [m[1]!] } }] : [];
}

/** `3.12` (any 3.12.x) or `3.12.4`; `pypy3.10-7.3.12`, `3.13t`, `system` or `3.12-dev` say nothing checkable. */
export function pythonVersionFile(text: string): Omit<RuntimeClaim, 'file'>[] {
  const word = firstWord(text);
  const m = word ? /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(word) : null;
  if (!m) return [];
  const specifier = m[3] !== undefined ? `==${word}` : `==${word}.*`;
  return [{ field: '', says: word!, constraint: { kind: 'range', versioning: 'pep440', anyOf: [specifier] } }];
}

/** package.json `engines.node`, an npm range. A file that does not parse says nothing. */
export function enginesNode(text: string): Omit<RuntimeClaim, 'file'>[] {
  let root;
  try {
    root = parseJsonWithRanges(text);
  } catch {
    return [];
  }
  const node = getMember(getMember(root, 'engines'), 'node');
  if (node?.kind !== 'string') return [];
  const range = node.value.trim();
  if (range === '' || range.length > MAX_RANGE_CHARS || !semver.isValidRange(range)) return [];
  return [{ field: 'engines.node', says: range, constraint: { kind: 'range', versioning: 'semver', anyOf: [range] } }];
}

/** `[project] requires-python` (PEP 440) and `[tool.poetry.dependencies] python` (Poetry's syntax). */
export function pyprojectPython(text: string): Omit<RuntimeClaim, 'file'>[] {
  if (text.length > MAX_PYPROJECT_CHARS) return [];
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text, { maxDepth: MAX_NESTING });
  } catch {
    return [];
  }
  const claims: Omit<RuntimeClaim, 'file'>[] = [];
  const requires = tableAt(doc, ['project'])?.['requires-python'];
  if (typeof requires === 'string' && requires.trim() && requires.length <= MAX_RANGE_CHARS && pep440.isValidSpecifier(requires.trim())) {
    claims.push({ field: 'requires-python', says: requires.trim(), constraint: { kind: 'range', versioning: 'pep440', anyOf: [requires.trim()] } });
  }
  const poetry = tableAt(doc, ['tool', 'poetry', 'dependencies'])?.python;
  const anyOf = typeof poetry === 'string' && poetry.length <= MAX_RANGE_CHARS ? poetryToPep440(poetry) : null;
  if (anyOf) claims.push({ field: 'tool.poetry python', says: (poetry as string).trim(), constraint: { kind: 'range', versioning: 'pep440', anyOf } });
  return claims;
}

function tableAt(doc: Record<string, unknown>, path: string[]): Record<string, unknown> | undefined {
  let node: unknown = doc;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'object' && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>) : undefined;
}

const POETRY_CLAUSE = /^(\^|~=|~|>=|<=|!=|==|>|<|=)?(\d+(?:\.\d+)*)(\.\*)?$/;

/**
 * A Poetry constraint as PEP 440 specifiers, one per `||` alternative: `^3.10` → `>=3.10,<4`,
 * `~3.10` → `>=3.10,<3.11`, `3.10.*` → `==3.10.*`. A bare `3.10` reads as any 3.10.x, so a claim is
 * never stricter than Poetry. null when the constraint accepts every version or is not understood.
 */
export function poetryToPep440(constraint: string): string[] | null {
  const alternatives: string[] = [];
  for (const alternative of constraint.split(/\|\|?/)) {
    const clauses = alternative.trim().replace(/(\^|~=|~|>=|<=|!=|==|>|<|=)\s+/g, '$1').split(/[\s,]+/).filter((c) => c !== '' && c !== '*');
    if (clauses.length === 0) return null;
    const specifiers: string[] = [];
    for (const clause of clauses) {
      const converted = poetryClause(clause);
      if (!converted) return null;
      specifiers.push(converted);
    }
    const specifier = specifiers.join(',');
    if (!pep440.isValidSpecifier(specifier)) return null;
    alternatives.push(specifier);
  }
  return alternatives.length > 0 ? alternatives : null;
}

function poetryClause(clause: string): string | null {
  const m = POETRY_CLAUSE.exec(clause);
  if (!m) return null;
  const [, operator = '', version = '', star] = m;
  const parts = version.split('.').map(Number);
  if (star) return operator === '' || operator === '==' || operator === '!=' ? `${operator || '=='}${version}.*` : null;
  if (operator === '^') {
    const first = parts.findIndex((n) => n !== 0);
    const bump = first === -1 ? parts.length - 1 : first;
    return `>=${version},<${upper(parts, bump)}`;
  }
  if (operator === '~') return `>=${version},<${upper(parts, parts.length === 1 ? 0 : 1)}`;
  if (operator === '' || operator === '=') return parts.length >= 3 ? `==${version}` : `==${version}.*`;
  return `${operator}${version}`;
}

/** The version just past the family: parts up to `index`, that one plus one (`[3, 10]`, 0 → `4`). */
function upper(parts: number[], index: number): string {
  return [...parts.slice(0, index), parts[index]! + 1].join('.');
}

const GO_VERSION = /^\d+\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?$/;

/** go.mod's `go` and `toolchain` lines (outside blocks); `toolchain default` says nothing. */
export function goModVersions(text: string): Omit<RuntimeClaim, 'file'>[] {
  const claims: Omit<RuntimeClaim, 'file'>[] = [];
  let inBlock = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*/, '').trim();
    if (inBlock) {
      if (line.startsWith(')')) inBlock = false;
      continue;
    }
    if (line.endsWith('(')) {
      inBlock = true;
      continue;
    }
    const m = /^(go|toolchain)\s+(\S+)$/.exec(line);
    if (!m || claims.some((c) => c.field === m[1])) continue;
    const version = m[1] === 'toolchain' ? m[2]!.replace(/^go/, '') : m[2]!;
    if (m[1] === 'toolchain' && !m[2]!.startsWith('go')) continue;
    if (GO_VERSION.test(version)) claims.push({ field: m[1]!, says: m[2]!, constraint: { kind: 'minimum', version } });
  }
  return claims;
}
