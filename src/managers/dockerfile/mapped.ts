// Helpers for text that remembers, per character, where in the file it was read from.
import type { TextRange } from '../../types.js';
import type { MappedText } from './types.js';

export const emptyMapped = (): MappedText => ({ text: '', offsets: [] });

/** The file text between start and end, each character mapped to its own offset. */
export function mappedFromFile(text: string, start: number, end: number): MappedText {
  const offsets = new Array<number>(end - start);
  for (let i = 0; i < offsets.length; i++) offsets[i] = start + i;
  return { text: text.slice(start, end), offsets };
}

export function sliceMapped(mapped: MappedText, start: number, end = mapped.text.length): MappedText {
  return { text: mapped.text.slice(start, end), offsets: mapped.offsets.slice(start, end) };
}

/** Collects characters with their offsets. */
export class MappedBuilder {
  private chars: string[] = [];
  private offsets: number[] = [];

  push(char: string, offset: number): void {
    this.chars.push(char);
    this.offsets.push(offset);
  }

  /** Appends text[start, end), each character mapped to its own offset in `text`. */
  pushRange(text: string, start: number, end: number): void {
    if (end <= start) return;
    this.chars.push(text.slice(start, end));
    for (let i = start; i < end; i++) this.offsets.push(i);
  }

  append(mapped: MappedText): void {
    for (let i = 0; i < mapped.text.length; i++) this.push(mapped.text[i]!, mapped.offsets[i]!);
  }

  get length(): number {
    return this.offsets.length;
  }

  build(): MappedText {
    return { text: this.chars.join(''), offsets: this.offsets };
  }
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

export function trimMapped(mapped: MappedText): MappedText {
  let start = 0;
  let end = mapped.text.length;
  while (start < end && isSpace(mapped.text[start])) start++;
  while (end > start && isSpace(mapped.text[end - 1])) end--;
  return sliceMapped(mapped, start, end);
}

/** Splits on runs of white space, no quoting (how FROM reads its words). */
export function splitOnWhitespace(mapped: MappedText): MappedText[] {
  const words: MappedText[] = [];
  const re = /\S+/g;
  for (let m = re.exec(mapped.text); m; m = re.exec(mapped.text)) {
    words.push(sliceMapped(mapped, m.index, m.index + m[0].length));
  }
  return words;
}

/** The file range from the first to the last character, or null when empty or not written. */
export function spanOf(mapped: MappedText): TextRange | null {
  const first = mapped.offsets[0];
  const last = mapped.offsets[mapped.offsets.length - 1];
  if (first === undefined || last === undefined || first < 0 || last < 0) return null;
  return { start: first, end: last + 1 };
}

/** True when every character is written, in order and side by side, in the file. */
export function isContiguous(offsets: readonly number[], start = 0, end = offsets.length): boolean {
  for (let i = start; i < end; i++) {
    const offset = offsets[i]!;
    if (offset < 0) return false;
    if (i > start && offset !== offsets[i - 1]! + 1) return false;
  }
  return true;
}
