// The language planners in their order: every registered language manager, then tools and release notes.
import type { Datasource } from '../../types.js';
import { languagePlanner } from '../planners/language.js';
import type { Planner } from '../types.js';
import { releaseNotesPlanner, type ReleaseNotesSource } from './release-notes.js';

export { releaseNotesPlanner, findReleaseNotes, type ReleaseNotes, type ReleaseNotesSource } from './release-notes.js';
export type { PackageUpdateFacts } from './shared.js';

export interface LanguagePlannerOptions {
  /** The registry's datasources, built from the app's settings (createDatasources). */
  datasources: ReadonlyMap<string, Datasource>;
  /** The app's settings, for LanguageSupport.lookup (PIP_INDEX_URL, GOPROXY...). */
  settings: Readonly<Record<string, string | undefined>>;
  /** Planners that run before the release-notes planner, so their updates get notes too (tool pins). */
  tools?: Planner[];
  /** Without it (the CLI), no release notes are looked up. */
  releaseNotes?: ReleaseNotesSource;
}

/** Every registered language manager, then tools, then release notes (which read the others' updates). */
export function languagePlanners(options: LanguagePlannerOptions): Planner[] {
  return [
    languagePlanner({ datasources: options.datasources, settings: options.settings }),
    ...(options.tools ?? []),
    ...(options.releaseNotes ? [releaseNotesPlanner(options.releaseNotes)] : []),
  ];
}
