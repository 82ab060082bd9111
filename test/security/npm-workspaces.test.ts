// Hostile workspace files (yarn `workspaces`, pnpm-workspace.yaml): costly patterns cost no time and never get a locked package.json edited.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { extractAll } from '../../src/engine/index.js';
import type { FileSource } from '../../src/engine/types.js';

/** Generous for a loaded 2-core machine; each case takes well under a second alone. */
const MAX_MS = 6000;

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
const lock = json({ lockfileVersion: 3, packages: { '': {} } });

/** A yarn (or pnpm) root with `members` packages, each with a package-lock.json of its own, as an attacker would push it. */
function repository(workspaceFiles: Record<string, string>, members: number): Record<string, string> {
  const files: Record<string, string> = { 'bun.lock': '# yarn lockfile v1\n', ...workspaceFiles };
  for (let i = 0; i < members; i++) {
    files[`packages/p${i}/package.json`] = json({ name: `p${i}`, dependencies: { lib: '^1.0.0' } });
    files[`packages/p${i}/package-lock.json`] = lock;
  }
  return files;
}

async function extracted(files: Record<string, string>) {
  const source: FileSource = { list: async () => Object.keys(files), read: async (path) => files[path]! };
  const started = performance.now();
  const result = await extractAll(source);
  return { ...result, ms: performance.now() - started };
}

const braceBomb = '{a,b}'.repeat(24);

describe('workspace patterns an attacker wrote', () => {
  it.each<[string, Record<string, string>]>([
    ['brace expansions in package.json', { 'package.json': json({ private: true, workspaces: Array.from({ length: 200 }, (_, i) => `${braceBomb}${i}`) }) }],
    ['brace expansions in pnpm-workspace.yaml', { 'pnpm-workspace.yaml': `packages:\n${Array.from({ length: 200 }, () => `  - '${braceBomb}'`).join('\n')}\n` }],
    ['extglobs', { 'package.json': json({ private: true, workspaces: ['packages/+(a|b)*(c|d)@(e|f)?(g)!(h)'] }) }],
    ['100,000 patterns', { 'package.json': json({ private: true, workspaces: Array.from({ length: 100_000 }, (_, i) => `never/${i}/*`) }) }],
    ['a pattern too long for the glob library', { 'package.json': json({ private: true, workspaces: [`${'x/'.repeat(40_000)}*`] }) }],
    ['an alias bomb for the list', { 'pnpm-workspace.yaml': 'a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\npackages: *c\n' }],
  ])('%s: finish at once, and the members are left alone (the careful side)', async (_name, workspaceFiles) => {
    const result = await extracted(repository(workspaceFiles, 500));
    expect(result.ms).toBeLessThan(MAX_MS);
    const members = result.dependencies.filter((d) => d.file.startsWith('packages/'));
    expect(members).toHaveLength(500);
    for (const dep of members) expect(dep.skipReason).toMatch(/^lockfile-unsupported: Freshen cannot regenerate bun\.lock yet/);
  });

  it('an exclusion Freshen cannot afford to evaluate excludes nothing', async () => {
    const result = await extracted(repository({ 'package.json': json({ private: true, workspaces: ['packages/*', `!${braceBomb}`, '!packages/p1'] }) }, 3));
    expect(result.ms).toBeLessThan(MAX_MS);
    expect(result.dependencies.map((d) => [d.file, d.skipReason?.split(':')[0] ?? null])).toEqual([
      ['packages/p0/package.json', 'lockfile-unsupported'],
      // Excluded plainly: its own package-lock.json is what locks it.
      ['packages/p1/package.json', null],
      ['packages/p2/package.json', 'lockfile-unsupported'],
    ]);
  });
});
