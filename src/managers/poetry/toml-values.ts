// Where each string value of a TOML document sits: its key path and the offsets of its text between the quotes. One linear pass.
import { LimitError, MAX_NESTING } from '../limits.js';
import { ParseError } from '../../types.js';

export interface TomlString {
  /** Table path, then key path, with array positions as numbers: ['tool', 'poetry', 'dependencies', 'x', 'version']. */
  path: (string | number)[];
  /** text.slice(start, end) is the string's content as written (escapes not decoded). */
  start: number;
  end: number;
  /** `"` or `'`. */
  quote: string;
}

const BARE_KEY = /[A-Za-z0-9_-]/;

/**
 * Scans TOML text already accepted by a TOML parser and lists its single-line string values by
 * path. Multi-line strings are skipped (never rewritten); array-of-tables entries get their index.
 */
export function tomlStrings(text: string): TomlString[] {
  const out: TomlString[] = [];
  const arrayTables = new Map<string, number>();
  let i = 0;
  let table: (string | number)[] = [];

  const fail = (message: string): never => {
    throw new ParseError(message, text.slice(0, i).split('\n').length);
  };
  const skipSpace = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  const skipComment = () => {
    if (text[i] === '#') while (i < text.length && text[i] !== '\n') i++;
  };
  const skipBlank = () => {
    for (;;) {
      const before = i;
      while (i < text.length && /\s/.test(text[i]!)) i++;
      skipComment();
      if (i === before) return;
    }
  };

  function quoted(): { start: number; end: number; quote: string } {
    const quote = text[i]!;
    const start = ++i;
    while (i < text.length && text[i] !== quote && text[i] !== '\n') i += quote === '"' && text[i] === '\\' ? 2 : 1;
    if (text[i] !== quote) fail('unterminated string');
    return { start, end: i++, quote };
  }

  function keyPath(): string[] {
    const keys: string[] = [];
    for (;;) {
      skipSpace();
      if (text[i] === '"' || text[i] === "'") {
        const { start, end, quote } = quoted();
        keys.push(quote === '"' ? JSON.parse(`"${text.slice(start, end)}"`) as string : text.slice(start, end));
      } else {
        const start = i;
        while (i < text.length && BARE_KEY.test(text[i]!)) i++;
        if (i === start) fail('expected a key');
        keys.push(text.slice(start, i));
      }
      skipSpace();
      if (text[i] !== '.') return keys;
      // Every value below a table copies its path: a header of thousands of dotted keys would cost values × keys.
      if (keys.length >= MAX_NESTING) throw new LimitError(`a key of more than ${MAX_NESTING} dotted parts`, text.slice(0, i).split('\n').length);
      i++;
    }
  }

  function value(path: (string | number)[], depth: number): void {
    if (depth > MAX_NESTING) throw new LimitError(`values nested deeper than ${MAX_NESTING}`, text.slice(0, i).split('\n').length);
    skipSpace();
    const ch = text[i];
    if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
      const close = text.indexOf(text.slice(i, i + 3), i + 3);
      if (close === -1) fail('unterminated multi-line string');
      i = close + 3;
      while (text[i] === text[close]) i++;
    } else if (ch === '"' || ch === "'") {
      out.push({ path, ...quoted() });
    } else if (ch === '{') {
      i++;
      for (;;) {
        skipSpace();
        if (text[i] === '}') break;
        const key = keyPath();
        if (text[i] !== '=') fail('expected "="');
        i++;
        value([...path, ...key], depth + 1);
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail('expected "," or "}"');
      }
      i++;
    } else if (ch === '[') {
      i++;
      for (let index = 0; ; index++) {
        skipBlank();
        if (text[i] === ']') break;
        value([...path, index], depth + 1);
        skipBlank();
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail('expected "," or "]"');
      }
      i++;
    } else {
      const start = i;
      while (i < text.length && !/[\s,\]}#]/.test(text[i]!)) i++;
      // A date-time may separate its date and time with one space.
      if (/^\d{4}-\d\d-\d\d$/.test(text.slice(start, i)) && / \d/.test(text.slice(i, i + 2))) {
        i++;
        while (i < text.length && !/[\s,\]}#]/.test(text[i]!)) i++;
      }
    }
  }

  while (i < text.length) {
    skipBlank();
    if (i >= text.length) break;
    if (text.startsWith('[[', i)) {
      i += 2;
      const keys = keyPath();
      if (!text.startsWith(']]', i)) fail('expected "]]"');
      i += 2;
      const name = JSON.stringify(keys);
      const index = arrayTables.get(name) ?? 0;
      arrayTables.set(name, index + 1);
      table = [...keys, index];
    } else if (text[i] === '[') {
      i++;
      table = keyPath();
      if (text[i] !== ']') fail('expected "]"');
      i++;
    } else {
      const key = keyPath();
      if (text[i] !== '=') fail('expected "="');
      i++;
      value([...table, ...key], 0);
    }
    skipSpace();
    skipComment();
  }
  return out;
}
