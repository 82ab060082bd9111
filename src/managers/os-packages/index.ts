// OS package pins (apt, apk) inside Dockerfile RUN instructions: the manager, and the pure pin finder.
import type { Manager } from '../../types.js';
import { isDockerfilePath } from '../dockerfile/index.js';
import { extractOsPackages, MANAGER } from './extract.js';
import { updateOsPackage } from './update.js';

/** Reads the same files as the Dockerfile manager; reports every apt/apk install, updates pinned versions. */
export const osPackagesManager: Manager = {
  name: MANAGER,
  matches: isDockerfilePath,
  extract: extractOsPackages,
  update: updateOsPackage,
};

export { findPackagePins, type FoundPins, type Pin, type SkippedPackage } from './pins.js';
export { extractOsPackages, commandText, type OsPackageExtra, type OsPackageLocation } from './extract.js';
export { updateOsPackage } from './update.js';
