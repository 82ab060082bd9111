// yarn.lock, classic and Berry: what it locks (the npm manager extracts package.json; this reads the lockfile beside it).
export { yarnLockfile, descriptorsFor, isWorkspaceEntry, lockEntryFor } from './lockfile.js';
export { parseYarnLock, yarnFlavour, type YarnFlavour, type YarnLock, type YarnLockEntry } from './parse.js';
export { yarnrcAsNpmrc } from './yarnrc.js';
