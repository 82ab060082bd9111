// Layer rules checked by reading imports: nothing below the app imports GitHub or queue libraries, and each layer only looks down.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PURE_LAYERS = ['engine', 'managers', 'datasources', 'versioning', 'http', 'image'];
const FORBIDDEN_PACKAGES = ['probot', 'bullmq', 'ioredis', 'octokit'];

/** Every module specifier a TypeScript source imports or re-exports, comments ignored. */
function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[\w*{}\s,$]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m[1]!));
}

/** The npm package a specifier names (`@scope/name` or `name`), or null for relative and node: imports. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function isForbiddenPackage(specifier: string): boolean {
  const name = packageOf(specifier);
  return name !== null && (FORBIDDEN_PACKAGES.includes(name) || name.startsWith('@octokit/'));
}

/** Repository-relative source path a relative import points at (`.js` written, `.ts` on disk). */
function targetOf(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return relative(ROOT, resolve(dirname(file), specifier)).split('\\').join('/').replace(/\.js$/, '.ts');
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((entry) => entry.endsWith('.ts'))
    .map((entry) => join(dir, entry));
}

function importsByFile(layers: string[]): { file: string; specifiers: string[] }[] {
  return layers
    .flatMap((layer) => tsFiles(join(ROOT, 'src', layer)))
    .map((file) => ({ file, specifiers: importsOf(readFileSync(file, 'utf8')) }));
}

function violations(layers: string[], bad: (file: string, specifier: string) => boolean): string[] {
  return importsByFile(layers).flatMap(({ file, specifiers }) =>
    specifiers.filter((s) => bad(file, s)).map((s) => `${relative(ROOT, file)} imports ${s}`),
  );
}

describe('import scanner', () => {
  it('sees every form of import and re-export, and skips comments', () => {
    const source = [
      "import { Probot } from 'probot';",
      "import type {\n  Queue,\n  Job as J,\n} from 'bullmq';",
      "import * as redis from 'ioredis';",
      "import Default, { x } from '@octokit/rest';",
      "export { y } from './y.js';",
      "export * from '../z.js';",
      "import 'side-effect';",
      "const lazy = await import('octokit');",
      "const old = require('cjs-thing');",
      "// import { no } from 'commented-out';",
      "/* import { no } from 'block-comment'; */",
      "const text = 'this is from a string';",
    ].join('\n');
    expect(importsOf(source).sort()).toEqual(
      ['probot', 'bullmq', 'ioredis', '@octokit/rest', './y.js', '../z.js', 'side-effect', 'octokit', 'cjs-thing'].sort(),
    );
  });

  it.each([
    ['probot', true],
    ['probot/lib/x', true],
    ['bullmq', true],
    ['ioredis', true],
    ['octokit', true],
    ['@octokit/rest', true],
    ['@octokit/webhooks', true],
    ['yaml', false],
    ['./probot.js', false],
    ['node:http', false],
    ['@probot/other', false],
  ])('%s forbidden below the app: %s', (specifier, forbidden) => {
    expect(isForbiddenPackage(specifier)).toBe(forbidden);
  });
});

describe('layer rules', () => {
  it('reads the pure layers', () => {
    expect(importsByFile(PURE_LAYERS).length).toBeGreaterThan(0);
  });

  it('engine, managers, datasources, versioning, http and image import no probot, bullmq, ioredis or octokit', () => {
    expect(violations(PURE_LAYERS, (_file, s) => isForbiddenPackage(s))).toEqual([]);
  });

  it('versioning imports nothing of ours except src/types.ts', () => {
    const bad = (file: string, s: string) => {
      const target = targetOf(file, s);
      return target !== null && !target.startsWith('src/versioning/') && target !== 'src/types.ts';
    };
    expect(violations(['versioning'], bad)).toEqual([]);
  });

  it('managers import no datasource, http or engine code', () => {
    const bad = (file: string, s: string) => {
      const target = targetOf(file, s);
      return target !== null && ['src/datasources/', 'src/http/', 'src/engine/'].some((layer) => target.startsWith(layer));
    };
    expect(violations(['managers'], bad)).toEqual([]);
  });
});
