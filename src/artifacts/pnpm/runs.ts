// Which pnpm commands one lockfile's updates need: `install` for changed ranges, then `update name@version` per importer for moves within a range.
import { artifactOf } from '../types.js';
import type { PlannedUpdate } from '../../engine/types.js';
import type { JsArtifactFacts } from '../../managers/npm/js-lockfile.js';
import { importerId } from '../../managers/pnpm/lockfile.js';

/** Facts of a pnpm update; catalog entries of pnpm-workspace.yaml carry their catalog's name too. */
export type PnpmFacts = JsArtifactFacts & { catalog?: string };

export function pnpmFactsOf(update: PlannedUpdate): PnpmFacts | undefined {
  const facts: PnpmFacts | undefined = artifactOf(update, 'pnpm');
  return facts?.tool === 'pnpm' ? facts : undefined;
}

const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'];

/** The package.json files whose `name` dependency reads from this catalog (`catalog:`, `catalog:default`, `catalog:<name>`). */
function catalogUsers(packageTexts: ReadonlyMap<string, string>, name: string, catalog: string): string[] {
  const specs = catalog === 'default' ? ['catalog:', 'catalog:default'] : [`catalog:${catalog}`];
  return [...packageTexts].filter(([, text]) => {
    try {
      const manifest = JSON.parse(text) as Record<string, Record<string, unknown> | undefined>;
      return SECTIONS.some((section) => specs.includes(String(manifest[section]?.[name])));
    } catch {
      return false;
    }
  }).map(([path]) => path);
}

/**
 * The commands, in order. `install` first when a range changed (it keeps every locked version
 * that still satisfies its range). Then, per importer, `update name@version --no-save` for the
 * moves within a range: `--recursive` would push the version into importers whose range does not
 * admit it (pnpm does so, and the frozen install then fails), so each runs filtered to its importer.
 */
export function pnpmCommands(updates: readonly PlannedUpdate[], packageTexts: ReadonlyMap<string, string>, workspace: boolean): string[][] {
  const byImporter = new Map<string, Set<string>>();
  let rangeChanged = false;
  for (const update of updates) {
    const facts = pnpmFactsOf(update)!;
    if (!facts.lockfileOnly) {
      rangeChanged = true;
      continue;
    }
    // An alias is updated by its key: pnpm finds it by the name it is installed under.
    const spec = facts.key === facts.packageName ? `${facts.key}@${facts.newVersion}` : facts.key;
    const files = facts.catalog !== undefined ? catalogUsers(packageTexts, facts.key, facts.catalog) : [update.file];
    for (const file of files) {
      const id = importerId(facts.lockFile, file);
      if (id === undefined) continue;
      if (!byImporter.has(id)) byImporter.set(id, new Set());
      byImporter.get(id)!.add(spec);
    }
  }
  const commands: string[][] = [];
  if (rangeChanged || byImporter.size === 0) commands.push(['install', '--no-frozen-lockfile']);
  for (const [id, specs] of [...byImporter].sort(([a], [b]) => a.localeCompare(b))) {
    commands.push(['update', ...specs, '--no-save', ...(workspace ? ['--filter', id === '.' ? '.' : `./${id}`] : [])]);
  }
  return commands;
}
