// The npm manager alone through the language planner, with an npm datasource built from these settings (tests and tools use it).
import { createNpmReleases, type NpmReleasesOptions } from '../../datasources/npm/releases.js';
import { npmManager } from '../../managers/npm/index.js';
import type { Planner } from '../types.js';
import { languagePlanner } from './language.js';

export type NpmPlannerOptions = NpmReleasesOptions;

export function npmPlanner(options: NpmPlannerOptions = {}): Planner {
  return { ...languagePlanner({ datasources: new Map([['npm', createNpmReleases(options)]]), managers: [npmManager] }), name: 'npm' };
}
