// Splitting instruction text into words the way BuildKit does, keeping each character's file offset.
import type { TextRange } from '../../types.js';
import { MappedBuilder, sliceMapped } from './mapped.js';
import type { MappedText } from './types.js';

const isSpace = (c: string): boolean => /\s/.test(c);

/**
 * Words split on white space outside quotes; quotes and escapes are kept as written (like
 * BuildKit's parseWords, used for ARG and ENV). Pass '\\' to split a shell command.
 */
export function splitWords(mapped: MappedText, escapeChar: string): MappedText[] {
  const { text } = mapped;
  const words: MappedText[] = [];
  let start = -1;
  let quote = '';
  for (let pos = 0; pos < text.length; pos++) {
    const ch = text[pos]!;
    if (start < 0) {
      if (isSpace(ch)) continue;
      start = pos;
    }
    if (quote === '') {
      if (isSpace(ch)) {
        words.push(sliceMapped(mapped, start, pos));
        start = -1;
        continue;
      }
      if (ch === '"' || ch === "'") quote = ch;
      if (ch === escapeChar) {
        if (pos + 1 === text.length) return finish(words, mapped, start, pos);
        pos++;
      }
      continue;
    }
    if (ch === quote) {
      quote = '';
      continue;
    }
    if (ch === escapeChar && quote !== "'") {
      if (pos + 1 === text.length) return finish(words, mapped, start, pos);
      pos++;
    }
  }
  return finish(words, mapped, start, text.length);
}

function finish(words: MappedText[], mapped: MappedText, start: number, end: number): MappedText[] {
  if (start >= 0 && end > start) words.push(sliceMapped(mapped, start, end));
  return words;
}

export interface RawFlag {
  /** The flag word with quotes and backslash escapes removed. */
  word: MappedText;
  /** Where the flag word starts and ends in the text it was read from (indices, not offsets). */
  start: number;
  end: number;
}

/**
 * Reads the leading `--flag` words (BuildKit's extractBuilderFlags): quotes and backslashes are
 * removed from them, and the first word not starting with `--` starts the arguments.
 */
export function extractFlags(mapped: MappedText): { flags: RawFlag[]; argsStart: number } {
  const { text } = mapped;
  const flags: RawFlag[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && isSpace(text[pos]!)) pos++;
    if (pos >= text.length) return { flags, argsStart: text.length };
    if (!text.startsWith('--', pos)) return { flags, argsStart: pos };
    const start = pos;
    const { word, end } = readFlagWord(mapped, pos);
    pos = end;
    if (word.text === '--') return { flags, argsStart: pos };
    flags.push({ word, start, end });
  }
}

function readFlagWord(mapped: MappedText, from: number): { word: MappedText; end: number } {
  const { text, offsets } = mapped;
  const word = new MappedBuilder();
  let quote = '';
  let pos = from;
  for (; pos < text.length; pos++) {
    let ch = text[pos]!;
    if (quote === '' && isSpace(ch)) break;
    if (quote === '' && (ch === '"' || ch === "'")) {
      quote = ch;
      continue;
    }
    if (quote !== '' && ch === quote) {
      quote = '';
      continue;
    }
    if (ch === '\\') {
      if (pos + 1 === text.length) continue;
      pos++;
      ch = text[pos]!;
    }
    word.push(ch, offsets[pos]!);
  }
  return { word: word.build(), end: pos };
}

/**
 * The exec form `["a", "b"]` with each string mapped to the file, or null when the text is not a
 * JSON array of strings (then the instruction is in shell form). An escape such as `\n` maps to
 * the offset of its backslash.
 */
export function parseExecForm(mapped: MappedText): MappedText[] | null {
  const { text } = mapped;
  let pos = skipJsonSpace(text, 0);
  if (text[pos] !== '[') return null;
  pos = skipJsonSpace(text, pos + 1);
  const items: MappedText[] = [];
  if (text[pos] === ']') return skipJsonSpace(text, pos + 1) === text.length ? items : null;
  for (;;) {
    const item = readJsonString(mapped, pos);
    if (!item) return null;
    items.push(item.value);
    pos = skipJsonSpace(text, item.end);
    if (text[pos] === ']') return skipJsonSpace(text, pos + 1) === text.length ? items : null;
    if (text[pos] !== ',') return null;
    pos = skipJsonSpace(text, pos + 1);
  }
}

