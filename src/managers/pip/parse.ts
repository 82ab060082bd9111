// Reads a pip requirements/constraints file into logical lines: options, includes and requirements with offsets.
import { MAX_DEPENDENCIES_PER_FILE } from '../limits.js';

/** Files pip's manager reads by name: requirements*.txt, constraints*.txt, requirements/*.txt. */
export const REQUIREMENTS_FILE = /(^|\/)(requirements|constraints)[^/]*\.txt$|(^|\/)requirements\/[^/]+\.txt$/;

/** The `--hash` values of a dependency as one digest string: `sha256:aa,sha256:bb`; null without hashes. */
export function joinHashes(hashes: readonly string[]): string | null {
  return hashes.length ? hashes.join(',') : null;
}

export function splitHashes(digest: string | null): string[] {
  return digest ? digest.split(',').filter(Boolean) : [];
}

/** One `--hash=sha256:...` option: the whole token's range and its value. */
export interface HashToken {
  start: number;
  end: number;
  value: string;
}

export interface RequirementLine {
  /** 1-based line where the requirement starts. */
  line: number;
  name: string;
  extras: string[];
  /** The version specifier as written (`==1.2.3`, `>=1,<2`), or '' when none. */
  specifier: string;
  /** Offsets of the specifier text. */
  specifierStart: number;
  marker?: string;
  hashes: HashToken[];
  /** End of the requirement's last token (where new `--hash` options go when it had none). */
  contentEnd: number;
  /** Set for lines that are not a named requirement (URLs, editables). */
  unsupported?: string;
  raw: string;
}

export interface RequirementsFile {
  requirements: RequirementLine[];
  includes: { kind: 'requirement' | 'constraint'; path: string; line: number }[];
  indexUrl?: string;
  extraIndexUrls: string[];
  errors: { line: number; message: string }[];
}

interface Token {
  text: string;
  start: number;
  end: number;
}

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?/;

/** Splits a logical line (continuations already part of it) into whitespace-separated tokens with offsets. */
function tokens(text: string, offset: number): Token[] {
  const out: Token[] = [];
  const re = /(?:\\\r?\n|\s)+|[^\s\\]+(?:\\(?!\r?\n)[^\s\\]*)*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (/^(?:\\\r?\n|\s)+$/.test(m[0])) continue;
    out.push({ text: m[0], start: offset + m.index, end: offset + m.index + m[0].length });
  }
  return out;
}

/** Logical lines: physical lines joined at a trailing backslash, comments cut (`#` at start or after whitespace). */
function* logicalLines(text: string): Generator<{ text: string; start: number; line: number }> {
  const physical = text.split('\n');
  let offset = 0;
  let current: { text: string; start: number; line: number } | null = null;
  for (const [index, raw] of physical.entries()) {
    const lineStart = offset;
    offset += raw.length + 1;
    const withoutCr = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const comment = /(^|\s)#/.exec(withoutCr);
    const content = comment ? withoutCr.slice(0, comment.index) : withoutCr;
    const continues = !comment && content.endsWith('\\');
    if (!current) current = { text: '', start: lineStart, line: index + 1 };
    // Keep the continuation bytes in the text so offsets into the file stay exact.
    current.text += continues ? raw + (index < physical.length - 1 ? '\n' : '') : content;
    if (!continues) {
      yield current;
      current = null;
    }
  }
  if (current) yield current;
}

function optionValue(toks: Token[], i: number, name: string): { value?: string; next: number } {
  const tok = toks[i]!.text;
  if (tok.startsWith(`${name}=`)) return { value: tok.slice(name.length + 1), next: i + 1 };
  return { value: toks[i + 1]?.text, next: i + 2 };
}

