// Which npm lockfile (package-lock.json or npm-shrinkwrap.json) governs a package.json, and what version it locks for a dependency.
import { NPM_LOCKFILES } from '../../managers/npm/lockfiles.js';
import { dirOf, joinPath, selfAndParents } from '../language/shared.js';

export interface NpmProject {
  /** Directory of the lockfile (the project or workspace root). */
  root: string;
  lockFile?: string;
  npmrc?: string;
  /** Every package.json under the root (workspaces among them), for a temporary copy. */
  packageFiles: string[];
}

interface LockDoc {
  lockfileVersion?: number;
  packages?: Record<string, { version?: string }>;
}

export class NpmLocks {
  private readonly parsed = new Map<string, LockDoc | Error>();

  constructor(private readonly texts: ReadonlyMap<string, string>) {}

  /**
   * The nearest lockfile at or above the package.json; without one, the package.json's own
   * directory. npm-shrinkwrap.json first: with both, npm reads and writes only the shrinkwrap.
   */
  projectOf(packageFile: string): NpmProject {
    const dir = dirOf(packageFile);
    const lockIn = (d: string) => NPM_LOCKFILES.map((name) => joinPath(d, name)).find((p) => this.texts.has(p));
    const root = selfAndParents(dir).find((d) => lockIn(d) !== undefined) ?? dir;
    const lockFile = lockIn(root);
    const npmrc = selfAndParents(root).map((d) => joinPath(d, '.npmrc')).find((p) => this.texts.has(p));
    const prefix = root ? `${root}/` : '';
    const packageFiles = [...this.texts.keys()].filter((p) => p.startsWith(prefix) && /(^|\/)package\.json$/.test(p)).sort();
    return { root, packageFiles, ...(lockFile ? { lockFile } : {}), ...(npmrc ? { npmrc } : {}) };
  }

  /** Throws for a lockfile that is not JSON or older than lockfileVersion 2. */
  doc(lockFile: string): LockDoc {
    let doc = this.parsed.get(lockFile);
    if (!doc) {
      try {
        doc = JSON.parse(this.texts.get(lockFile) ?? '') as LockDoc;
        if ((doc.lockfileVersion ?? 1) < 2 || !doc.packages) {
          doc = new Error(`lockfileVersion ${doc.lockfileVersion ?? 1} is not supported; run npm 7 or newer once to upgrade it`);
        }
      } catch (err) {
        doc = err instanceof Error ? err : new Error(String(err));
      }
      this.parsed.set(lockFile, doc);
    }
    if (doc instanceof Error) throw doc;
    return doc;
  }

  /** The version node would load for `key` from the package.json's directory (nested first, then up to the root). */
  lockedVersion(project: NpmProject, packageFile: string, key: string): string | undefined {
    if (!project.lockFile) return undefined;
    const packages = this.doc(project.lockFile).packages ?? {};
    const rel = dirOf(packageFile).slice(project.root.length).replace(/^\//, '');
    for (const dir of selfAndParents(rel)) {
      const entry = packages[joinPath(joinPath(dir, 'node_modules'), key)];
      if (entry?.version) return entry.version;
    }
    return undefined;
  }
}
