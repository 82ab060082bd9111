// Every manager Freshen runs. Adding a file format is one folder and one line here.
import type { Manager } from '../types.js';
import { composeManager } from './compose/index.js';
import { dockerfileManager } from './dockerfile/index.js';
import { dockerfileToolsManager } from './dockerfile-tools/index.js';
import { githubActionsManager } from './github-actions/index.js';
import { goModManager } from './gomod/index.js';
import { npmManager } from './npm/index.js';
import { pipManager } from './pip/index.js';
import { pnpmManager } from './pnpm/index.js';
import { poetryManager } from './poetry/index.js';
import { osPackagesManager } from './os-packages/index.js';
import { runInstallsManager } from './run-installs/index.js';

export const managers: Manager[] = [dockerfileManager, composeManager, githubActionsManager, osPackagesManager, dockerfileToolsManager, runInstallsManager, npmManager, pnpmManager, pipManager, poetryManager, goModManager];

/** The managers that read the file at this repository-relative path. */
export function managerFor(path: string): Manager[] {
  return managers.filter((manager) => manager.matches(path));
}
