// Reads the few top-level sections of a pnpm-lock.yaml that say what is installed, in time linear in the file's size.
import { Composer, isMap, isScalar, Lexer, LineCounter, Parser, type CST, type Document, type Node } from 'yaml';
import { ParseError } from '../../types.js';
import { LimitError, MAX_FILE_BYTES, MAX_NESTING } from '../limits.js';
import { memoByText } from '../parse-memo.js';
import { mapGet, resolveNode } from '../yaml-values.js';

/** What lockedVersion and the catalog lookups need; `packages` and `snapshots` (most of the file) are not composed. */
const WANTED = new Set(['lockfileVersion', 'importers', 'dependencies', 'devDependencies', 'optionalDependencies', 'catalogs']);
/** A top-level key at column 0 in pnpm's block style: plain or quoted, followed by `:`. */
const TOP_KEY = /^(?:([A-Za-z_][\w-]*)|'([^'\n]*)'|"([^"\\\n]*)")[ \t]*:(?:[ \t]|$)/;

export interface PnpmLock {
  doc: Document.Parsed;
  /** The lockfile format's major version (5, 6, 9...), or undefined when not written. */
  major: number | undefined;
}

/**
 * The sections of interest with every other line blanked (line numbers stay right). A file not in
 * pnpm's block style (a flow mapping, a document marker) is composed whole.
 */
function wantedSections(text: string): string {
  const lines = text.split('\n');
  let keep = false;
  let blockStyle = true;
  const out = lines.map((line) => {
    if (line === '' || line.startsWith('#') || /^[ \t]/.test(line)) return keep ? line : '';
    const key = TOP_KEY.exec(line);
    if (!key) {
      blockStyle = false;
      return line;
    }
    keep = WANTED.has(key[1] ?? key[2] ?? key[3] ?? '');
    return keep ? line : '';
  });
  return blockStyle ? out.join('\n') : text;
}

function* nestingCapped(text: string, lineCounter: LineCounter): Generator<CST.Token> {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    yield* parser.next(lexeme);
    if (parser.stack.length > MAX_NESTING) throw new LimitError(`nested more than ${MAX_NESTING} levels deep; not read`, lineCounter.linePos(parser.offset).line);
  }
  yield* parser.end();
}


/**
 * Parses a pnpm-lock.yaml (remembered: lockedVersion is asked once per dependency). Throws a
 * ParseError with the line when it is not YAML or not a mapping.
 */
export const readPnpmLock = memoByText(parsePnpmLock, 4);

function parsePnpmLock(text: string): PnpmLock {
  if (text.length > MAX_FILE_BYTES) throw new LimitError(`larger than ${MAX_FILE_BYTES} bytes; not read`);
  const lineCounter = new LineCounter();
  const docs = Array.from(new Composer({ merge: true, uniqueKeys: false }).compose(nestingCapped(wantedSections(text), lineCounter)));
  const doc = docs[0];
  const error = docs.flatMap((d) => d.errors)[0];
  if (error) throw new ParseError(`invalid YAML: ${error.message.split('\n')[0]}`, lineCounter.linePos(error.pos[0]).line);
  if (!doc || (doc.contents !== null && !isMap(doc.contents))) throw new ParseError('a pnpm lockfile must be a YAML mapping', 1);
  if (docs.length > 1) throw new ParseError('a pnpm lockfile holds one YAML document', lineCounter.linePos(docs[1]!.range[0]).line);
  const version = scalarText(mapGet(doc.contents, 'lockfileVersion', doc));
  const major = version === undefined ? undefined : Number.parseInt(version, 10);
  return { doc, major: Number.isNaN(major) ? undefined : major };
}

/** The text of a scalar (numbers as written: `lockfileVersion: 5.4`), else undefined. */
export function scalarText(node: Node | null): string | undefined {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') return undefined;
  return typeof node.value === 'string' ? node.value : String(node.source ?? node.value);
}

/** mapGet along a path of keys. */
export function dig(doc: Document.Parsed, ...keys: string[]): Node | null {
  let node: Node | null = resolveNode(doc.contents, doc);
  for (const key of keys) {
    node = mapGet(node, key, doc);
    if (node === null) return null;
  }
  return node;
}

/**
 * The line of the first YAML anchor or alias, which pnpm never writes in a lockfile: one in a
 * repository's file is refused before pnpm parses it (aliases can expand a small file enormously).
 * The lexer alone is run: linear in the text.
 */
export function firstAnchorLine(text: string): number | undefined {
  let line = 1;
  for (const token of new Lexer().lex(text)) {
    if (token[0] === '&' || token[0] === '*') return line;
    for (let i = token.indexOf('\n'); i !== -1; i = token.indexOf('\n', i + 1)) line++;
  }
  return undefined;
}
