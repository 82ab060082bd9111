// A small JSON reader that keeps the byte range of every value, so package.json edits touch only those bytes.
import { ParseError } from '../../types.js';
import { MAX_NESTING } from '../limits.js';

export type JsonNode =
  | { kind: 'object'; start: number; end: number; entries: JsonEntry[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'string'; start: number; end: number; value: string }
  | { kind: 'literal'; start: number; end: number; value: number | boolean | null };

export interface JsonEntry {
  key: string;
  keyStart: number;
  value: JsonNode;
}

class Reader {
  pos = 0;
  private depth = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    throw new ParseError(message, this.text.slice(0, this.pos).split('\n').length);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n\uFEFF'.includes(this.text[this.pos]!)) this.pos++;
  }

  expect(char: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== char) this.fail(`expected "${char}"${this.pos < this.text.length ? ` but found "${this.text[this.pos]}"` : ' before the end of the file'}`);
    this.pos++;
  }

  value(): JsonNode {
    this.skipSpace();
    const char = this.text[this.pos];
    if (char !== '{' && char !== '[') return char === '"' ? this.string() : this.literal();
    if (++this.depth > MAX_NESTING) this.fail(`nested more than ${MAX_NESTING} levels deep`);
    const node = char === '{' ? this.object() : this.array();
    this.depth--;
    return node;
  }

  object(): JsonNode {
    const start = this.pos++;
    const entries: JsonEntry[] = [];
    this.skipSpace();
    if (this.text[this.pos] === '}') return { kind: 'object', start, end: ++this.pos, entries };
    for (;;) {
      this.skipSpace();
      const keyStart = this.pos;
      if (this.text[this.pos] !== '"') this.fail('expected a quoted key');
      const key = this.string();
      this.expect(':');
      entries.push({ key: key.value, keyStart, value: this.value() });
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return { kind: 'object', start, end: this.pos, entries };
    }
  }

  array(): JsonNode {
    const start = this.pos++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') return { kind: 'array', start, end: ++this.pos, items };
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return { kind: 'array', start, end: this.pos, items };
    }
  }

  string(): JsonNode & { kind: 'string' } {
    const start = this.pos;
    const match = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(this.text.slice(start, start + 100_000));
    if (!match) this.fail('unterminated or invalid string');
    this.pos += match[0].length;
    return { kind: 'string', start, end: this.pos, value: JSON.parse(match[0]) as string };
  }

  literal(): JsonNode {
    const start = this.pos;
    const match = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(start, start + 100));
    if (!match) this.fail(this.pos < this.text.length ? `unexpected "${this.text[this.pos]}"` : 'unexpected end of the file');
    this.pos += match[0].length;
    return { kind: 'literal', start, end: this.pos, value: JSON.parse(match[0]) as number | boolean | null };
  }
}

/** Parses a whole JSON document; throws ParseError with the 1-based line of the problem. */
export function parseJsonWithRanges(text: string): JsonNode {
  const reader = new Reader(text);
  const root = reader.value();
  reader.skipSpace();
  if (reader.pos < text.length) reader.fail('unexpected text after the JSON value');
  return root;
}

export function getMember(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (node?.kind !== 'object') return undefined;
  return node.entries.find((e) => e.key === key)?.value;
}

