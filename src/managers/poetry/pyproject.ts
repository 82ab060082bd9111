// Reads a Poetry project's pyproject.toml: its dependencies (Poetry tables and PEP 621 lists) with the offsets of each constraint, and its sources.
import { parse, TomlError } from 'smol-toml';
import { LimitError, MAX_DEPENDENCIES_PER_FILE, MAX_NESTING } from '../limits.js';
import { LineIndex } from '../line-index.js';
import { ParseError } from '../../types.js';
import { tomlStrings, type TomlString } from './toml-values.js';

/** Largest pyproject.toml read: real ones are a few KiB. */
export const MAX_PYPROJECT_BYTES = 1024 * 1024;

export type SourcePriority = 'default' | 'primary' | 'secondary' | 'supplemental' | 'explicit';

export interface PoetrySource {
  name: string;
  /** Absent for a source standing for PyPI itself. */
  url?: string;
  priority: SourcePriority;
  line: number;
}

export interface PoetryRequirement {
  name: string;
  /** Where it was declared: `tool.poetry.dependencies`, `tool.poetry.group.dev.dependencies`, `project.dependencies`... */
  section: string;
  group: string;
  /** The constraint as written, or null. */
  constraint: string | null;
  /** Offsets of the constraint text inside the file, when it can be rewritten in place. */
  range?: { start: number; end: number };
  /** The offset the dependency is reported at. */
  offset: number;
  /** Why it is not looked up (a git, path or url dependency, the Python version...). */
  skipReason?: string;
  /** `source = "<name>"`: the only source Poetry asks for it. */
  source?: string;
}

export interface Pyproject {
  /** The file declares a Poetry project ([tool.poetry] or Poetry's build backend). */
  isPoetry: boolean;
  requirements: PoetryRequirement[];
  sources: PoetrySource[];
}

type Table = Record<string, unknown>;

const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseToml(text: string): Table {
  if (text.length > MAX_PYPROJECT_BYTES) throw new LimitError(`larger than ${MAX_PYPROJECT_BYTES} bytes; not read`, 1);
  try {
    return parse(text, { maxDepth: MAX_NESTING }) as Table;
  } catch (err) {
    if (err instanceof TomlError) throw new ParseError(`invalid TOML: ${err.message.split('\n')[0]}`, err.line);
    throw err;
  }
}

function pathKey(path: readonly (string | number)[]): string {
  return JSON.stringify(path);
}

function priorityOf(source: Table): SourcePriority {
  const written = source.priority;
  if (typeof written === 'string' && ['default', 'primary', 'secondary', 'supplemental', 'explicit'].includes(written)) return written as SourcePriority;
  if (source.default === true) return 'default';
  return source.secondary === true ? 'secondary' : 'primary';
}

const NOT_RESOLVED: Record<string, string> = {
  git: 'git dependency: not resolved',
  path: 'path dependency: not resolved',
  url: 'url dependency: not resolved',
  file: 'path dependency: not resolved',
};

/** A PEP 508 requirement string: name, then the specifier's offsets within it (URL requirements have none). */
export function pep508(text: string): { name: string; specifier?: { start: number; end: number }; url?: boolean } | null {
  const match = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*/.exec(text);
  if (!match) return null;
  const rest = match[0].length;
  if (text[rest] === '@') return { name: match[1]!, url: true };
  const end = text.indexOf(';', rest) === -1 ? text.length : text.indexOf(';', rest);
  let [start, stop] = [rest, end];
  while (stop > start && /\s/.test(text[stop - 1]!)) stop--;
  if (text[start] === '(' && text[stop - 1] === ')') [start, stop] = [start + 1, stop - 1];
  return stop > start ? { name: match[1]!, specifier: { start, end: stop } } : { name: match[1]! };
}