function skipJsonSpace(text: string, pos: number): number {
  while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  return pos;
}

const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function readJsonString(mapped: MappedText, from: number): { value: MappedText; end: number } | null {
  const { text, offsets } = mapped;
  if (text[from] !== '"') return null;
  const value = new MappedBuilder();
  for (let pos = from + 1; pos < text.length; pos++) {
    const ch = text[pos]!;
    if (ch === '"') return { value: value.build(), end: pos + 1 };
    if (ch < ' ') return null;
    if (ch !== '\\') {
      value.push(ch, offsets[pos]!);
      continue;
    }
    const next = text[pos + 1] ?? '';
    if (next === 'u') {
      const hex = text.slice(pos + 2, pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return null;
      value.push(String.fromCharCode(parseInt(hex, 16)), offsets[pos]!);
      pos += 5;
      continue;
    }
    const escaped = JSON_ESCAPES[next];
    if (escaped === undefined) return null;
    value.push(escaped, offsets[pos]!);
    pos++;
  }
  return null;
}

/** A here-document announced on an instruction line. */
export interface HeredocMarker {
  name: string;
  chomp: boolean;
  expand: boolean;
}

const HEREDOC_WORD = /^(\d*)<<(-?)([^<]*)$/;

/** The here-documents a RUN/COPY/ADD line announces, in order (`<<EOF`, `<<-EOF`, `<<"EOF"`). */
export function heredocMarkers(line: MappedText): HeredocMarker[] {
  const markers: HeredocMarker[] = [];
  for (const word of splitWords(line, '\\')) {
    const m = HEREDOC_WORD.exec(word.text);
    const rest = m?.[3];
    if (!m || !rest) continue;
    const name = unquoteShellWord(rest);
    if (name === '') continue;
    markers.push({ name, chomp: m[2] === '-', expand: name === rest });
  }
  return markers;
}

/** Removes shell quotes and backslash escapes from one word (no expansion). */
export function unquoteShellWord(word: string): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < word.length; i++) {
    const ch = word[i]!;
    if (quote === '' && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === quote) quote = '';
    else if (ch === '\\' && quote !== "'" && i + 1 < word.length) out += word[++i];
    else out += ch;
  }
  return out;
}

/** One `key=value` field of a `--mount=` flag (CSV, keys lower-cased). */
export interface MountField {
  key: string;
  value: MappedText;
}

/** The fields of a `--mount=type=cache,from=img,...` value. */
export function parseMountFields(value: MappedText): MountField[] {
  const fields: MountField[] = [];
  for (const field of splitCsv(value)) {
    const eq = field.text.indexOf('=');
    const key = (eq < 0 ? field.text : field.text.slice(0, eq)).trim().toLowerCase();
    fields.push({ key, value: eq < 0 ? sliceMapped(field, field.text.length) : sliceMapped(field, eq + 1) });
  }
  return fields;
}

function splitCsv(mapped: MappedText): MappedText[] {
  const { text, offsets } = mapped;
  const fields: MappedText[] = [];
  let field = new MappedBuilder();
  let quoted = false;
  for (let pos = 0; pos < text.length; pos++) {
    const ch = text[pos]!;
    if (quoted) {
      if (ch === '"' && text[pos + 1] === '"') field.push('"', offsets[++pos]!);
      else if (ch === '"') quoted = false;
      else field.push(ch, offsets[pos]!);
      continue;
    }
    if (ch === ',') {
      fields.push(field.build());
      field = new MappedBuilder();
    } else if (ch === '"' && field.length === 0) {
      quoted = true;
    } else {
      field.push(ch, offsets[pos]!);
    }
  }
  fields.push(field.build());
  return fields;
}

/** The file range a slice [start, end) of mapped text was read from (first to last character). */
export function rangeOfSlice(mapped: MappedText, start: number, end: number): TextRange {
  const first = mapped.offsets[start] ?? 0;
  const last = mapped.offsets[end - 1] ?? first;
  return { start: first, end: last + 1 };
}
