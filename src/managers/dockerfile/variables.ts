// Variable expansion as BuildKit's shell lexer does it ($V, ${V:-w}...), remembering where each character came from.
import { expansionBudget, LimitError } from '../limits.js';
import { compileGlob, globMatchLengths, type Glob } from './glob.js';
import { MappedBuilder, emptyMapped } from './mapped.js';
import type { Expansion, MappedText, Scope } from './types.js';

const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * The expansion work one pass over a Dockerfile may do. ARGs that double each other
 * (`ARG B=$A$A`, `ARG C=$B$B`...) would otherwise grow exponentially.
 */
export class ExpansionBudget {
  constructor(private remaining: number) {}

  static forText(text: string): ExpansionBudget {
    return new ExpansionBudget(expansionBudget(text.length));
  }

  spend(units: number): void {
    this.remaining -= units;
    if (this.remaining < 0) throw new LimitError('variable expansion is too large (ARG or ENV values that repeat each other?); the rest of the file is not read');
  }
}

/** Expands one word: quotes removed, escapes applied, variables replaced by their values. Throws LimitError past the budget. */
export function expandWord(word: MappedText, scope: Scope, escapeChar: string, budget = ExpansionBudget.forText(word.text)): Expansion {
  const lexer = new Lexer(word, scope, escapeChar, budget);
  return lexer.run();
}

class Lexer {
  private pos = 0;
  private readonly unresolved = new Set<string>();

  constructor(
    private readonly word: MappedText,
    private readonly scope: Scope,
    private readonly escapeChar: string,
    private readonly budget: ExpansionBudget,
  ) {}

  run(): Expansion {
    this.budget.spend(this.word.text.length);
    const out = new Output(this.budget);
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
    const argument = new Output(this.budget);
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
    const length = value.text.length;
    const spend = (steps: number) => this.budget.spend(steps);
    let keep = { start: 0, end: length };
    if (op === '#' || op === '##') {
      // Lengths of the prefixes the pattern matches: `#` cuts the shortest, `##` the longest.
      const lengths = globMatchLengths(compileGlob(pattern), value.text, 0, 1, spend);
      const cut = op === '#' ? lengths[0] : lengths.at(-1);
      if (cut !== undefined) keep = { start: cut, end: length };
    } else {
      const lengths = globMatchLengths(compileGlob(pattern).reverse(), value.text, length - 1, -1, spend);
      const cut = op === '%' ? lengths[0] : lengths.at(-1);
      if (cut !== undefined) keep = { start: 0, end: length - cut };
    }
    out.append({ text: value.text.slice(keep.start, keep.end), offsets: value.offsets.slice(keep.start, keep.end) });
  }

  /** `/`: the first (leftmost, longest) match is replaced; `//`: every one. */
  private replaced(out: Output, value: MappedText, all: boolean, spec: string): void {
    const slash = spec.indexOf('/');
    const glob: Glob = compileGlob(slash < 0 ? spec : spec.slice(0, slash));
    const replacement = slash < 0 ? '' : spec.slice(slash + 1);
    const spend = (steps: number) => this.budget.spend(steps);
    let last = 0;
    for (let start = 0; start < value.text.length; start++) {
      const longest = globMatchLengths(glob, value.text, start, 1, spend).at(-1);
      if (longest === undefined) continue;
      if (longest === 0) break;
      out.append({ text: value.text.slice(last, start), offsets: value.offsets.slice(last, start) });
      for (const ch of replacement) out.chars.push(ch, -1);
      last = start + longest;
      if (!all) break;
      start = last - 1;
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

  constructor(private readonly budget: ExpansionBudget) {}

  append(other: Output | MappedText): void {
    this.budget.spend(other instanceof Output ? other.chars.length : other.text.length);
    if (other instanceof Output) {
      const base = this.chars.length;
      for (const hole of other.holes) this.holes.push(base + hole);
      this.chars.append(other.chars.build());
      return;
    }
    this.chars.append(other);
  }
}

/** Expands a whole word that has no variables in it (quotes and escapes only). */
export function unquoteWord(word: MappedText, escapeChar: string): MappedText {
  return expandWord(word, new Map(), escapeChar).value;
}

export const noExpansion = (): Expansion => ({ value: emptyMapped(), unresolved: [], holes: [] });
