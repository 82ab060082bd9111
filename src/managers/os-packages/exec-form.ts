// Reads an exec-form RUN (`["apt-get", "install", "curl=1.0"]`) into words that keep their offsets.
import type { Word } from './shell.js';

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** The JSON string array's elements, or undefined when the text is not one (then it is shell form). */
export function parseExecForm(text: string): Word[] | undefined {
  let i = skipSpace(text, 0);
  if (text[i] !== '[') return undefined;
  i = skipSpace(text, i + 1);
  const words: Word[] = [];
  if (text[i] === ']') return skipSpace(text, i + 1) === text.length ? words : undefined;
  for (;;) {
    const parsed = readString(text, i);
    if (!parsed) return undefined;
    words.push(parsed.word);
    i = skipSpace(text, parsed.next);
    if (text[i] === ']') return skipSpace(text, i + 1) === text.length ? words : undefined;
    if (text[i] !== ',') return undefined;
    i = skipSpace(text, i + 1);
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

function readString(text: string, i: number): { word: Word; next: number } | undefined {
  if (text[i] !== '"') return undefined;
  const word: Word = { value: '', starts: [], ends: [], literal: [] };
  const add = (ch: string, start: number, end: number): void => {
    word.value += ch;
    word.starts.push(start);
    word.ends.push(end);
    word.literal.push(true); // exec form runs no shell: `$V` stays as written
  };
  for (let k = i + 1; k < text.length; ) {
    const ch = text[k]!;
    if (ch === '"') return { word, next: k + 1 };
    if (ch === '\n') return undefined;
    if (ch !== '\\') {
      add(ch, k, k + 1);
      k++;
      continue;
    }
    const esc = text[k + 1];
    if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(k + 2, k + 6))) {
      add(String.fromCharCode(parseInt(text.slice(k + 2, k + 6), 16)), k, k + 6);
      k += 6;
    } else if (esc !== undefined && ESCAPES[esc] !== undefined) {
      add(ESCAPES[esc], k, k + 2);
      k += 2;
    } else return undefined;
  }
  return undefined;
}
