// The JavaScript lockfiles by name, and which package directories a workspace root claims (package.json `workspaces`, pnpm-workspace.yaml).
import { Minimatch } from 'minimatch';
import { isScalar, isSeq } from 'yaml';
import { mapGet, parseYamlFile, resolveNode } from '../yaml-values.js';
import { getMember, parseJsonWithRanges, type JsonNode } from './json-ranges.js';

export const PNPM_WORKSPACE = 'pnpm-workspace.yaml';

/**
 * The workspace patterns a file declares: package.json's `workspaces` (an array, or yarn's
 * `{ packages: [...] }`), pnpm-workspace.yaml's `packages`. `[]` when it declares none; null when
 * the file cannot be read as such, so a caller can take the careful side.
 */
export function workspacePatterns(text: string, file: string): string[] | null {
  return file === PNPM_WORKSPACE || file.endsWith(`/${PNPM_WORKSPACE}`) ? pnpmPatterns(text, file) : packageJsonPatterns(text);
}

function packageJsonPatterns(text: string): string[] | null {
  let root: JsonNode;
  try {
    root = parseJsonWithRanges(text);
  } catch {
    return null;
  }
  const workspaces = getMember(root, 'workspaces');
  if (!workspaces) return [];
  const list = workspaces.kind === 'array' ? workspaces : getMember(workspaces, 'packages');
  if (list?.kind !== 'array') return null;
  return list.items.every((item) => item.kind === 'string') ? list.items.map((item) => (item as { value: string }).value) : null;
}

function pnpmPatterns(text: string, file: string): string[] | null {
  const parsed = parseYamlFile(text, file);
  if (Array.isArray(parsed)) return null;
  const doc = parsed.documents[0];
  if (!doc || doc.contents === null) return [];
  const packages = mapGet(doc.contents, 'packages', doc);
  if (packages === null) return [];
  if (!isSeq(packages)) return null;
  const patterns: string[] = [];
  for (const item of packages.items) {
    const node = resolveNode(item, doc);
    if (!isScalar(node) || typeof node.value !== 'string') return null;
    patterns.push(node.value);
  }
  return patterns;
}

/** More workspace patterns, and longer ones, than real monorepos write: past these, every directory counts as a member. */
export const MAX_WORKSPACE_PATTERNS = 256;
const MAX_PATTERN_LENGTH = 1024;

// Braces and extglobs can cost seconds per pattern to expand or match; a pattern using them claims every directory.
const COSTLY = /[{}]|[?*+@!]\(/;

/**
 * Which directories (relative to the workspace root) are its packages: a pattern matches and no
 * `!pattern` excludes them, as yarn and pnpm read them. Where Freshen cannot tell cheaply (too many
 * patterns, braces, extglobs), the answer is yes: a member is left alone, never edited wrongly.
 */
export function workspaceMatcher(patterns: readonly string[]): (dir: string) => boolean {
  if (patterns.length > MAX_WORKSPACE_PATTERNS) return () => true;
  const compile = (pattern: string): ((dir: string) => boolean) | 'costly' => {
    if (pattern.length > MAX_PATTERN_LENGTH || COSTLY.test(pattern)) return 'costly';
    const clean = pattern.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    try {
      const matcher = new Minimatch(clean, { dot: true, nobrace: true, noext: true });
      return (dir) => matcher.match(dir);
    } catch {
      return 'costly';
    }
  };
  const include = patterns.filter((p) => !p.startsWith('!')).map(compile);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => compile(p.slice(1)));
  if (include.includes('costly')) return () => true;
  const excluders = exclude.filter((m) => m !== 'costly');
  return (dir) => include.some((m) => m !== 'costly' && m(dir)) && !excluders.some((m) => m(dir));
}

/** workspaceMatcher for one directory. */
export function inWorkspace(patterns: readonly string[], dir: string): boolean {
  return workspaceMatcher(patterns)(dir);
}
