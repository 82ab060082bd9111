// Compose variable interpolation (`${VAR:-default}`, `$$`...) resolved as if no variable were set, keeping file offsets.
import { excerpt, MAX_NESTING } from '../limits.js';
import type { SourcedString } from '../yaml-values.js';

export type Interpolated = { value: SourcedString } | { skipReason: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

class Builder {
  text = '';
  offsets: number[] = [];
  add(char: string, offset: number): void {
    this.text += char;
    this.offsets.push(offset);
  }
  append(part: SourcedString): void {
    this.text += part.text;
    this.offsets.push(...(part.offsets ?? Array.from(part.text, () => -1)));
  }
}

/** Index of the `}` closing a `${` whose body starts at `from`, skipping nested `${...}`. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function sliceOf(input: SourcedString, from: number, to: number): SourcedString {
  return { text: input.text.slice(from, to), offsets: input.offsets ? input.offsets.slice(from, to) : null };
}

/** Resolves one `${...}` body (without braces), assuming the variable is not set. */
function braced(input: SourcedString, from: number, to: number, depth: number): Interpolated {
  const body = input.text.slice(from, to);
  const name = NAME.exec(body)?.[0];
  if (!name) return { skipReason: `invalid-interpolation: \${${excerpt(body)}}` };
  const operator = /^(:?[-?+])?/.exec(body.slice(name.length))![0];
  const wordStart = from + name.length + operator.length;
  if (operator === '' && wordStart !== to) return { skipReason: `invalid-interpolation: \${${excerpt(body)}}` };
  if (operator === '' || operator.endsWith('?')) return { skipReason: `unresolved-variable: ${name}` };
  if (operator.endsWith('+')) return { value: { text: '', offsets: [] } };
  return interpolate(sliceOf(input, wordStart, to), depth + 1);
}

/**
 * Resolves Compose interpolation the way `docker compose` does with no variable set: defaults are
 * used, `$$` is a literal `$`. A variable without a default cannot be resolved and is reported.
 */
export function interpolate(input: SourcedString, depth = 0): Interpolated {
  const { text } = input;
  if (depth > MAX_NESTING) return { skipReason: `invalid-interpolation: defaults nested more than ${MAX_NESTING} levels deep` };
  const out = new Builder();
  const offsetAt = (i: number) => (input.offsets ? input.offsets[i]! : -1);
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$') {
      out.add(text[i]!, offsetAt(i));
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      // The `$` stands for two bytes in the file, so it is never edited in place.
      out.add('$', -1);
      i++;
    } else if (next === '{') {
      const close = closingBrace(text, i + 2);
      if (close < 0) return { skipReason: `invalid-interpolation: unclosed \${ in ${excerpt(text)}` };
      const part = braced(input, i + 2, close, depth);
      if ('skipReason' in part) return part;
      out.append(part.value);
      i = close;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (!name) return { skipReason: `invalid-interpolation: lone $ in ${excerpt(text)}` };
      return { skipReason: `unresolved-variable: ${name}` };
    }
  }
  return { value: { text: out.text, offsets: input.offsets ? out.offsets : null } };
}
