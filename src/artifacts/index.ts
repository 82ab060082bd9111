// Every lockfile regenerator Freshen runs. Adding a lockfile format is one folder and one line here.
import { pnpmArtifacts } from './pnpm/index.js';
import type { ArtifactUpdater } from './types.js';

export const artifactUpdaters: ArtifactUpdater[] = [pnpmArtifacts];
