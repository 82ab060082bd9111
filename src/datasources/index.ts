// Every datasource a dependency can name in `Dependency.datasource`, built from the app's settings. One line each.
import type { ImageLookup } from '../engine/types.js';
import type { HttpClient } from '../http/index.js';
import type { Datasource, Logger } from '../types.js';
import { AlpineIndex } from './alpine/index.js';
import { createAlpineReleases } from './alpine/releases.js';
import { DebianIndex } from './debian/index.js';
import { createDebianReleases } from './debian/releases.js';
import { httpIndexFetcher } from './index-fetch.js';
import { createGoDatasource } from './go/index.js';
import { createGoToolchainReleases } from './go/toolchain.js';
import type { NpmDatasource } from './npm/index.js';
import { createNpmReleases } from './npm/releases.js';
import { createDockerReleases } from './oci/releases.js';
import { createPypiDatasource, type PypiDatasource } from './pypi/index.js';
import { createPypiReleases } from './pypi/releases.js';

// What the OS package pin planner needs beside the datasources: arch names, and the registry URLs of an image's own sources.
export { alpineArch, alpineBranch } from './alpine/index.js';
export { alpineIndexUrl, type AlpineRelease } from './alpine/releases.js';
export { debianArch } from './debian/index.js';
export { debianSourceUrls, type DebianRelease } from './debian/releases.js';

/** Debian and Alpine package indexes: made once per process, so their validators (ETag, Release date) and parsed indexes outlive a scan. */
export interface PackageIndexes {
  debian: DebianIndex;
  alpine: AlpineIndex;
}

/** Debian and Alpine indexes fetching through one HTTP client. */
export function packageIndexes(http: Pick<HttpClient, 'request'>): PackageIndexes {
  const fetch = httpIndexFetcher(http);
  return { debian: new DebianIndex(fetch), alpine: new AlpineIndex(fetch) };
}

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
  /** The scan's image registry client (the repository's credentials): `docker` asks it for tags. */
  images?: Pick<ImageLookup, 'getTags'>;
  /** `debian` and `alpine` read these (without them, their lookups fail). */
  packageIndexes?: PackageIndexes;
}

export interface RegisteredDatasource {
  /**
   * OSV's name for a dependency's own version (the security planner reads it before any datasource
   * is built). Not for OS packages: OSV names those per release and source package, which the
   * security planner reads from the image's package diff instead.
   */
  osvEcosystem?: string;
  create(deps: DatasourceDeps): Datasource;
}

export const datasourceRegistry: Record<string, RegisteredDatasource> = {
  docker: { create: (deps) => createDockerReleases(deps.images) },
  npm: { osvEcosystem: 'npm', create: (deps) => createNpmReleases({ appNpmrc: deps.settings.FRESHEN_NPMRC, vars: { ...deps.settings }, insecureRegistries: deps.insecureRegistries, ...(deps.log ? { log: deps.log } : {}), ...(deps.shared?.npm ? { shared: deps.shared.npm } : {}) }) },
  go: { osvEcosystem: 'Go', create: (deps) => createGoDatasource({ http: deps.http, settings: deps.settings, ...(deps.log ? { log: deps.log } : {}) }) },
  'golang-version': { create: (deps) => createGoToolchainReleases(createGoDatasource({ http: deps.http, settings: deps.settings, ...(deps.log ? { log: deps.log } : {}) })) },
  pypi: { osvEcosystem: 'PyPI', create: (deps) => createPypiReleases((deps.shared?.pypi ?? ((d: PypiDatasource) => d))(createPypiDatasource({ http: deps.http }))) },
  debian: { create: (deps) => createDebianReleases(deps.packageIndexes?.debian) },
  alpine: { create: (deps) => createAlpineReleases(deps.packageIndexes?.alpine) },
};

export function createDatasources(deps: DatasourceDeps): Map<string, Datasource> {
  return new Map(Object.entries(datasourceRegistry).map(([name, entry]) => [name, entry.create(deps)]));
}

/** The `docker` datasource over one image client: what a scan given no image planner reads tags through. */
export function imageReleases(images: Pick<ImageLookup, 'getTags'>): Datasource {
  return createDockerReleases(images);
}

/** Datasource name → OSV ecosystem, for language packages. */
export function osvEcosystemOf(datasource: string): string | undefined {
  return Object.hasOwn(datasourceRegistry, datasource) ? datasourceRegistry[datasource]!.osvEcosystem : undefined;
}
