// Which lockfile governs a package.json (the nearest one at or above it, as the tools find it), and the files its tool reads.
import { getMember, parseJsonWithRanges } from './json-ranges.js';
import type { JsLockfile } from './js-lockfile.js';
import { jsLockfiles } from './lockfile-formats.js';
import { PNPM_WORKSPACE } from './lockfiles.js';
import { dirOf, joinPath, selfAndParents } from '../paths.js';

export interface JsProject {
  /** Directory of the lockfile (the project or workspace root); the package.json's own without one. */
  root: string;
  lockFile?: string;
  format?: JsLockfile;
  /** The nearest .npmrc at or above the root. */
  npmrc?: string;
  /** .npmrc, .yarnrc.yml and pnpm-workspace.yaml at or above the root, nearest first. */
  configFiles: string[];
  /** Every package.json under the root (workspace members among them), for a temporary copy. */
  packageFiles: string[];
  /** `packageManager` of the root package.json. */
  packageManager?: string;
}

const CONFIG_FILES = ['.npmrc', '.yarnrc.yml', PNPM_WORKSPACE];

/** Projects by package.json over one scan's texts; each answer is computed once. */
export class JsProjects {
  private readonly byDir = new Map<string, JsProject>();
  private packageJsons: string[] | undefined;

  constructor(private readonly texts: ReadonlyMap<string, string>) {}

  projectOf(packageFile: string): JsProject {
    const dir = dirOf(packageFile);
    let project = this.byDir.get(dir);
    if (!project) {
      project = this.find(dir);
      this.byDir.set(dir, project);
    }
    return project;
  }

  private find(dir: string): JsProject {
    // With two formats in one directory, the one `packageManager` names wins, else the first registered.
    const lockIn = (d: string): { lockFile: string; format: JsLockfile } | undefined => {
      const found = jsLockfiles.flatMap((format) => format.lockfileNames.map((name) => ({ lockFile: joinPath(d, name), format }))).filter((c) => this.texts.has(c.lockFile));
      if (found.length <= 1) return found[0];
      const tool = packageManagerOf(this.texts.get(joinPath(d, 'package.json')))?.split('@')[0];
      return found.find((c) => c.format.tool === tool) ?? found[0];
    };
    const root = selfAndParents(dir).find((d) => lockIn(d) !== undefined) ?? dir;
    const lock = lockIn(root);
    const configFiles = selfAndParents(root).flatMap((d) => CONFIG_FILES.map((name) => joinPath(d, name))).filter((p) => this.texts.has(p));
    const npmrc = configFiles.find((p) => p === '.npmrc' || p.endsWith('/.npmrc'));
    const prefix = root ? `${root}/` : '';
    this.packageJsons ??= [...this.texts.keys()].filter((p) => /(^|\/)package\.json$/.test(p)).sort();
    const packageFiles = this.packageJsons.filter((p) => p.startsWith(prefix));
    const packageManager = packageManagerOf(this.texts.get(joinPath(root, 'package.json')));
    return { root, configFiles, packageFiles, ...(lock ? lock : {}), ...(npmrc ? { npmrc } : {}), ...(packageManager ? { packageManager } : {}) };
  }
}

/** `packageManager` of a package.json text (`pnpm@9.12.0`), when it is a plain string. */
export function packageManagerOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const value = getMember(parseJsonWithRanges(text), 'packageManager');
    return value?.kind === 'string' ? value.value : undefined;
  } catch {
    return undefined;
  }
}
