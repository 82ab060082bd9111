// package-lock.json and npm-shrinkwrap.json (lockfileVersion 2 and 3): the version node would load for a dependency.
import { dirOf, joinPath, selfAndParents } from '../paths.js';
import type { JsLockfile } from './js-lockfile.js';
import { memoByText } from '../parse-memo.js';

interface LockDoc {
  lockfileVersion?: number;
  packages?: Record<string, { version?: string }>;
}

// Parsed once per lockfile text: a repository's workspace members all read the same lockfile.
const docOf = memoByText((text: string): LockDoc => {
  const doc = JSON.parse(text) as LockDoc;
  if ((doc.lockfileVersion ?? 1) < 2 || !doc.packages) {
    throw new Error(`lockfileVersion ${doc.lockfileVersion ?? 1} is not supported; run npm 7 or newer once to upgrade it`);
  }
  return doc;
});

export const npmLockfile: JsLockfile = {
  tool: 'npm',
  // With both in one directory npm reads and writes only the shrinkwrap.
  lockfileNames: ['npm-shrinkwrap.json', 'package-lock.json'],
  /** Nested first (the package's own node_modules), then each parent up to the root, as node resolves. */
  lockedVersion(lockText, lockFile, packageFile, key) {
    const packages = docOf(lockText).packages ?? {};
    const root = dirOf(lockFile);
    const rel = dirOf(packageFile).slice(root.length).replace(/^\//, '');
    for (const dir of selfAndParents(rel)) {
      const entry = packages[joinPath(joinPath(dir, 'node_modules'), key)];
      if (entry?.version) return entry.version;
    }
    return undefined;
  },
};
