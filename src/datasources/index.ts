// Datasources reached through the generic language planner, by the name dependencies carry. Adding one is a folder and a line here.
import type { HttpClient } from '../http/index.js';
import type { Datasource, Logger } from '../types.js';
import { createGoDatasource } from './go/index.js';

/** What every datasource is built from: the one guarded HTTP client and the app's settings, never a repository's environment. */
export interface DatasourceDeps {
  http: HttpClient;
  /** The app's settings by name (GOPROXY, PIP_INDEX_URL...): the CLI's process env, the app's narrow map. */
  settings: Readonly<Record<string, string | undefined>>;
  log?: Logger;
}

export const datasourceFactories: Record<string, (deps: DatasourceDeps) => Datasource> = {
  go: (deps) => createGoDatasource(deps),
};
