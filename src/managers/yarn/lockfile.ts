// yarn.lock as a JsLockfile: the version yarn locked for a package.json range, classic and Berry alike.
import type { JsLockfile } from '../npm/js-lockfile.js';
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
const MAX_REMEMBERED = 16;
const parsed = new Map<string, { text: string; lock: YarnLock }>();

function parsedLock(text: string, lockFile: string): YarnLock {
  const known = parsed.get(lockFile);
  if (known && known.text === text) return known.lock;
  const lock = parseYarnLock(text, lockFile);
  parsed.delete(lockFile);
  if (parsed.size >= MAX_REMEMBERED) parsed.delete(parsed.keys().next().value!);
  parsed.set(lockFile, { text, lock });
  return lock;
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
