// Variable expansion as BuildKit's shell lexer does it ($V, ${V:-w}...), remembering where each character came from.
import { MappedBuilder, emptyMapped } from './mapped.js';
import type { Expansion, MappedText, Scope } from './types.js';

const NAME_CHAR = /[A-Za-z0-9_]/;

/** Expands one word: quotes removed, escapes applied, variables replaced by their values. */
export function expandWord(word: MappedText, scope: Scope, escapeChar: string): Expansion {
  const lexer = new Lexer(word, scope, escapeChar);
  return lexer.run();
}

class Lexer {
  private pos = 0;
  private readonly unresolved = new Set<string>();

  constructor(
    private readonly word: MappedText,
    private readonly scope: Scope,
    private readonly escapeChar: string,
  ) {}

  run(): Expansion {
    const out = new Output();
    this.processUntil(out, null);
    return { value: out.chars.build(), unresolved: [...this.unresolved], holes: out.holes };
  }

  private peek(ahead = 0): string | undefined {
    return this.word.text[this.pos + ahead];
  }

  private take(out: Output): void {
    out.chars.push(this.word.text[this.pos]!, this.word.offsets[this.pos]!);
    this.pos++;
  }

  /** Reads until the `stop` character (left for the caller) or the end of the word. */
  private processUntil(out: Output, stop: string | null): void {
    while (this.pos < this.word.text.length) {
      const ch = this.peek()!;
      if (ch === stop) return;
      if (ch === this.escapeChar) {
        this.pos++;
        if (this.pos < this.word.text.length) this.take(out);
      } else if (ch === "'") {
        this.singleQuoted(out);
      } else if (ch === '"') {
        this.doubleQuoted(out);
      } else if (ch === '$') {
        this.dollar(out);
      } else {
        this.take(out);
      }
    }
  }

  private singleQuoted(out: Output): void {
    this.pos++;
    while (this.pos < this.word.text.length && this.peek() !== "'") this.take(out);
    this.pos++;
  }

  private doubleQuoted(out: Output): void {
    this.pos++;
    while (this.pos < this.word.text.length) {
      const ch = this.peek()!;
      if (ch === '"') {
        this.pos++;
        return;
      }
      if (ch === '$') {
        this.dollar(out);
        continue;
      }
      if (ch === this.escapeChar) {
        const next = this.peek(1);
        if (next === undefined) {
          this.pos++;
          continue;
        }
        if (next === '"' || next === '$' || next === this.escapeChar) this.pos++;
      }
      this.take(out);
    }
  }

  private readName(): string {
    const start = this.pos;
    while (this.pos < this.word.text.length && NAME_CHAR.test(this.peek()!)) this.pos++;
    return this.word.text.slice(start, this.pos);
  }

  private dollar(out: Output): void {
    const next = this.peek(1);
    if (next === '{') {
      this.pos += 2;
      this.braced(out);
      return;
    }
    if (next === undefined || !NAME_CHAR.test(next)) {
      this.take(out);
      return;
    }
    this.pos++;
    this.insertValue(out, this.readName());
  }

  private braced(out: Output): void {
    const name = this.readName();
    const op = this.readOperator();
    if (op === '' && this.peek() !== '}') return this.badSubstitution(out, name);
    const argument = new Output();
    if (op !== '') this.processUntil(argument, '}');
    if (this.peek() === '}') this.pos++;
    const variable = this.lookup(name);
    const isSet = variable !== null;
    const nonEmpty = isSet && variable.text !== '';
    switch (op) {
      case '':
        return this.insertValue(out, name);
      case ':-':
        return nonEmpty ? this.insertValue(out, name) : out.append(argument);
      case '-':
        return isSet ? this.insertValue(out, name) : out.append(argument);
      case ':+':
        return nonEmpty ? out.append(argument) : undefined;
      case '+':
        return isSet ? out.append(argument) : undefined;
      case ':?':
      case '?':
        return (op === '?' ? isSet : nonEmpty) ? this.insertValue(out, name) : this.markUnresolved(out, name);
      default:
        return this.trimmed(out, name, op, argument.chars.build().text);
    }
  }

