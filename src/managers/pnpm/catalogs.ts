// pnpm-workspace.yaml catalogs (`catalog:` and `catalogs.<name>:`): each entry a dependency whose range is rewritten in place.
import semver from 'semver';
import { isScalar, type Document, type Scalar } from 'yaml';
import type { Dependency, DependencyChange, ExtractResult, LocatedError } from '../../types.js';
import { dataOf, UpdateError } from '../../types.js';
import { MAX_DEPENDENCIES_PER_FILE } from '../limits.js';
import { mapEntries, mapGet, parseYamlFile, resolveNode, scalarString } from '../yaml-values.js';

export const PNPM_MANAGER = 'pnpm';

export interface CatalogLocation {
  start: number;
  end: number;
  /** The value was written as a plain scalar: a new value starting with a YAML indicator must be quoted. */
  plain: boolean;
}

export interface CatalogExtra {
  /** `default` for the top-level `catalog:` (the same as `catalogs.default`). */
  catalog: string;
}

declare module '../../types.js' {
  interface DependencyData {
    pnpm: CatalogExtra;
  }
}

/** Why a catalog entry is not a registry range Freshen moves, or undefined. */
function skipReasonOf(spec: string): string | undefined {
  if (spec.startsWith('npm:')) return 'npm: alias in a catalog';
  if (/^(workspace|link|file|git\+|git:|github:|https?:)/.test(spec)) return 'not a registry range';
  if (semver.validRange(spec) === null) return 'not a semver range (dist-tag or unknown spec)';
  return undefined;
}

function entryOf(text: string, file: string, lineOf: (offset: number) => number, catalog: string, name: string, value: Scalar): Dependency {
  const sourced = scalarString(value, text);
  const written = sourced?.text ?? String(value.value);
  const base = { manager: PNPM_MANAGER, datasource: 'npm', file, line: lineOf(value.range?.[0] ?? 0), depName: name, currentValue: written, currentDigest: null, extra: { catalog } satisfies CatalogExtra };
  if (typeof value.value !== 'string' || !sourced?.offsets || sourced.offsets.length === 0) {
    return { ...base, skipReason: typeof value.value === 'string' ? 'written in a YAML form Freshen does not rewrite' : 'not a string' };
  }
  const start = sourced.offsets[0]!;
  const location: CatalogLocation = { start, end: start + written.length, plain: value.type === 'PLAIN' };
  const skipReason = skipReasonOf(written);
  return { ...base, location, ...(skipReason ? { skipReason } : {}) };
}

export function extractCatalogs(text: string, file: string): ExtractResult {
  const parsed = parseYamlFile(text, file);
  if (Array.isArray(parsed)) return { deps: [], errors: parsed };
  const doc = parsed.documents[0] as Document.Parsed | undefined;
  if (!doc || doc.contents === null) return { deps: [], errors: [] };
  const deps: Dependency[] = [];
  const errors: LocatedError[] = [];
  const lists: [string, ReturnType<typeof mapGet>][] = [['default', mapGet(doc.contents, 'catalog', doc)]];
  for (const { key, value } of mapEntries(mapGet(doc.contents, 'catalogs', doc), doc) ?? []) lists.push([key, value]);
  for (const [catalog, node] of lists) {
    if (node === null) continue;
    const entries = mapEntries(resolveNode(node, doc), doc);
    if (!entries) {
      errors.push({ file, line: parsed.lineOf(node.range?.[0] ?? 0), message: `catalog "${catalog}" must be a mapping of package names to ranges` });
      continue;
    }
    for (const { key, value } of entries) {
      if (deps.length === MAX_DEPENDENCIES_PER_FILE) {
        errors.push({ file, message: `more than ${MAX_DEPENDENCIES_PER_FILE} catalog entries; the rest are not read` });
        return { deps, errors };
      }
      if (!isScalar(value)) {
        errors.push({ file, line: parsed.lineOf(value?.range?.[0] ?? 0), depName: key, message: `catalog "${catalog}": ${key} must be a range` });
        continue;
      }
      deps.push(entryOf(text, file, parsed.lineOf, catalog, key, value));
    }
  }
  return { deps, errors };
}

// A plain scalar starting with one of these (or `- `, `? `, `: `) would read as something else: `>=1` starts a folded block.
const INDICATOR = /^([-?:][ \t]|[>|*&!%@`{}[\],#'"])/;

/** Rewrites only the bytes of the range, quoting it when a plain scalar could not hold it; checked by extracting again. */
export function updateCatalog(text: string, dep: Dependency, change: DependencyChange): string {
  if (change.newDigest !== null) throw new UpdateError(`${dep.depName}: catalog entries have no digest`);
  if (change.newValue === null) throw new UpdateError(`${dep.depName}: a range is required`);
  const location = dep.location as CatalogLocation | undefined;
  if (!location) throw new UpdateError(`${dep.depName}: no location to update`);
  if (/['"\\\u0000-\u001f#]|: /.test(change.newValue)) throw new UpdateError(`${dep.depName}: "${change.newValue}" cannot be written into ${dep.file}`);
  const written = location.plain && INDICATOR.test(change.newValue) ? `'${change.newValue}'` : change.newValue;
  const next = text.slice(0, location.start) + written + text.slice(location.end);
  const again = extractCatalogs(next, dep.file).deps.find((d) => d.depName === dep.depName && dataOf(d, 'pnpm')?.catalog === dataOf(dep, 'pnpm')?.catalog);
  if (again?.currentValue !== change.newValue) throw new UpdateError(`${dep.depName}: rewriting ${dep.file} did not give "${change.newValue}"; not written`);
  return next;
}
