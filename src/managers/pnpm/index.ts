// pnpm: catalog ranges in pnpm-workspace.yaml (package.json `catalog:` dependencies point here), and pnpm-lock.yaml as a JsLockfile.
import semver from 'semver';
import type { Dependency, ExtractResult, Manager } from '../../types.js';
import { dataOf } from '../../types.js';
import type { CurrentVersion, LanguageSupport } from '../language-support.js';
import type { JsArtifactFacts } from '../npm/js-lockfile.js';
import { extractCatalogs, PNPM_MANAGER, updateCatalog, type CatalogExtra } from './catalogs.js';
import { catalogLockedVersion } from './lockfile.js';
import { ALL_JS_LOCKFILES } from '../npm/lockfile-formats.js';
import { JsProjects, type JsProject } from '../npm/projects.js';
import { dirOf, joinPath } from '../paths.js';

export { pnpmLockfile, PNPM_LOCK, versionOfReference, importerId } from './lockfile.js';

const WORKSPACE_FILE = /(^|\/)pnpm-workspace\.yaml$/;

// One JsProjects per scan, as for package.json: the planner hands every dependency the same texts map.
const projectsByTexts = new WeakMap<ReadonlyMap<string, string>, JsProjects>();

/** The project of the package.json beside the workspace file: its pnpm lockfile, config files and members. */
function projectOf(dep: Dependency, texts: ReadonlyMap<string, string>): JsProject {
  let projects = projectsByTexts.get(texts);
  if (!projects) projectsByTexts.set(texts, (projects = new JsProjects(texts)));
  return projects.projectOf(joinPath(dirOf(dep.file), 'package.json'));
}

/** The pnpm-lock.yaml beside the workspace file, when pnpm owns the project. */
function lockFileOf(project: JsProject, dep: Dependency): string | undefined {
  return project.format?.tool === 'pnpm' && project.root === dirOf(dep.file) ? project.lockFile : undefined;
}

const language: LanguageSupport = {
  versioning: 'semver',
  current(dep, texts): CurrentVersion | null {
    const range = dep.currentValue ?? '';
    const lockFile = lockFileOf(projectOf(dep, texts), dep);
    const { catalog } = dataOf(dep, 'pnpm')!;
    const locked = lockFile === undefined ? undefined : catalogLockedVersion(texts.get(lockFile)!, catalog, dep.depName, range);
    if (locked) return { version: locked, range, locked: true };
    const lowest = semver.minVersion(range)?.version;
    return lowest ? { version: lowest, range, locked: false } : null;
  },
  lookup(dep, texts) {
    const { npmrc } = projectOf(dep, texts);
    return npmrc ? { configFile: { path: npmrc, text: texts.get(npmrc)! } } : {};
  },
  held(dep, _target, texts) {
    // A catalog moved while another tool's lockfile (or one Freshen cannot regenerate) locks the project would leave it stale.
    const project = projectOf(dep, texts);
    if (lockFileOf(project, dep)) return undefined;
    const other = project.lockFile ?? ALL_JS_LOCKFILES.map((name) => joinPath(dirOf(dep.file), name)).find((path) => texts.has(path));
    return other ? `${other} locks this workspace, not pnpm-lock.yaml: the catalog is not edited` : undefined;
  },
  artifact(dep, current, target, texts) {
    const project = projectOf(dep, texts);
    const lockFile = lockFileOf(project, dep);
    if (!lockFile) return undefined;
    const facts: JsArtifactFacts & { catalog: string } = {
      tool: 'pnpm',
      root: project.root,
      lockFile,
      packageFiles: project.packageFiles,
      configFiles: project.configFiles,
      ...(project.packageManager ? { packageManager: project.packageManager } : {}),
      packageName: dep.depName,
      key: dep.depName,
      newVersion: target.version,
      lockfileOnly: current.range !== undefined && semver.satisfies(target.version, current.range),
      catalog: dataOf(dep, 'pnpm')!.catalog,
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
