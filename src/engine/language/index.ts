// The language planners (npm, pip, release notes) wired from an environment, for the CLI and the app.
import type { NpmDatasource } from '../../datasources/npm/index.js';
import { createPypiDatasource, type PypiDatasource } from '../../datasources/pypi/index.js';
import { createHttpClient, type HttpClient } from '../../http/index.js';
import { npmPlanner } from '../planners/npm.js';
import { pipPlanner } from '../planners/pip.js';
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
}

export function languagePlanners(options: LanguagePlannerOptions): Planner[] {
  const http = options.http ?? createHttpClient({ insecureHosts: options.insecureRegistries ?? [] });
  const planners: Planner[] = [
    npmPlanner({ appNpmrc: options.env.FRESHEN_NPMRC, vars: options.env, insecureRegistries: options.insecureRegistries ?? [], ...(options.npm ? { shared: options.npm } : {}) }),
    pipPlanner({ pypi: (options.pypi ?? ((direct) => direct))(createPypiDatasource({ http })), ...(options.env.PIP_INDEX_URL ? { indexUrl: options.env.PIP_INDEX_URL } : {}) }),
  ];
  planners.push(...(options.tools ?? []));
  if (options.releaseNotes) planners.push(releaseNotesPlanner(options.releaseNotes));
  return planners;
}
