// Every lockfile regenerator Freshen runs. Adding a lockfile format is one folder and one line here.
import type { ArtifactUpdater } from './types.js';
import { yarnArtifacts } from './yarn/index.js';

export const artifactUpdaters: ArtifactUpdater[] = [yarnArtifacts];
