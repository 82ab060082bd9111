// Splits shell text into simple commands of words, keeping where every character of a word came from.

/** A word after quote removal. `starts[i]`/`ends[i]` locate `value[i]` in the scanned text. */
export interface Word {
  value: string;
  starts: number[];
  ends: number[];
  /** True for characters that cannot expand (from single quotes or backslash escapes). */
  literal: boolean[];
}

export interface Heredoc {
  /** Body text bounds in the scanned text (delimiter line excluded). */
  bodyStart: number;
  bodyEnd: number;
}

export interface SimpleCommand {
  words: Word[];
  heredocs: Heredoc[];
}

const OPERATOR_CHARS = new Set([';', '&', '|', '(', ')']);

class WordBuilder {
  value = '';
  starts: number[] = [];
  ends: number[] = [];
  literal: boolean[] = [];

  add(ch: string, start: number, end: number, literal: boolean): void {
    this.value += ch;
    this.starts.push(start);
    this.ends.push(end);
    this.literal.push(literal);
  }

  /** Appends text[from, to) verbatim (an expansion kept as written). */
  addRaw(text: string, from: number, to: number): void {
    for (let i = from; i < to; i++) this.add(text[i]!, i, i + 1, false);
  }
}

/** Index just past the `close` that balances the `open` at `from` (quotes inside are skipped). */
function skipBalanced(text: string, from: number, open: string, close: string): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') i++;
    else if (ch === "'") i = text.indexOf("'", i + 1) < 0 ? text.length : text.indexOf("'", i + 1);
    else if (ch === open) depth++;
    else if (ch === close && --depth === 0) return i + 1;
  }
  return text.length;
}

/** Index past a `$...` expansion starting at `i` (text[i] === '$'). */
function skipExpansion(text: string, i: number): number {
  const next = text[i + 1];
  if (next === '(') return skipBalanced(text, i + 1, '(', ')');
  if (next === '{') return skipBalanced(text, i + 1, '{', '}');
  const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(text.slice(i + 1, i + 64));
  return i + 1 + (m ? m[0].length : 0);
}

export class ShellScanner {
  private i = 0;
  private word: WordBuilder | undefined;
  private words: Word[] = [];
  private heredocs: Heredoc[] = [];
  /** Heredocs whose bodies start after the next newline; `doc` is already in its command's list. */
  private pending: { delimiter: string; stripTabs: boolean; doc: Heredoc }[] = [];
  private skipNextWord = false;
  readonly commands: SimpleCommand[] = [];

  constructor(private readonly text: string) {}

  scan(): SimpleCommand[] {
    const t = this.text;
    while (this.i < t.length) {
      const ch = t[this.i]!;
      if (ch === '\\' && t[this.i + 1] === '\n') this.i += 2;
      else if (ch === ' ' || ch === '\t' || ch === '\r') this.endWord(), this.i++;
      else if (ch === '\n') this.newline();
      else if (ch === '#' && !this.word) this.i = t.indexOf('\n', this.i) < 0 ? t.length : t.indexOf('\n', this.i);
      else if (ch === '<' || ch === '>' || (ch === '&' && t[this.i + 1] === '>')) this.redirect();
      else if (OPERATOR_CHARS.has(ch)) this.endCommand(), (this.i += t[this.i + 1] === ch ? 2 : 1);
      else this.wordChar();
    }
    this.endCommand();
    return this.commands;
  }

  private builder(): WordBuilder {
    return (this.word ??= new WordBuilder());
  }

  private wordChar(): void {
    const t = this.text;
    const ch = t[this.i]!;
    const w = this.builder();
    if (ch === "'") {
      const close = t.indexOf("'", this.i + 1);
      const end = close < 0 ? t.length : close;
      for (let k = this.i + 1; k < end; k++) w.add(t[k]!, k, k + 1, true);
      this.i = end + 1;
    } else if (ch === '"') {
      this.doubleQuoted(w);
    } else if (ch === '\\') {
      if (this.i + 1 < t.length) w.add(t[this.i + 1]!, this.i + 1, this.i + 2, true);
      this.i += 2;
    } else if (ch === '$') {
      const end = skipExpansion(t, this.i);
      w.addRaw(t, this.i, end);
      this.i = end;
    } else if (ch === '`') {
      const close = t.indexOf('`', this.i + 1);
      const end = close < 0 ? t.length : close + 1;
      w.addRaw(t, this.i, end);
      this.i = end;
    } else {
      w.add(ch, this.i, this.i + 1, false);
      this.i++;
    }
  }