function parseOption(toks: Token[], file: RequirementsFile, line: number): void {
  const first = toks[0]!.text;
  const option = first.split('=')[0]!;
  const { value } = optionValue(toks, 0, option);
  if (['-r', '--requirement', '-c', '--constraint'].includes(option) || /^-[rc]\S/.test(first)) {
    const short = /^-([rc])(\S+)$/.exec(first);
    const path = short ? short[2] : value;
    const kind = (short?.[1] ?? option).includes('c') ? 'constraint' : 'requirement';
    if (!path) file.errors.push({ line, message: `${first} needs a file name` });
    else file.includes.push({ kind, path, line });
    return;
  }
  if (option === '-i' || option === '--index-url') {
    if (value) file.indexUrl = value;
    else file.errors.push({ line, message: `${first} needs a URL` });
    return;
  }
  if (option === '--extra-index-url') {
    if (value) file.extraIndexUrls.push(value);
    else file.errors.push({ line, message: `${first} needs a URL` });
  }
  // Other global options (--pre, --trusted-host, -f, --no-binary...) do not name dependencies.
}

function parseRequirement(toks: Token[], text: string, line: number): RequirementLine {
  const argEnd = toks.findIndex((t) => t.text.startsWith('-'));
  const args = argEnd === -1 ? toks : toks.slice(0, argEnd);
  const hashes: HashToken[] = [];
  for (let i = argEnd === -1 ? toks.length : argEnd; i < toks.length; i++) {
    const tok = toks[i]!;
    if (tok.text === '--hash' && toks[i + 1]) {
      hashes.push({ start: tok.start, end: toks[i + 1]!.end, value: toks[i + 1]!.text });
      i++;
    } else if (tok.text.startsWith('--hash=')) hashes.push({ start: tok.start, end: tok.end, value: tok.text.slice('--hash='.length) });
  }
  const first = args[0]!;
  const argsText = text.slice(first.start, args.at(-1)!.end);
  const base = { line, hashes, contentEnd: args.at(-1)!.end, raw: argsText, extras: [] as string[], specifier: '', specifierStart: first.start };
  const name = NAME.exec(argsText);
  if (!name || /^[a-z+]+:\/\//i.test(argsText) || argsText.includes(' @ ') || /^[.\/~]/.test(argsText)) {
    return { ...base, name: argsText, unsupported: 'not a named requirement (URL, path or direct reference)' };
  }
  const rest = argsText.slice(name[0].length);
  const semicolon = rest.indexOf(';');
  const specPart = semicolon === -1 ? rest : rest.slice(0, semicolon);
  const leading = specPart.length - specPart.trimStart().length;
  const specifier = specPart.trim();
  const marker = semicolon === -1 ? undefined : rest.slice(semicolon + 1).trim();
  if (rest.trimStart().startsWith('@')) return { ...base, name: name[1]!, unsupported: 'direct reference (name @ url)' };
  return {
    ...base,
    name: name[1]!,
    extras: (name[2] ?? '').split(',').map((e) => e.trim()).filter(Boolean),
    specifier,
    specifierStart: first.start + name[0].length + leading,
    ...(marker ? { marker } : {}),
  };
}

export function parseRequirementsFile(text: string): RequirementsFile {
  const file: RequirementsFile = { requirements: [], includes: [], extraIndexUrls: [], errors: [] };
  for (const logical of logicalLines(text)) {
    const toks = tokens(logical.text, logical.start);
    if (toks.length === 0) continue;
    const first = toks[0]!.text;
    if (first === '-e' || first.startsWith('--editable')) continue;
    if (first.startsWith('-')) {
      parseOption(toks, file, logical.line);
      continue;
    }
    if (file.requirements.length === MAX_DEPENDENCIES_PER_FILE) {
      file.errors.push({ line: logical.line, message: `more than ${MAX_DEPENDENCIES_PER_FILE} requirements; the rest are not read` });
      break;
    }
    file.requirements.push(parseRequirement(toks, text, logical.line));
  }
  return file;
}

/** PEP 503 normalized project name: lowercase, runs of `-`, `_`, `.` become one `-`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
