// Pinned installs inside Dockerfile RUN instructions (pip, npm, go, gem, cargo): the manager, and the pure finder.
import type { Manager } from '../../types.js';
import { isDockerfilePath } from '../dockerfile/index.js';
import { extractRunInstalls, MANAGER } from './extract.js';
import { updateRunInstall } from './update.js';

/** Reads the same files as the Dockerfile manager; the tool-pins planner moves the pip and npm pins. */
export const runInstallsManager: Manager = {
  name: MANAGER,
  matches: isDockerfilePath,
  extract: extractRunInstalls,
  update: updateRunInstall,
};

export { findInstallPins, type FoundInstalls, type Installer, type InstallPin } from './installs.js';
export { extractRunInstalls, type InstallExtra, type InstallLocation } from './extract.js';
export { updateRunInstall } from './update.js';
