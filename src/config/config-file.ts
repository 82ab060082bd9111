// `.github/freshen.yml` read from its text, as the app reads it, with each problem located at its line and column.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Range } from 'yaml';
import type { FileSource } from '../engine/types.js';
import { checkUniqueKeys, parseYamlFile } from '../managers/yaml-values.js';
import { CONFIG_PATH, configPath, defaultRepoConfig, validateRepoConfig, type ConfigProblem, type RepoConfig } from './repo-config.js';

export interface CheckedConfig {
  /** Undefined when the file is invalid. */
  config?: RepoConfig;
  problems: ConfigProblem[];
  /** What the file asks that cannot be done from its text alone (`_extends`), located. */
  warnings: ConfigProblem[];
}

/**
 * Parses like Probot's config loader (the `yaml` package's defaults, an empty file is `{}`, a bare
 * string is refused), then validates with the one schema.
 */
export function checkConfigText(text: string, file = CONFIG_PATH): CheckedConfig {
  // Size and nesting caps first (one located problem); duplicate keys in one pass (the library's own check is quadratic).
  const screened = parseYamlFile(text, file);
  const limits = Array.isArray(screened) ? screened.filter((e) => !e.message.startsWith('invalid YAML')) : [];
  if (limits.length > 0) return { problems: limits.map((e) => ({ file, path: '', ...(e.line ? { line: e.line } : {}), message: e.message })), warnings: [] };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  checkUniqueKeys(doc);
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({ file, path: '', ...at(e.pos[0]), message: `invalid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` }));
    return { problems, warnings: [] };
  }
  let raw: unknown;
  try {
    raw = doc.toJS() || {};
  } catch (err) {
    // Too many aliases (a "billion laughs" file) and the like.
    return { problems: [{ file, path: '', line: 1, column: 1, message: `invalid YAML: ${(err as Error).message}` }], warnings: [] };
  }
  if (typeof raw === 'string') return { problems: [{ file, path: '', line: 1, column: 1, message: 'YAML is not an object' }], warnings: [] };

  const checked = validateRepoConfig(raw, file);
  const problems = checked.issues
    .map(({ keys, atKey, problem }) => ({ ...problem, ...locate(doc, keys, atKey, at) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const warnings: ConfigProblem[] = [];
  const target = (raw as { _extends?: unknown })._extends;
  if (typeof target === 'string' && checked.issues.every((i) => i.keys[0] !== '_extends')) {
    warnings.push({
      file, path: configPath(['_extends']), ...locate(doc, ['_extends'], false, at),
      message: `the app reads the config of "${target}" first and lets this file's keys win; that repository cannot be read here, so this file is checked and applied alone`,
    });
  }
  return { ...(checked.config ? { config: checked.config } : {}), problems, warnings };
}

/** The repository's config from a checkout; a missing file is the defaults, as in the app. */
export async function readConfigFile(source: FileSource): Promise<CheckedConfig & { found: boolean }> {
  let text: string;
  try {
    text = await source.read(CONFIG_PATH);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { config: defaultRepoConfig, problems: [], warnings: [], found: false };
    return { problems: [{ file: CONFIG_PATH, path: '', message: `cannot be read: ${(err as Error).message}` }], warnings: [], found: true };
  }
  return { ...checkConfigText(text), found: true };
}

/** Adds line and column to problems found in an already-parsed object, from the file's text. */
export function locateProblems(text: string, problems: readonly ConfigProblem[], file = CONFIG_PATH): ConfigProblem[] {
  const located = checkConfigText(text, file).problems;
  return problems.map((p) => {
    const same = located.find((l) => l.file === p.file && l.path === p.path && l.message === p.message);
    return same?.line ? { ...p, line: same.line, ...(same.column ? { column: same.column } : {}) } : p;
  });
}

/**
 * The start of what `keys` point at: the value (or, for an unknown field, the key); where a key is
 * missing, the object that lacks it.
 */
function locate(doc: Document, keys: readonly PropertyKey[], atKey: boolean, at: (offset: number) => { line: number; column: number }) {
  let node: unknown = doc.contents;
  let range: Range | null | undefined = doc.contents?.range;
  for (const [i, key] of keys.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key));
      if (!pair) break;
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      if (atKey && i === keys.length - 1) {
        range = keyRange;
        break;
      }
      node = pair.value;
      range = (pair.value as { range?: Range } | null)?.range ?? keyRange;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
      node = node.items[key];
      range = (node as { range?: Range }).range ?? range;
    } else {
      break;
    }
  }
  return range ? at(range[0]) : {};
}
