// The one composition of a scan's planners, for the CLI and the app alike: datasources from the registry, images first, then OS pins, the language planner, tool pins, release notes and insight as the config asks.
import { createDatasources, type DatasourceDeps, type PackageIndexes } from '../datasources/index.js';
import { languagePlanners, type ReleaseNotesSource } from '../engine/language/index.js';
import { imagesPlanner } from '../engine/planners/images.js';
import { createToolPinsPlanner, type ToolPinsPlannerOptions, type VersionList } from '../engine/planners/tool-pins.js';
import type { ImageLookup, Planner } from '../engine/types.js';
import type { HttpClient } from '../http/index.js';
import type { Datasource, Logger } from '../types.js';
import { configuredPlanners, type PlannerParts } from './apply.js';
import type { RepoConfig } from './repo-config.js';

export interface ScanParts extends Omit<PlannerParts, 'language' | 'datasources' | 'images'> {
  /** The repository's registry client: tags for the `docker` datasource, manifests and layers for OS pins and insight. */
  images: PlannerParts['images'] & ImageLookup;
  /** Debian and Alpine indexes, made once per process (packageIndexes()): the `debian` and `alpine` datasources read them. */
  indexes: PackageIndexes;
  /**
   * The app's settings (FRESHEN_NPMRC, PIP_INDEX_URL, GOPROXY...): the CLI's process env, the app's
   * narrow map. `${NAME}` in an .npmrc resolves only against these.
   */
  settings: Readonly<Record<string, string | undefined>>;
  insecureRegistries: readonly string[];
  http: HttpClient;
  log?: Logger;
  /** The app's shared lookup cache, where a datasource has one. */
  shared?: DatasourceDeps['shared'];
  /** GitHub releases and tags of tools Dockerfiles download. */
  toolReleases: ToolPinsPlannerOptions['github'];
  /** Without it (the CLI), no release notes are looked up. */
  releaseNotes?: ReleaseNotesSource;
}

/** A package's versions for a tool pin: neither deprecated nor yanked. */
async function toolVersions(datasource: Datasource | undefined, name: string, registryUrl?: string): Promise<VersionList> {
  if (!datasource) throw new Error('no such datasource is registered');
  const list = await datasource.getReleases(name, registryUrl ? { registryUrls: [registryUrl] } : {});
  const versions = list.releases.filter((r) => !r.deprecated && !r.yanked).map((r) => r.version);
  return { versions, ...(list.sourceUrl ? { sourceUrl: list.sourceUrl } : {}) };
}

export function scanPlanners(config: RepoConfig, parts: ScanParts): Planner[] {
  const { settings, insecureRegistries, http, log, shared, toolReleases, releaseNotes, indexes, ...rest } = parts;
  const datasources = createDatasources({
    http, settings, insecureRegistries, images: rest.images, packageIndexes: indexes, ...(log ? { log } : {}), ...(shared ? { shared } : {}),
  });
  // Tools are read with the app's settings only: a repository's .npmrc or index does not steer them.
  const tools = createToolPinsPlanner({
    github: toolReleases,
    http,
    npmVersions: (name) => toolVersions(datasources.get('npm'), name),
    pypiVersions: (name) => toolVersions(datasources.get('pypi'), name, settings.PIP_INDEX_URL),
  });
  const language = languagePlanners({ datasources, settings, tools: [tools], ...(releaseNotes ? { releaseNotes } : {}) });
  // Images first: OS pins and insight read the image updates. Tags are read through the `docker`
  // datasource over the context's image client at plan time, so what wraps that client (the app's
  // lookup metrics) sees tag lookups as well as digests.
  return [imagesPlanner(), ...configuredPlanners(config, { ...rest, datasources, language })];
}
