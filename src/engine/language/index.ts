// The language planners (every registered language manager, then tools and release notes) wired from the app's settings, for the CLI and the app.
import { createDatasources } from '../../datasources/index.js';
import type { NpmDatasource } from '../../datasources/npm/index.js';
import type { PypiDatasource } from '../../datasources/pypi/index.js';
import { createHttpClient, type HttpClient } from '../../http/index.js';
import type { Logger } from '../../types.js';
import { languagePlanner } from '../planners/language.js';
import type { Planner } from '../types.js';
import { releaseNotesPlanner, type ReleaseNotesSource } from './release-notes.js';

export { releaseNotesPlanner, findReleaseNotes, type ReleaseNotes, type ReleaseNotesSource } from './release-notes.js';
export type { PackageUpdateFacts } from './shared.js';

export interface LanguagePlannerOptions {
  /**
   * `FRESHEN_NPMRC` (the app's npm credentials) and `PIP_INDEX_URL` are read from here, and
   * `${NAME}` in an .npmrc resolves only against it: the CLI passes its process env, the app a
   * narrow map, so a repository cannot read the app's secrets into its own registry's requests.
   */
  env: Record<string, string | undefined>;
  insecureRegistries?: readonly string[];
  http?: HttpClient;
  /** npm lookups through a shared cache (the app); by default straight to the registry. */
  npm?: (direct: NpmDatasource) => NpmDatasource;
  /** PyPI lookups through a shared cache (the app); by default straight to the index. */
  pypi?: (direct: PypiDatasource) => PypiDatasource;
  /** Without it (the CLI), no release notes are looked up. */
  releaseNotes?: ReleaseNotesSource;
  /** Planners that run before the release-notes planner, so their updates get notes too (tool pins). */
  tools?: Planner[];
  log?: Logger;
}

export function languagePlanners(options: LanguagePlannerOptions): Planner[] {
  const http = options.http ?? createHttpClient({ insecureHosts: options.insecureRegistries ?? [] });
  const datasources = createDatasources({
    http, settings: options.env, insecureRegistries: options.insecureRegistries ?? [], ...(options.log ? { log: options.log } : {}),
    shared: { ...(options.npm ? { npm: options.npm } : {}), ...(options.pypi ? { pypi: options.pypi } : {}) },
  });
  const planners: Planner[] = [languagePlanner({ datasources, settings: options.env })];
  planners.push(...(options.tools ?? []));
  if (options.releaseNotes) planners.push(releaseNotesPlanner(options.releaseNotes));
  return planners;
}
