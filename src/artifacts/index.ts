// Every lockfile Freshen regenerates, one registration line each.
import { goSumUpdater } from './gomod/index.js';
import { npmArtifacts } from './npm/index.js';
import { pnpmArtifacts } from './pnpm/index.js';
import { poetryArtifacts } from './poetry/index.js';
import type { ArtifactUpdater } from './types.js';
import { yarnArtifacts } from './yarn/index.js';

export type { ArtifactContext, ArtifactUpdater, LockfileOutcome } from './types.js';

export const artifactUpdaters: readonly ArtifactUpdater[] = [npmArtifacts, yarnArtifacts, pnpmArtifacts, poetryArtifacts, goSumUpdater];
