// npm behind the Datasource interface: one registry client per .npmrc (the repository's, over the app's FRESHEN_NPMRC).
import type { Datasource, Logger, LookupOptions, Release, ReleaseList } from '../../types.js';
import { createNpmDatasource, type NpmDatasource } from './index.js';

export interface NpmReleasesOptions {
  /** The app's own npmrc text (FRESHEN_NPMRC), merged over each repository's .npmrc. */
  appNpmrc?: string;
  /** What `${NAME}` in an npmrc may resolve to. */
  vars?: Record<string, string | undefined>;
  insecureRegistries?: readonly string[];
  log?: Logger;
  /** For tests: build the client for an npmrc text yourself. */
  datasourceFor?: (repoNpmrc: string | undefined) => NpmDatasource;
  /** Lookups through a shared cache (the app); by default straight to the registry. */
  shared?: (direct: NpmDatasource) => NpmDatasource;
}

/** Throws NpmrcError (with `.located`) when the governing .npmrc is refused. */
export function createNpmReleases(options: NpmReleasesOptions = {}): Datasource {
  const clients = new Map<string, NpmDatasource>();
  const clientFor = (config: LookupOptions['configFile']): NpmDatasource => {
    const key = `${config?.path ?? ''}\0${config?.text ?? ''}`;
    let client = clients.get(key);
    if (!client) {
      const direct = options.datasourceFor?.(config?.text) ??
        createNpmDatasource({
          repoNpmrc: config?.text, ...(config ? { repoNpmrcPath: config.path } : {}), appNpmrc: options.appNpmrc, vars: options.vars,
          insecureRegistries: options.insecureRegistries ?? [], ...(options.log ? { log: options.log } : {}),
        });
      client = options.shared ? options.shared(direct) : direct;
      clients.set(key, client);
    }
    return client;
  };
  return {
    name: 'npm',
    defaultVersioning: 'semver',
    osvEcosystem: 'npm',
    async getReleases(name, lookup = {}): Promise<ReleaseList> {
      const pkg = await clientFor(lookup.configFile).getPackage(name);
      const releases: Release[] = pkg.versions.map((v) => ({ version: v.version, ...(v.publishedAt ? { publishedAt: v.publishedAt } : {}), ...(v.deprecated ? { deprecated: v.deprecated } : {}) }));
      return { name: pkg.name, releases, ...(pkg.sourceUrl ? { sourceUrl: pkg.sourceUrl } : {}), ...(pkg.homepage ? { homepage: pkg.homepage } : {}) };
    },
  };
}
