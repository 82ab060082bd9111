// Layer rules checked by reading imports: one layer order for all of src/, nothing below the app imports GitHub or queue libraries, each ecosystem lives in its own folders, extras are typed (no casts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { managers } from '../src/managers/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PURE_LAYERS = ['engine', 'managers', 'datasources', 'versioning', 'http', 'image'];
const FORBIDDEN_PACKAGES = ['probot', 'bullmq', 'ioredis', 'octokit'];

/**
 * Every unit of src/ from the bottom up: a top-level folder, a file at the top, or `contracts`.
 * A unit imports its own files and units of lower lines only (units on one line are peers and
 * never import each other). A new top-level folder or file fails until it is placed here.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['contracts', 'node-version.ts', 'text-table.ts', 'markdown-safe.ts'],
  ['versioning', 'http', 'image'],
  ['managers', 'cache'],
  ['datasources'],
  ['artifacts'],
  ['engine'],
  ['insight', 'report'],
  ['render'],
  ['rebuild'],
  ['config'],
  ['commands'],
  ['github', 'dashboard', 'cli-scan-summary.ts'],
  ['budget'],
  ['jobs'],
  ['observability', 'cli-config.ts'],
  ['queue', 'cli.ts'],
  ['webhooks'],
  ['app.ts'],
  ['main.ts'],
];

/** The interfaces every layer shares: one unit at the bottom, whichever folder holds them. */
const CONTRACTS = ['src/types.ts', 'src/managers/language-support.ts', 'src/engine/types.ts', 'src/artifacts/types.ts'];

const ECOSYSTEM_ROLES = ['managers', 'datasources', 'versioning', 'artifacts'];
/** The one file per role that may import the role's ecosystem folders: its registration lines. */
const REGISTRIES = ECOSYSTEM_ROLES.map((role) => `src/${role}/index.ts`);

/** Folder names that are one ecosystem across the roles (datasource and versioning folders are named for the registry or scheme). */
const SAME_ECOSYSTEM: readonly (readonly string[])[] = [
  ['npm', 'semver', 'yarn', 'pnpm'],
  ['pip', 'pypi', 'pep440', 'poetry'],
  ['gomod', 'go'],
  ['dockerfile', 'compose', 'oci', 'docker'],
  ['os-packages', 'debian', 'alpine', 'dpkg', 'apk'],
];

/**
 * Sharing between ecosystems, allowed on purpose (importer folder → imported folder). Beside these,
 * ecosystems meet only through the contracts and the registries.
 */
const SHARED_ECOSYSTEM_FOLDERS: readonly (readonly [importer: string, imported: string])[] = [
  // The managers that read inside a Dockerfile (RUN lines, tool downloads) build on its parser and on each other.
  ['managers/os-packages', 'managers/dockerfile'],
  ['managers/dockerfile-tools', 'managers/dockerfile'],
  ['managers/dockerfile-tools', 'managers/os-packages'],
  ['managers/run-installs', 'managers/dockerfile'],
  ['managers/run-installs', 'managers/dockerfile-tools'],
  ['managers/run-installs', 'managers/os-packages'],
];

/**
 * Files outside the ecosystem folders and registries that still import an ecosystem folder
 * (issue 15): each entry names the file and the folder. The list only shrinks: an entry no longer
 * needed fails, so remove it with the import.
 */
