// yarn.lock read line by line, both flavours: classic (v1, `version "x"`) and Berry (YAML with `__metadata`, `version: x`). Linear in the file's size.
import { LimitError, MAX_FILE_BYTES, excerpt } from '../limits.js';
import { ParseError } from '../../types.js';

export type YarnFlavour = 'classic' | 'berry';

export interface YarnLockEntry {
  /** `name@range` as yarn writes them (Berry with the protocol: `name@npm:^1.0.0`). */
  descriptors: string[];
  version?: string;
  /** Berry only: the locator this entry resolves to (`name@npm:1.2.0`, `app@workspace:.`). */
  resolution?: string;
  /** Classic only: where the package was fetched from (a tarball URL, `git+ssh://…`, `file:…`). */
  resolved?: string;
  /** 1-based line of the entry's key, and the line after its last field. */
  line: number;
  endLine: number;
}

export interface YarnLock {
  flavour: YarnFlavour;
  entries: YarnLockEntry[];
  /** The first entry naming each descriptor. */
  byDescriptor: Map<string, YarnLockEntry>;
}

const BERRY = /(^|\n)__metadata:[ \t]*\r?\n/;
/** A field of an entry, two spaces in: classic `name value`, Berry `name: value`. */
const CLASSIC_FIELD = /^ {2}("(?:[^"\\]|\\.)*"|[^\s:"]+)(?: (.*)|:)$/;
const BERRY_FIELD = /^ {2}("(?:[^"\\]|\\.)*"|[^\s:"][^:]*?):(?: (.*))?$/;

export function yarnFlavour(text: string): YarnFlavour {
  return BERRY.test(text) ? 'berry' : 'classic';
}

function fail(file: string, line: number, message: string): never {
  throw new ParseError(`${file} line ${line}: ${message}`, line);
}

/** A quoted value as yarn writes it (JSON string syntax), or the bare text. */
function scalar(raw: string, file: string, line: number): string {
  const text = raw.trim();
  if (!text.startsWith('"')) return text;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'string') return value;
  } catch {
    // reported below
  }
  return fail(file, line, `${excerpt(text)} is not a quoted string yarn would write`);
}

/**
 * The descriptors of an entry's key line (without the final colon). Classic quotes each descriptor
 * on its own (`"@a/b@^1", "@a/b@^2"`); Berry quotes the joined list (`"a@npm:^1, a@npm:^2"`).
 */
function descriptorsOf(key: string, flavour: YarnFlavour, file: string, line: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < key.length) {
    while (key[i] === ' ') i++;
    let token: string;
    if (key[i] === '"') {
      let j = i + 1;
      while (j < key.length && key[j] !== '"') j += key[j] === '\\' ? 2 : 1;
      if (j >= key.length) fail(file, line, `unterminated quote in ${excerpt(key)}`);
      token = scalar(key.slice(i, j + 1), file, line);
      i = j + 1;
      while (key[i] === ' ') i++;
      if (i < key.length && key[i] !== ',') fail(file, line, `unexpected text after a quoted descriptor in ${excerpt(key)}`);
      i++;
      out.push(...(flavour === 'berry' ? token.split(', ') : [token]));
    } else {
      const comma = key.indexOf(',', i);
      const end = comma === -1 ? key.length : comma;
      token = key.slice(i, end).trim();
      i = end + 1;
      out.push(token);
    }
  }
  const descriptors = out.map((d) => d.trim()).filter(Boolean);
  if (descriptors.length === 0) fail(file, line, 'an entry without a descriptor');
  return descriptors;
}

/** Reads every entry; throws ParseError (with the line) where the text is not a lockfile yarn wrote. */
export function parseYarnLock(text: string, file = 'yarn.lock'): YarnLock {
  if (text.length > MAX_FILE_BYTES) throw new LimitError(`${file}: larger than ${MAX_FILE_BYTES} bytes; not read`);
  const flavour = yarnFlavour(text);
  const field = flavour === 'berry' ? BERRY_FIELD : CLASSIC_FIELD;
  const entries: YarnLockEntry[] = [];
  const byDescriptor = new Map<string, YarnLockEntry>();
  let current: YarnLockEntry | undefined;
  let metadata = false;
  const close = (endLine: number) => {
    if (!current) return;
    current.endLine = endLine;
    if (current.version === undefined) fail(file, current.line, `the entry ${excerpt(current.descriptors.join(', '))} has no version`);
    current = undefined;
  };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.replace(/\r$/, '');
    const lineNo = index + 1;
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (!line.startsWith(' ')) {
      close(lineNo);
      if (line.startsWith('\t')) fail(file, lineNo, 'indented with a tab');
      if (!line.endsWith(':')) fail(file, lineNo, `${excerpt(line)} is not an entry (\`descriptor:\`)`);
      const key = line.slice(0, -1);
      metadata = flavour === 'berry' && key === '__metadata';
      if (metadata) continue;
      current = { descriptors: descriptorsOf(key, flavour, file, lineNo), line: lineNo, endLine: lineNo + 1 };
      entries.push(current);
      for (const descriptor of current.descriptors) if (!byDescriptor.has(descriptor)) byDescriptor.set(descriptor, current);
      continue;
    }
    if (!current && !metadata) fail(file, lineNo, 'an indented line outside any entry');
    if (line.startsWith('   ') || metadata) continue;
    const match = field.exec(line);
    if (!match) fail(file, lineNo, `${excerpt(line.trim())} is not a field of a yarn.lock entry`);
    const name = scalar(match[1]!, file, lineNo);
    if (name === 'version' && match[2] !== undefined) current!.version = scalar(match[2], file, lineNo);
    else if (name === 'resolution' && match[2] !== undefined) current!.resolution = scalar(match[2], file, lineNo);
    else if (name === 'resolved' && match[2] !== undefined) current!.resolved = scalar(match[2], file, lineNo);
  }
  close(lines.length + 1);
  return { flavour, entries, byDescriptor };
}
