// pnpm: catalog ranges in pnpm-workspace.yaml (package.json `catalog:` dependencies point here), and pnpm-lock.yaml as a JsLockfile.
import semver from 'semver';
import type { Dependency, ExtractResult, Manager } from '../../types.js';
import type { CurrentVersion, LanguageSupport } from '../language-support.js';
import type { JsArtifactFacts } from '../npm/js-lockfile.js';
import { extractCatalogs, PNPM_MANAGER, updateCatalog, type CatalogExtra } from './catalogs.js';
import { catalogLockedVersion, PNPM_LOCK } from './lockfile.js';

export { pnpmLockfile, PNPM_LOCK, versionOfReference, importerId } from './lockfile.js';

const WORKSPACE_FILE = /(^|\/)pnpm-workspace\.yaml$/;
const dirOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

function packageManagerOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const value = (JSON.parse(text) as { packageManager?: unknown }).packageManager;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

const language: LanguageSupport = {
  current(dep, texts): CurrentVersion | null {
    const range = dep.currentValue ?? '';
    const lockText = texts.get(join(dirOf(dep.file), PNPM_LOCK));
    const { catalog } = dep.extra as unknown as CatalogExtra;
    const locked = lockText === undefined ? undefined : catalogLockedVersion(lockText, catalog, dep.depName, range);
    if (locked) return { version: locked, range, locked: true };
    const lowest = semver.minVersion(range)?.version;
    return lowest ? { version: lowest, range, locked: false } : null;
  },
  lookup(dep, texts) {
    const path = join(dirOf(dep.file), '.npmrc');
    const text = texts.get(path);
    return text === undefined ? {} : { configFile: { path, text } };
  },
  artifact(dep, current, target, texts) {
    const root = dirOf(dep.file);
    const lockFile = join(root, PNPM_LOCK);
    if (!texts.has(lockFile)) return undefined;
    const under = (path: string) => root === '' || path.startsWith(`${root}/`);
    const packageFiles = [...texts.keys()].filter((p) => under(p) && /(^|\/)package\.json$/.test(p) && !p.split('/').includes('node_modules')).sort();
    const configFiles = [join(root, '.npmrc'), dep.file].filter((p) => texts.has(p));
    const packageManager = packageManagerOf(texts.get(join(root, 'package.json')));
    const facts: JsArtifactFacts = {
      tool: 'pnpm',
      root,
      lockFile,
      packageFiles,
      configFiles,
      ...(packageManager ? { packageManager } : {}),
      packageName: dep.depName,
      key: dep.depName,
      newVersion: target.version,
      lockfileOnly: current.range !== undefined && semver.satisfies(target.version, current.range),
    };
    return { ...facts };
  },
};

export const pnpmManager: Manager = {
  name: PNPM_MANAGER,
  matches: (path) => WORKSPACE_FILE.test(path) && !path.split('/').includes('node_modules'),
  extract: (text: string, file: string): ExtractResult => extractCatalogs(text, file),
  update: (text: string, dep: Dependency, change) => updateCatalog(text, dep, change),
  language,
};