const NOT_YET_REGISTERED: readonly (readonly [file: string, folder: string])[] = [
  // Composition roots build concrete datasources with the app's HTTP client and credentials; they
  // go when one composition root builds them from src/datasources/index.ts (lead's rewrite).
  ['src/cli-config.ts', 'datasources/github-releases'],
  ['src/cli-config.ts', 'datasources/oci'],
  ['src/cli-config.ts', 'datasources/osv'],
  ['src/jobs/scan-context.ts', 'datasources/github-releases'],
  ['src/jobs/scan-context.ts', 'datasources/npm'],
  ['src/jobs/scan-context.ts', 'datasources/oci'],
  ['src/jobs/scan-context.ts', 'datasources/osv'],
  ['src/jobs/scan-context.ts', 'datasources/pypi'],
  ['src/main.ts', 'datasources/github-releases'],
  ['src/main.ts', 'datasources/npm'],
  // npmPlanner/pipPlanner: one manager through the language planner with a datasource built from
  // explicit options (tests, and the npm lockfile guard); production goes through the registries.
  ['src/engine/extract.ts', 'managers/pip'],
  ['src/engine/language/release-notes.ts', 'versioning/pep440'],
  ['src/engine/npm-lockfile-guard.ts', 'managers/npm'],
  ['src/engine/pip-includes.ts', 'managers/pip'],
  ['src/engine/planners/npm.ts', 'datasources/npm'],
  ['src/engine/planners/npm.ts', 'managers/npm'],
  ['src/engine/planners/pip.ts', 'datasources/pypi'],
  ['src/engine/planners/pip.ts', 'managers/pip'],
  // The OS package pin planner reads versions through the `debian` and `alpine` datasources, but the
  // pins' facts (tool, arch, stage) as the os-packages manager's own type.
  ['src/engine/planners/os-pins-resolve.ts', 'managers/os-packages'],
  ['src/engine/planners/os-pins.ts', 'managers/os-packages'],
  // Tool pins read GitHub, npm and PyPI releases and the tool annotations of a Dockerfile.
  ['src/engine/planners/tool-checksums.ts', 'datasources/github-releases'],
  ['src/engine/planners/tool-checksums.ts', 'managers/dockerfile-tools'],
  ['src/engine/planners/tool-pins.ts', 'datasources/github-releases'],
  ['src/engine/planners/tool-pins.ts', 'managers/dockerfile-tools'],
  ['src/github/tool-releases.ts', 'datasources/github-releases'],
  // Insight reads images (registry client), end-of-life tables and OSV directly.
  ['src/insight/end-of-life.ts', 'datasources/alpine'],
  ['src/insight/end-of-life.ts', 'datasources/debian'],
  ['src/insight/image-facts.ts', 'datasources/oci'],
  ['src/insight/index.ts', 'datasources/osv'],
  ['src/insight/security.ts', 'datasources/osv'],
  ['src/jobs/registry-credentials.ts', 'datasources/oci'],
  // Secret scrubbing knows npm's credential keys; the repeatability report reads Dockerfiles itself.
  ['src/observability/logging.ts', 'datasources/npm'],
  ['src/report/repeatability.ts', 'managers/dockerfile'],
  ['src/report/repeatability.ts', 'managers/os-packages'],
  // The runtime check reads package.json's engines with the npm manager's bounded JSON reader.
  ['src/insight/runtime-files.ts', 'managers/npm'],
];

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** Every module specifier a TypeScript source imports, re-exports or augments (`declare module`), comments ignored. */
function importsOf(source: string): string[] {
  const code = withoutComments(source);
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[\w*{}\s,$]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bdeclare\s+module\s+['"]([^'"]+)['"]/g,
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

/** The layer unit a repository-relative src path belongs to. */
function unitOf(path: string): string {
  if (CONTRACTS.includes(path)) return 'contracts';
  const rest = path.slice('src/'.length);
  return rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : rest;
}

function rankOf(unit: string): number {
  return LAYERS.findIndex((line) => line.includes(unit));
}

/** `managers/npm` for a file in an ecosystem folder, else null. */
function ecosystemFolderOf(path: string): string | null {
  const match = /^src\/([^/]+)\/([^/]+)\//.exec(path);
  return match && ECOSYSTEM_ROLES.includes(match[1]!) ? `${match[1]}/${match[2]}` : null;
}

function sameEcosystem(a: string, b: string): boolean {
  const nameA = a.split('/')[1]!;
  const nameB = b.split('/')[1]!;
  return nameA === nameB || SAME_ECOSYSTEM.some((family) => family.includes(nameA) && family.includes(nameB));
}

/** Every relative import in src/ as repository-relative paths. */
function allImports(): { from: string; to: string }[] {
  return tsFiles(join(ROOT, 'src')).flatMap((file) => {
    const from = relative(ROOT, file).split('\\').join('/');
    return importsOf(readFileSync(file, 'utf8'))
      .map((s) => targetOf(file, s))
      .filter((to): to is string => to !== null && to.startsWith('src/'))
      .map((to) => ({ from, to }));
  });
}

/** Imports that go up or sideways between units. */
function layerViolations(imports: { from: string; to: string }[]): string[] {
  return imports
    .filter(({ from, to }) => unitOf(from) !== unitOf(to) && rankOf(unitOf(to)) >= rankOf(unitOf(from)))
    .map(({ from, to }) => `${from} (${unitOf(from)}) imports ${to} (${unitOf(to)})`);
}

/** An ecosystem folder importing another ecosystem's folder without an entry in SHARED_ECOSYSTEM_FOLDERS. */
function crossEcosystemImports(imports: { from: string; to: string }[]): string[] {
  return imports.flatMap(({ from, to }) => {
    const own = ecosystemFolderOf(from);
    const other = ecosystemFolderOf(to);
    if (!own || !other || own === other || sameEcosystem(own, other)) return [];
    if (SHARED_ECOSYSTEM_FOLDERS.some(([a, b]) => a === own && b === other)) return [];
    return [`${from} imports ${to}`];
  });
}

/** [file, ecosystem folder] pairs for files outside the ecosystem folders and registries. */
function unregisteredWiring(imports: { from: string; to: string }[]): [string, string][] {
  const pairs = imports.flatMap(({ from, to }): [string, string][] => {
    const folder = ecosystemFolderOf(to);
    if (!folder || ecosystemFolderOf(from) || REGISTRIES.includes(from)) return [];
    return [[from, folder]];
  });
  return [...new Map(pairs.map((p) => [p.join(' → '), p])).values()];
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
      "declare module '../types.js' {",
      "// import { no } from 'commented-out';",
      "/* import { no } from 'block-comment'; */",
      "const text = 'this is from a string';",
    ].join('\n');
    expect(importsOf(source).sort()).toEqual(
      ['probot', 'bullmq', 'ioredis', '@octokit/rest', './y.js', '../z.js', 'side-effect', 'octokit', 'cjs-thing', '../types.js'].sort(),
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

describe('layer order', () => {
  const imports = allImports();

  it('reads imports from every layer', () => {
    const units = new Set(imports.map(({ from }) => unitOf(from)));
    expect(units.size).toBeGreaterThan(LAYERS.flat().length / 2);
  });

  it('places every folder and top-level file of src/ in LAYERS', () => {
    const units = new Set(tsFiles(join(ROOT, 'src')).map((file) => unitOf(relative(ROOT, file).split('\\').join('/'))));
    expect([...units].filter((unit) => rankOf(unit) < 0)).toEqual([]);
  });

  it('names each unit once', () => {
    expect(new Set(LAYERS.flat()).size).toBe(LAYERS.flat().length);
  });

  it('every import goes down the order, or stays inside its folder', () => {
    expect(layerViolations(imports)).toEqual([]);
  });

  it('sees an import that goes up, and one between peers', () => {
    const up = { from: 'src/http/client.ts', to: 'src/engine/scan.ts' };
    const peers = { from: 'src/managers/npm/index.ts', to: 'src/cache/keys.ts' };
    const down = { from: 'src/engine/scan.ts', to: 'src/http/client.ts' };
    const inside = { from: 'src/engine/types.ts', to: 'src/types.ts' };
    expect(layerViolations([up, peers, down, inside])).toHaveLength(2);
  });

  it('the queue keeps BullMQ plumbing: job services (src/jobs) never import it', () => {
    expect(imports.filter(({ from, to }) => from.startsWith('src/jobs/') && to.startsWith('src/queue/'))).toEqual([]);
  });
});

describe('ecosystems', () => {
  const imports = allImports();

  it('an ecosystem imports no other ecosystem\'s folders beside the listed sharing', () => {
    expect(crossEcosystemImports(imports)).toEqual([]);
  });

  it('sees a manager reaching into another ecosystem, and lets one reach into its own family', () => {
    const crossing = { from: 'src/managers/pip/index.ts', to: 'src/managers/npm/index.ts' };
    const family = { from: 'src/artifacts/poetry/index.ts', to: 'src/datasources/pypi/index.ts' };
    expect(crossEcosystemImports([crossing, family])).toEqual(['src/managers/pip/index.ts imports src/managers/npm/index.ts']);
  });

  it('ecosystem folders are wired in by the registries only (beside NOT_YET_REGISTERED)', () => {
    const allowed = new Set(NOT_YET_REGISTERED.map((p) => p.join(' → ')));
    expect(unregisteredWiring(imports).map((p) => p.join(' → ')).filter((p) => !allowed.has(p))).toEqual([]);
  });

  it('NOT_YET_REGISTERED holds no entry that is no longer needed', () => {
    const found = new Set(unregisteredWiring(imports).map((p) => p.join(' → ')));
    expect(NOT_YET_REGISTERED.map((p) => p.join(' → ')).filter((p) => !found.has(p))).toEqual([]);
  });

  it('sees a file outside the registries importing an ecosystem folder', () => {
    const wiring = [
      { from: 'src/engine/scan.ts', to: 'src/datasources/go/index.ts' },
      { from: 'src/datasources/index.ts', to: 'src/datasources/go/index.ts' },
      { from: 'src/datasources/go/index.ts', to: 'src/http/index.ts' },
    ];
    expect(unregisteredWiring(wiring)).toEqual([['src/engine/scan.ts', 'datasources/go']]);
  });
});

/** Where Dependency.extra and PlannedUpdate.extra are narrowed: dataOf() and artifactOf(), nowhere else. */
const EXTRA_ACCESSORS = ['src/types.ts', 'src/artifacts/types.ts'];

/**
 * `as unknown as` outside the accessors, by file and count: third-party types that do not line up
 * (tar streams, ioredis Cluster, Octokit hooks, fetch bodies). The list only shrinks.
 */
const LIBRARY_CASTS: Readonly<Record<string, number>> = {
  'src/cache/redis-connection.ts': 1,
  'src/datasources/alpine/apkindex.ts': 1,
  'src/datasources/debian/packages.ts': 1,
  'src/datasources/npm/index.ts': 1,
  'src/github/conditional.ts': 1,
  'src/github/tool-releases.ts': 1,
  'src/image/layers.ts': 2,
  'src/observability/instrument.ts': 1,
  'src/webhooks/comment-commands.ts': 1,
};

/** A cast of an extra or what it holds (`dep.extra as X`, `extra?.notes as X`), or of an expression over one (`(dep.extra ?? {}) as X`). */
const EXTRA_CAST = /\bextra\b[\w$?!.[\]]*\)*\s+as\s+(?!const\b)[\w{(]|\.extra\b[^;,\n]*?\)\s+as\s+(?!const\b)[\w{(]/;
const DOUBLE_CAST = /\bas\s+unknown\s+as\b/g;

function extraCasts(file: string, source: string): string[] {
  return withoutComments(source).split('\n').flatMap((line, i) => (EXTRA_CAST.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

function doubleCasts(source: string): number {
  return withoutComments(source).match(DOUBLE_CAST)?.length ?? 0;
}

/** The keys each `interface <name> { ... }` block of the source declares. */
function declaredKeys(source: string, name: string): string[] {
  const blocks = [...withoutComments(source).matchAll(new RegExp(`\\binterface\\s+${name}\\s*\\{([^}]*)\\}`, 'g'))];
  return blocks.flatMap((b) => [...b[1]!.matchAll(/^\s*'?([\w-]+)'?\??\s*:/gm)].map((m) => m[1]!));
}

describe('typed extras', () => {
  const sources = tsFiles(join(ROOT, 'src')).map((file) => ({ file: relative(ROOT, file).split('\\').join('/'), text: readFileSync(file, 'utf8') }));
  const outside = sources.filter(({ file }) => !EXTRA_ACCESSORS.includes(file));

  it('no extra is cast outside dataOf() and artifactOf()', () => {
    expect(outside.flatMap(({ file, text }) => extraCasts(file, text))).toEqual([]);
  });

  it('no `as unknown as` outside the accessors beside the listed library casts (a list that only shrinks)', () => {
    const found = Object.fromEntries(outside.map(({ file, text }) => [file, doubleCasts(text)] as const).filter(([, n]) => n > 0));
    expect(found).toEqual(LIBRARY_CASTS);
  });

  it('sees the casts it forbids, and lets typed reads through', () => {
    const forbidden = [
      'const extra = dep.extra as unknown as NpmDependencyExtra;',
      'const notes = u.extra?.releaseNotes as ReleaseNotes | undefined;',
      'const base = d.extra!.unmaintained as UnmaintainedBase;',
      'const { sources = [] } = (dep.extra ?? {}) as Extra;',
      "return (u.extra?.atomicWith as { updateType?: string } | undefined)?.updateType === 'major';",
      'extra: extra as Record<string, unknown>,',
      'const diff = (extra?.whatChanged as { packageDiff?: unknown } | undefined)?.packageDiff;',
    ];
    const allowed = [
      'const notes = u.extra?.releaseNotes;',
      "const platform = dataOf(dep, 'dockerfile')?.platform;",
      "extra.source = { datasource: from.datasource as ToolSource['datasource'] };",
      '// a comment about dep.extra as a bag',
    ];
    expect(forbidden.filter((line) => extraCasts('x.ts', line).length === 0)).toEqual([]);
    expect(allowed.flatMap((line) => extraCasts('x.ts', line))).toEqual([]);
    expect(doubleCasts('a as unknown as B; c as unknown  as D; e as F')).toBe(2);
  });

  it('DependencyData is keyed by registered manager names, so dataOf(dep, name) can find it', () => {
    const keys = sources.flatMap(({ text }) => declaredKeys(text, 'DependencyData'));
    expect(keys).toEqual(expect.arrayContaining(['dockerfile', 'dockerfile-tools', 'npm']));
    expect(keys.filter((key) => !managers.some((m) => m.name === key))).toEqual([]);
  });
});
