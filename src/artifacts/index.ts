// Every lockfile regenerator, by lockfile format. Adding one is a folder and a line here.
import { goSumUpdater } from './gomod/index.js';
import type { ArtifactUpdater } from './types.js';

export const artifactUpdaters: ArtifactUpdater[] = [goSumUpdater];
