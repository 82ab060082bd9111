// The pip manager alone through the language planner, with a PyPI datasource (tests use it).
import type { PypiDatasource } from '../../datasources/pypi/index.js';
import { createPypiReleases } from '../../datasources/pypi/releases.js';
import { pipManager } from '../../managers/pip/index.js';
import type { Planner } from '../types.js';
import { languagePlanner } from './language.js';

export interface PipPlannerOptions {
  pypi: PypiDatasource;
  /**
   * The app's index (PIP_INDEX_URL); files' own `--index-url` wins. A `user:password@` in it also
   * serves the files' index URLs on its own origin (as pip does), never any other host.
   */
  indexUrl?: string;
}

export function pipPlanner(options: PipPlannerOptions): Planner {
  const planner = languagePlanner({ datasources: new Map([['pypi', createPypiReleases(options.pypi)]]), managers: [pipManager], settings: { PIP_INDEX_URL: options.indexUrl } });
  return { ...planner, name: 'pip' };
}
