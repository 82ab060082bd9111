// go.mod as Go's own reader sees it: directives on one line or in `verb ( … )` blocks, tokens with their offsets, `//` comments.
import { LimitError, MAX_DEPENDENCIES_PER_FILE, MAX_FILE_BYTES, excerpt } from '../limits.js';

export interface Token {
  /** The value, unquoted. */
  text: string;
  /** text.slice(start, end) of the file is the value (inside the quotes when quoted). */
  start: number;
  end: number;
  quoted: boolean;
}

/** One directive: `require example.com/m v1.2.3 // indirect`, written alone or as a line of a block. */
export interface Directive {
  verb: string;
  args: Token[];
  line: number;
  /** The `//` comment at the end of the line, without the slashes. */
  comment: string;
}

export interface GoModFile {
  directives: Directive[];
  errors: { line: number; message: string }[];
}

const SPACE = /[ \t]/;
/** The longest directive, `replace a v1 => b v2`, has 6 words; more on one line is no go.mod. */
const MAX_WORDS_PER_LINE = 16;
const MAX_LINE_ERRORS = 100;

/** The tokens of one line (from `from` to `to` in text) and its comment; throws a message for an unterminated quote. */
function tokenize(text: string, from: number, to: number): { tokens: Token[]; comment: string } {
  const tokens: Token[] = [];
  let i = from;
  while (i < to) {
    if (tokens.length > MAX_WORDS_PER_LINE) throw new Error(`more than ${MAX_WORDS_PER_LINE} words on one line`);
    const c = text[i]!;
    if (SPACE.test(c)) {
      i++;
    } else if (text.startsWith('//', i)) {
      return { tokens, comment: text.slice(i + 2, to).trim() };
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < to && text[j] !== c) j += c === '"' && text[j] === '\\' ? 2 : 1;
      if (j >= to) throw new Error(`unterminated quoted string: ${excerpt(text.slice(i, to))}`);
      const raw = text.slice(i + 1, j);
      tokens.push({ text: c === '"' ? raw.replace(/\\(.)/g, '$1') : raw, start: i + 1, end: j, quoted: true });
      i = j + 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ text: c, start: i, end: i + 1, quoted: false });
      i++;
    } else if (text.startsWith('=>', i)) {
      tokens.push({ text: '=>', start: i, end: i + 2, quoted: false });
      i += 2;
    } else {
      let j = i;
      while (j < to && !SPACE.test(text[j]!) && !'()"`'.includes(text[j]!) && !text.startsWith('//', j) && !text.startsWith('=>', j)) j++;
      tokens.push({ text: text.slice(i, j), start: i, end: j, quoted: false });
      i = j;
    }
  }
  return { tokens, comment: '' };
}

const isWord = (token: Token | undefined, word: string) => token !== undefined && !token.quoted && token.text === word;

/**
 * Reads every directive with the offsets of its words. Errors are per line (the line is skipped);
 * a file past the size or dependency caps gets one error and is not read further.
 */
export function parseGoMod(text: string): GoModFile {
  const directives: Directive[] = [];
  const errors: GoModFile['errors'] = [];
  if (text.length > MAX_FILE_BYTES) return { directives, errors: [{ line: 1, message: new LimitError(`go.mod is larger than ${MAX_FILE_BYTES} bytes`).message }] };
  let block: { verb: string; line: number } | undefined;
  let line = 0;
  for (let start = 0; start <= text.length; ) {
    line++;
    const newline = text.indexOf('\n', start);
    const lineEnd = newline === -1 ? text.length : newline;
    const end = text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
    try {
      const { tokens, comment } = tokenize(text, start, end);
      block = readLine(tokens, comment, line, block, directives);
    } catch (err) {
      errors.push({ line, message: (err as Error).message });
      // Millions of broken lines would be millions of messages: past this many, the file is no go.mod.
      if (errors.length >= MAX_LINE_ERRORS) {
        errors.push({ line, message: `more than ${MAX_LINE_ERRORS} lines are not go.mod; the rest is not read` });
        return { directives, errors };
      }
    }
    if (directives.length > MAX_DEPENDENCIES_PER_FILE) {
      errors.push({ line, message: `more than ${MAX_DEPENDENCIES_PER_FILE} directives; the rest of go.mod is not read` });
      return { directives: directives.slice(0, MAX_DEPENDENCIES_PER_FILE), errors };
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  if (block) errors.push({ line: block.line, message: `${block.verb} ( block is never closed` });
  return { directives, errors };
}

/** Adds the line's directive (if any) and returns the block the next line is in. */
function readLine(tokens: Token[], comment: string, line: number, block: { verb: string; line: number } | undefined, out: Directive[]) {
  if (tokens.length === 0) return block;
  if (block) {
    if (isWord(tokens[0], ')')) {
      if (tokens.length > 1) throw new Error(`unexpected ${excerpt(tokens[1]!.text)} after )`);
      return undefined;
    }
    if (tokens.some((t) => isWord(t, '(') || isWord(t, ')'))) throw new Error('a block cannot be opened or closed inside another');
    out.push({ verb: block.verb, args: tokens, line, comment });
    return block;
  }
  const [verb, ...args] = tokens;
  if (verb!.quoted || !/^[a-z]+$/.test(verb!.text)) throw new Error(`unknown directive: ${excerpt(verb!.text)}`);
  if (isWord(args[0], '(')) {
    if (args.length === 2 && isWord(args[1], ')')) return undefined;
    if (args.length > 1) throw new Error(`unexpected ${excerpt(args[1]!.text)} after ${verb!.text} (`);
    return { verb: verb!.text, line };
  }
  if (args.some((t) => isWord(t, '(') || isWord(t, ')'))) throw new Error(`unexpected parenthesis in ${verb!.text}`);
  out.push({ verb: verb!.text, args, line, comment });
  return undefined;
}
