// Every datasource a language manager can name in `Dependency.datasource`, built from the app's settings. One line each.
import type { HttpClient } from '../http/index.js';
import type { Datasource, Logger } from '../types.js';
import { createGoDatasource } from './go/index.js';
import type { NpmDatasource } from './npm/index.js';
import { createNpmReleases } from './npm/releases.js';
import { createPypiDatasource, type PypiDatasource } from './pypi/index.js';
import { createPypiReleases } from './pypi/releases.js';

export interface DatasourceDeps {
  http: HttpClient;
  /**
   * The app's settings (FRESHEN_NPMRC, PIP_INDEX_URL, GOPROXY...): the CLI passes its process env,
   * the app a narrow map, so a repository cannot read the app's secrets into its own requests.
   */
  settings: Readonly<Record<string, string | undefined>>;
  insecureRegistries: readonly string[];
  log?: Logger;
  /** Lookups through the app's shared cache, where a datasource has one. */
  shared?: { npm?: (direct: NpmDatasource) => NpmDatasource; pypi?: (direct: PypiDatasource) => PypiDatasource };
}

export interface RegisteredDatasource {
  /** OSV's name for its ecosystem, known before any datasource is built (the security planner reads it). */
  osvEcosystem?: string;
  create(deps: DatasourceDeps): Datasource;
}

export const datasourceRegistry: Record<string, RegisteredDatasource> = {
  npm: { osvEcosystem: 'npm', create: (deps) => createNpmReleases({ appNpmrc: deps.settings.FRESHEN_NPMRC, vars: { ...deps.settings }, insecureRegistries: deps.insecureRegistries, ...(deps.log ? { log: deps.log } : {}), ...(deps.shared?.npm ? { shared: deps.shared.npm } : {}) }) },
  go: { osvEcosystem: 'Go', create: (deps) => createGoDatasource({ http: deps.http, settings: deps.settings, ...(deps.log ? { log: deps.log } : {}) }) },
  pypi: { osvEcosystem: 'PyPI', create: (deps) => createPypiReleases((deps.shared?.pypi ?? ((d: PypiDatasource) => d))(createPypiDatasource({ http: deps.http }))) },
};

export function createDatasources(deps: DatasourceDeps): Map<string, Datasource> {
  return new Map(Object.entries(datasourceRegistry).map(([name, entry]) => [name, entry.create(deps)]));
}

/** Datasource name → OSV ecosystem, for language packages. */
export function osvEcosystemOf(datasource: string): string | undefined {
  return Object.hasOwn(datasourceRegistry, datasource) ? datasourceRegistry[datasource]!.osvEcosystem : undefined;
}
