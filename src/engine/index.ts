// The engine's public surface: pure of GitHub and Redis.
export { scan, isIgnored } from './scan.js';
export { applyUpdates, type ApplyResult } from './apply.js';
export { extractAll, managedPath } from './extract.js';
export type * from './types.js';