  /** `${NAME<something BuildKit rejects>}`: reported as unresolved, written as it stands. */
  private badSubstitution(out: Output, name: string): void {
    const end = this.word.text.indexOf('}', this.pos);
    const rest = this.word.text.slice(this.pos, end < 0 ? undefined : end);
    this.pos = end < 0 ? this.word.text.length : end + 1;
    this.markUnresolved(out, `\${${name}${rest}}`);
  }

  private readOperator(): string {
    for (const op of [':-', ':+', ':?', '##', '%%', '//', '-', '+', '?', '#', '%', '/']) {
      if (this.word.text.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    return '';
  }

  /** `#`/`##` remove a matching prefix, `%`/`%%` a suffix, `/`/`//` replace (newer frontends). */
  private trimmed(out: Output, name: string, op: string, pattern: string): void {
    const value = this.lookup(name);
    if (value === null) return this.markUnresolved(out, name);
    if (op === '/' || op === '//') return this.replaced(out, value, op === '//', pattern);
    const re = globToRegExp(pattern);
    const length = value.text.length;
    const ascending = [...Array(length + 1).keys()];
    const descending = [...ascending].reverse();
    let keep = { start: 0, end: length };
    if (op === '#' || op === '##') {
      const cut = (op === '#' ? ascending : descending).find((n) => re.test(value.text.slice(0, n)));
      if (cut !== undefined) keep = { start: cut, end: length };
    } else {
      const cut = (op === '%' ? descending : ascending).find((n) => re.test(value.text.slice(n)));
      if (cut !== undefined) keep = { start: 0, end: cut };
    }
    out.append({ text: value.text.slice(keep.start, keep.end), offsets: value.offsets.slice(keep.start, keep.end) });
  }

  private replaced(out: Output, value: MappedText, all: boolean, spec: string): void {
    const slash = spec.indexOf('/');
    const pattern = slash < 0 ? spec : spec.slice(0, slash);
    const replacement = slash < 0 ? '' : spec.slice(slash + 1);
    const re = new RegExp(globToRegExp(pattern).source.slice(1, -1), 'gs');
    let last = 0;
    for (const m of value.text.matchAll(re)) {
      if (m[0] === '') break;
      out.append({ text: value.text.slice(last, m.index), offsets: value.offsets.slice(last, m.index) });
      for (const ch of replacement) out.chars.push(ch, -1);
      last = m.index + m[0].length;
      if (!all) break;
    }
    out.append({ text: value.text.slice(last), offsets: value.offsets.slice(last) });
  }

  /** The variable's value, or null when it is not set; its own unresolved names are inherited. */
  private lookup(name: string): MappedText | null {
    const variable = this.scope.get(name);
    if (!variable || variable.value === null) return null;
    for (const missing of variable.unresolved) this.unresolved.add(missing);
    return variable.value;
  }

  private insertValue(out: Output, name: string): void {
    const variable = this.scope.get(name);
    const value = this.lookup(name);
    if (value === null) return this.markUnresolved(out, name);
    const base = out.chars.length;
    for (const hole of variable?.holes ?? []) out.holes.push(base + hole);
    out.append({ text: value.text, offsets: value.offsets });
  }

  private markUnresolved(out: Output, name: string): void {
    this.unresolved.add(name);
    out.holes.push(out.chars.length);
  }
}

class Output {
  readonly chars = new MappedBuilder();
  readonly holes: number[] = [];

  append(other: Output | MappedText): void {
    if (other instanceof Output) {
      const base = this.chars.length;
      for (const hole of other.holes) this.holes.push(base + hole);
      this.chars.append(other.chars.build());
      return;
    }
    this.chars.append(other);
  }
}

/** A shell pattern (`*`, `?`, `[...]`, `\\x`) as an anchored regular expression. */
function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    const close = ch === '[' ? pattern.indexOf(']', i + 2) : -1;
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (close > 0) {
      const body = pattern.slice(i + 1, close);
      source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = close;
    } else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, 's');
}

const escapeRegExp = (ch: string): string => ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Expands a whole word that has no variables in it (quotes and escapes only). */
export function unquoteWord(word: MappedText, escapeChar: string): MappedText {
  return expandWord(word, new Map(), escapeChar).value;
}

export const noExpansion = (): Expansion => ({ value: emptyMapped(), unresolved: [], holes: [] });
