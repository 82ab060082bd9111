// The GitHub simulation for Freshen's tests: core class plus msw and loopback-HTTP adapters.
export { GitHubSim, type GitHubSimOptions, type AuthorInput } from './sim.js';
export { simHandlers } from './msw.js';
export { startSimServer, type SimServer } from './server.js';
export { FaultyNetwork, type FaultMode, type HeldRequest } from './faults.js';
export type { ContentLimits } from './limits.js';
export type * from './types.js';