export function parsePyproject(text: string): Pyproject {
  const doc = parseToml(text);
  const tool = isTable(doc.tool) ? doc.tool : {};
  const poetry = isTable(tool.poetry) ? tool.poetry : undefined;
  const buildSystem = isTable(doc['build-system']) ? doc['build-system'] : {};
  const isPoetry = poetry !== undefined || (typeof buildSystem['build-backend'] === 'string' && buildSystem['build-backend'].startsWith('poetry.'));
  if (!isPoetry) return { isPoetry, requirements: [], sources: [] };

  const strings = new Map<string, TomlString>();
  const tableStarts = new Map<string, number>();
  for (const s of tomlStrings(text)) strings.set(pathKey(s.path), s);
  const located = (path: (string | number)[], value: string) => {
    const found = strings.get(pathKey(path));
    // Only a value written without escapes is rewritten byte for byte.
    return found && text.slice(found.start, found.end) === value ? found : undefined;
  };
  const lineStart = (path: string[]) => {
    const key = pathKey(path);
    if (!tableStarts.has(key)) tableStarts.set(key, Math.max(0, text.indexOf(`[${path.join('.')}`)));
    return tableStarts.get(key)!;
  };

  const requirements: PoetryRequirement[] = [];
  const add = (req: PoetryRequirement) => {
    if (requirements.length >= MAX_DEPENDENCIES_PER_FILE) throw new LimitError(`more than ${MAX_DEPENDENCIES_PER_FILE} dependencies; not read`, 1);
    requirements.push(req);
  };

  const poetryTable = (path: string[], group: string) => {
    let table: unknown = doc;
    for (const key of path) table = isTable(table) ? table[key] : undefined;
    if (!isTable(table)) return;
    const section = path.join('.');
    for (const [name, spec] of Object.entries(table)) {
      const base = { name, section, group, offset: lineStart(path) };
      const at = (p: (string | number)[]) => strings.get(pathKey(p))?.start ?? base.offset;
      if (typeof spec === 'string') {
        const found = located([...path, name], spec);
        add({ ...base, constraint: spec, offset: at([...path, name]), ...(found ? { range: { start: found.start, end: found.end } } : {}), ...(name.toLowerCase() === 'python' ? { skipReason: 'python: the interpreter version, not a package' } : {}) });
      } else if (Array.isArray(spec)) {
        // Poetry resolves every alternative while locking, so one git/path/url entry is as unresolvable as a lone one.
        const index = spec.findIndex((s) => isTable(s) && Object.keys(NOT_RESOLVED).some((k) => k in s));
        const kind = index < 0 ? undefined : Object.keys(NOT_RESOLVED).find((k) => k in (spec[index] as Table));
        if (kind) add({ ...base, constraint: null, offset: at([...path, name, index, kind]), skipReason: NOT_RESOLVED[kind]! });
        else add({ ...base, constraint: null, offset: at([...path, name, 0, 'version']), skipReason: 'multiple constraints (per Python or platform): not rewritten' });
      } else if (isTable(spec)) {
        const kind = Object.keys(NOT_RESOLVED).find((k) => k in spec);
        const version = typeof spec.version === 'string' ? spec.version : null;
        const found = version === null ? undefined : located([...path, name, 'version'], version);
        const offset = at([...path, name, kind ?? 'version']);
        const source = typeof spec.source === 'string' ? { source: spec.source } : {};
        if (kind) add({ ...base, constraint: version, offset, skipReason: NOT_RESOLVED[kind]! });
        else if (name.toLowerCase() === 'python') add({ ...base, constraint: version, offset, skipReason: 'python: the interpreter version, not a package' });
        else if (version === null) add({ ...base, constraint: null, offset, skipReason: 'no version constraint', ...source });
        else add({ ...base, constraint: version, offset, ...(found ? { range: { start: found.start, end: found.end } } : {}), ...source });
      }
    }
  };

  poetryTable(['tool', 'poetry', 'dependencies'], 'main');
  poetryTable(['tool', 'poetry', 'dev-dependencies'], 'dev');
  const groups = poetry && isTable(poetry.group) ? poetry.group : {};
  for (const group of Object.keys(groups)) poetryTable(['tool', 'poetry', 'group', group, 'dependencies'], group);

  const project = isTable(doc.project) ? doc.project : {};
  const pep621 = (path: (string | number)[], list: unknown, group: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((entry, index) => {
      if (typeof entry !== 'string') return;
      const found = strings.get(pathKey([...path, index]));
      const offset = found?.start ?? 0;
      const parsed = pep508(entry);
      const section = path.join('.');
      if (!parsed) return add({ name: entry, section, group, constraint: null, offset, skipReason: 'not a PEP 508 requirement' });
      if (parsed.url) return add({ name: parsed.name, section, group, constraint: null, offset, skipReason: 'url dependency: not resolved' });
      if (!parsed.specifier) return add({ name: parsed.name, section, group, constraint: null, offset, skipReason: 'no version constraint' });
      const constraint = entry.slice(parsed.specifier.start, parsed.specifier.end);
      // Escapes after the specifier (a quoted marker) do not move it.
      const exact = found && text.slice(found.start, found.start + parsed.specifier.end) === entry.slice(0, parsed.specifier.end);
      add({ name: parsed.name, section, group, constraint, offset, ...(exact ? { range: { start: found.start + parsed.specifier.start, end: found.start + parsed.specifier.end } } : {}) });
    });
  };
  pep621(['project', 'dependencies'], project.dependencies, 'main');
  const optional = isTable(project['optional-dependencies']) ? project['optional-dependencies'] : {};
  for (const [extra, list] of Object.entries(optional)) pep621(['project', 'optional-dependencies', extra], list, extra);

  const sources: PoetrySource[] = [];
  let lines: LineIndex | undefined;
  const declared = poetry && Array.isArray(poetry.source) ? poetry.source : [];
  declared.forEach((source, index) => {
    if (!isTable(source) || typeof source.name !== 'string') return;
    const offset = strings.get(pathKey(['tool', 'poetry', 'source', index, 'url']))?.start ?? strings.get(pathKey(['tool', 'poetry', 'source', index, 'name']))?.start ?? 0;
    const line = (lines ??= new LineIndex(text)).lineOf(offset);
    sources.push({ name: source.name, ...(typeof source.url === 'string' ? { url: source.url } : {}), priority: priorityOf(source), line });
  });
  return { isPoetry, requirements, sources };
}
