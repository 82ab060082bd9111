// yarn.lock as a JsLockfile: the version yarn locked for a package.json range, classic and Berry alike.
import type { JsLockfile } from '../npm/js-lockfile.js';
import { memoByText } from '../parse-memo.js';
import { parseYarnLock, type YarnLock, type YarnLockEntry } from './parse.js';

/** Berry's default protocol: `^1.0.0` in package.json is `npm:^1.0.0` in the lockfile. */
const PROTOCOL = /^[a-z][a-z0-9+.-]*:/i;

/** The lockfile keys yarn gives dependency `key` declared as `range`, most likely first. */
export function descriptorsFor(lock: Pick<YarnLock, 'flavour'>, key: string, range: string): string[] {
  if (lock.flavour === 'classic' || PROTOCOL.test(range)) return [`${key}@${range}`];
  return [`${key}@npm:${range}`, `${key}@${range}`];
}

/** A workspace of the project (Berry `name@workspace:path`): no registry version to speak of. */
export function isWorkspaceEntry(entry: YarnLockEntry): boolean {
  return entry.resolution !== undefined && /^(@[^/]+\/)?[^@]+@workspace:/.test(entry.resolution);
}

export function lockEntryFor(lock: YarnLock, key: string, range: string): YarnLockEntry | undefined {
  for (const descriptor of descriptorsFor(lock, key, range)) {
    const entry = lock.byDescriptor.get(descriptor);
    if (entry) return entry;
  }
  return undefined;
}

// The planner asks once per dependency with the same text: parse each lockfile once.
const parsedLocks = new Map<string, (text: string) => YarnLock>();

function parsedLock(text: string, lockFile: string): YarnLock {
  let parse = parsedLocks.get(lockFile);
  if (!parse) {
    if (parsedLocks.size >= 16) parsedLocks.delete(parsedLocks.keys().next().value!);
    parsedLocks.set(lockFile, (parse = memoByText((t) => parseYarnLock(t, lockFile), 1)));
  }
  return parse(text);
}

export const yarnLockfile: JsLockfile = {
  tool: 'yarn',
  lockfileNames: ['yarn.lock'],
  // One lockfile per project: classic and Berry workspaces share the root's, keyed by descriptor whichever member declares it.
  lockedVersion(lockText, lockFile, _packageFile, key, range) {
    const entry = lockEntryFor(parsedLock(lockText, lockFile), key, range);
    return entry && !isWorkspaceEntry(entry) ? entry.version : undefined;
  },
};