  private doubleQuoted(w: WordBuilder): void {
    const t = this.text;
    let k = this.i + 1;
    while (k < t.length && t[k] !== '"') {
      const ch = t[k]!;
      if (ch === '\\' && t[k + 1] === '\n') k += 2;
      else if (ch === '\\' && '$`"\\'.includes(t[k + 1] ?? '')) w.add(t[k + 1]!, k + 1, k + 2, true), (k += 2);
      else if (ch === '$') {
        const end = skipExpansion(t, k);
        w.addRaw(t, k, end);
        k = end;
      } else w.add(ch, k, k + 1, false), k++;
    }
    this.i = k + 1;
  }

  private endWord(): void {
    if (!this.word) return;
    const { value, starts, ends, literal } = this.word;
    this.word = undefined;
    if (this.skipNextWord) {
      this.skipNextWord = false;
      return;
    }
    this.words.push({ value, starts, ends, literal });
  }

  private endCommand(): void {
    this.endWord();
    if (this.words.length || this.heredocs.length) this.commands.push({ words: this.words, heredocs: this.heredocs });
    this.words = [];
    this.heredocs = [];
  }

  /** `<<EOF`, `<<-'EOF'`, `2>/dev/null`, `&>log`, `>&2`: none of these are command words. */
  private redirect(): void {
    const t = this.text;
    if (this.word && /^\d+$/.test(this.word.value)) this.word = undefined; // fd number such as the 2 in 2>
    this.endWord();
    if (t.startsWith('<<<', this.i)) return void ((this.i += 3), (this.skipNextWord = true));
    if (t.startsWith('<<', this.i)) return this.heredocStart();
    const m = /^(&>>|&>|>>|>&|<&|<>|>\||>|<)/.exec(t.slice(this.i, this.i + 3))!;
    this.i += m[0].length;
    this.skipNextWord = true;
  }

  private heredocStart(): void {
    const t = this.text;
    const stripTabs = t[this.i + 2] === '-';
    this.i += stripTabs ? 3 : 2;
    while (t[this.i] === ' ' || t[this.i] === '\t') this.i++;
    const m = /^(?:'([^']*)'|"([^"]*)"|([^\s;&|<>()]+))/.exec(t.slice(this.i));
    if (!m) return;
    this.i += m[0].length;
    const doc: Heredoc = { bodyStart: -1, bodyEnd: -1 };
    this.heredocs.push(doc);
    this.pending.push({ delimiter: (m[1] ?? m[2] ?? m[3]!).replace(/\\/g, ''), stripTabs, doc });
  }

  private newline(): void {
    this.endWord();
    this.i++;
    for (const { delimiter, stripTabs, doc } of this.pending.splice(0)) {
      const bodyStart = this.i;
      let lineStart = this.i;
      for (;;) {
        const nl = this.text.indexOf('\n', lineStart);
        const lineEnd = nl < 0 ? this.text.length : nl;
        let line = this.text.slice(lineStart, lineEnd).replace(/\r$/, '');
        if (stripTabs) line = line.replace(/^\t+/, '');
        if (line === delimiter || nl < 0) {
          doc.bodyStart = bodyStart;
          doc.bodyEnd = line === delimiter ? lineStart : this.text.length;
          this.i = nl < 0 ? this.text.length : nl + 1;
          break;
        }
        lineStart = nl + 1;
      }
    }
    this.endCommand();
  }
}

export function splitCommands(text: string): SimpleCommand[] {
  return new ShellScanner(text).scan();
}
