// The JavaScript lockfiles by name, and which package directories a workspace root claims (package.json `workspaces`, pnpm-workspace.yaml).
import { minimatch } from 'minimatch';
import { isScalar, isSeq } from 'yaml';
import { mapGet, parseYamlFile, resolveNode } from '../yaml-values.js';
import { getMember, parseJsonWithRanges, type JsonNode } from './json-ranges.js';

/** npm's own lockfiles, regenerated with npm. With both in one directory npm reads and writes only the shrinkwrap. */
export const NPM_LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json'] as const;

/** Lockfiles of yarn, pnpm and bun: Freshen cannot regenerate them yet. */
export const UNSUPPORTED_LOCKFILES = ['yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'] as const;

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

/**
 * Whether `dir` (relative to the workspace root, '' for the root itself) is one of its packages:
 * a pattern matches and no `!pattern` excludes it, as yarn and pnpm read them.
 */
export function inWorkspace(patterns: readonly string[], dir: string): boolean {
  const clean = (pattern: string) => pattern.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  const matches = (pattern: string) => minimatch(dir, clean(pattern), { dot: true });
  const included = patterns.some((p) => !p.startsWith('!') && matches(p));
  return included && !patterns.some((p) => p.startsWith('!') && matches(p.slice(1)));
}
