// The engine's per-job context in production: an OCI client with the app's credentials for the repository's registries.
import { budgetSettingsFromEnv, registryBudget, RequestBudget, type HostBudget } from '../budget/index.js';
import { DEFAULT_TTLS, RedisLookupCache, scopeFor, sharedOsInfoCache, type CacheTtls, type LookupCache } from '../cache/index.js';
import { sharedMirrorFiles } from '../datasources/mirror-files-cache.js';
import { sharedNpm } from '../datasources/npm/cache.js';
import { sharedPypi } from '../datasources/pypi/cache.js';
import { sharedImageFactsCache } from '../insight/image-facts-cache.js';
import type { ServiceEnv } from '../config/env.js';
import { scanPlanners } from '../config/compose.js';
import type { NpmDatasource } from '../datasources/npm/index.js';
import { DEFAULT_OSV_URL, OsvClient } from '../datasources/osv/index.js';
import type { PypiDatasource } from '../datasources/pypi/index.js';
import { DEFAULT_RELEASE_DATA_URLS, MemoryFirstSeenStore, MemoryImageFactsCache, RedisFirstSeenStore, releaseDataSource, type EndOfLifeSource, type FirstSeenStore } from '../insight/index.js';
import type { ReleaseDataUrls } from '../insight/end-of-life.js';
import { createOciClient } from '../datasources/oci/index.js';
import { packageIndexes } from '../engine/planners/os-pins.js';
import type { ReleaseNotesSource } from '../engine/language/index.js';
import { anonymousGitHubReleases, type GitHubReleaseSource } from '../datasources/github-releases/index.js';
import type { RepoRef } from '../github/types.js';
import { createHttpClient, type HttpResponseEvent } from '../http/index.js';
import { connectRedis, keyPrefixFor, type RedisTarget } from '../cache/redis-connection.js';
import { repositoryCredentials } from './registry-credentials.js';
import type { ScanContextFactory } from './scan-repo.js';

/** The app's settings the ecosystems read (datasources, artifact updaters); nothing else of the environment reaches them. */
export const ECOSYSTEM_SETTINGS = ['FRESHEN_NPMRC', 'PIP_INDEX_URL', 'GOPROXY', 'GOSUMDB', 'GONOSUMDB', 'GOPRIVATE', 'GONOPROXY', 'GONOSUMCHECK', 'FRESHEN_TOOLS_DIR', 'FRESHEN_WORK_DIR'] as const;

function ecosystemSettings(env: Partial<Record<(typeof ECOSYSTEM_SETTINGS)[number], string | undefined>>): Record<string, string | undefined> {
  return Object.fromEntries(ECOSYSTEM_SETTINGS.map((name) => [name, env[name]]));
}

/** Repository configs name credentials; only the app's environment holds the secrets. */
export function registryScanContext(
  env: Pick<ServiceEnv, 'FRESHEN_INSECURE_REGISTRIES' | 'FRESHEN_REGISTRY_CREDENTIALS'> & Partial<Pick<ServiceEnv, 'redis' | 'REDIS_URL' | 'FRESHEN_REDIS_PREFIX' | 'FRESHEN_OSV_URL' | 'FRESHEN_NPMRC' | 'PIP_INDEX_URL' | (typeof ECOSYSTEM_SETTINGS)[number] | 'FRESHEN_DEBIAN_RELEASES_URL' | 'FRESHEN_ALPINE_RELEASES_URL'>>,
  hooks: { onResponse?: (event: HttpResponseEvent) => void; cache?: LookupCache; ttls?: CacheTtls; hostBudget?: HostBudget;
    /** GitHub lookups for release notes (the app's cached adapter in src/github/release-notes.ts). */
    releaseNotes?: (repo: RepoRef) => ReleaseNotesSource;
    /** GitHub releases and tags of tools Dockerfiles download (the app's cached adapter in src/github/tool-releases.ts); default: the public API, anonymously. */
    toolReleases?: (repo: RepoRef) => GitHubReleaseSource;
    /** What the ecosystems see (and `${NAME}` in an .npmrc resolves against); default: ECOSYSTEM_SETTINGS of env only. */
    languageEnv?: Record<string, string | undefined>;
    /** When releases were first seen (minimumReleaseAge); default Redis when REDIS_URL is set, else memory. */
    firstSeen?: FirstSeenStore;
  } = {},
): ScanContextFactory {
  // One lookup cache and one set of registry budgets for every worker and installation: a fleet
  // asks a registry once per image:tag.
  const target: RedisTarget | undefined = env.redis ?? (env.REDIS_URL ? { kind: 'single', url: env.REDIS_URL } : undefined);
  const shared = target && !hooks.cache ? sharedRegistryState(target, env.FRESHEN_REDIS_PREFIX ?? 'freshen') : undefined;
  const cache = hooks.cache ?? shared?.cache;
  const hostBudget = hooks.hostBudget ?? shared?.hostBudget;
  const firstSeen = hooks.firstSeen ?? shared?.firstSeen ?? new MemoryFirstSeenStore();
  // Package lists of image digests never change: kept for the process when there is no shared cache.
  const factsCache = new MemoryImageFactsCache();
  const osv = osvClient(env.FRESHEN_OSV_URL);
  const endOfLife = releaseData({ debian: env.FRESHEN_DEBIAN_RELEASES_URL, alpine: env.FRESHEN_ALPINE_RELEASES_URL }, cache, hooks.onResponse);
  // Package indexes outlive one job: their validators (ETag, Release date) spare downloads on the next scan,
  // and they stay parsed in memory; with a shared cache, a miss there reads what another worker fetched.
  const indexes = packageIndexes(createHttpClient({ insecureHosts: env.FRESHEN_INSECURE_REGISTRIES, maxBodyBytes: 256 * 1024 ** 2, onResponse: hooks.onResponse }));
  return ({ repo, config, log }) => {
    const { credentials, errors: configErrors } = repositoryCredentials(config.registries, env.FRESHEN_REGISTRY_CREDENTIALS);
    const http = createHttpClient({ insecureHosts: env.FRESHEN_INSECURE_REGISTRIES, logger: log, onResponse: hooks.onResponse, ...(hostBudget ? { hostBudget } : {}) });
    const images = createOciClient({
      http, credentials, log,
      ...(cache ? { cache, installationId: repo.installationId } : {}),
      ...(hooks.ttls ? { ttls: hooks.ttls } : {}),
    });
    // A scan that may read private images keeps what it learns to its installation.
    const scope = scopeFor(Object.keys(credentials).length > 0, repo.installationId);
    const ttls = hooks.ttls ?? DEFAULT_TTLS;
    const contentSeconds = ttls.contentSeconds;
    const osInfoCache = cache ? sharedOsInfoCache(cache, scope, contentSeconds) : undefined;
    // Shared across workers, so two workers never read the same image's layers for the package diff.
    const imageFacts = cache ? sharedImageFactsCache(cache, scope, contentSeconds) : factsCache;
    // Per job: a mirror URL with credentials in it keeps its answers to this installation.
    const mirrorFiles = cache ? sharedMirrorFiles(cache, repo.installationId, ttls.mirrorFileSeconds) : undefined;
    const jobIndexes = mirrorFiles ? { debian: indexes.debian.withShared(mirrorFiles), alpine: indexes.alpine.withShared(mirrorFiles) } : indexes;
    const languageEnv = hooks.languageEnv ?? ecosystemSettings(env);
    const shared = cache ? {
      npm: (direct: NpmDatasource) => sharedNpm(direct, cache, repo.installationId, ttls.tagListSeconds),
      pypi: (direct: PypiDatasource) => sharedPypi(direct, cache, repo.installationId, ttls.tagListSeconds),
    } : undefined;
    const planners = scanPlanners(config, {
      settings: languageEnv, insecureRegistries: env.FRESHEN_INSECURE_REGISTRIES, http, log, ...(shared ? { shared } : {}),
      toolReleases: hooks.toolReleases?.(repo) ?? anonymousGitHubReleases(http),
      ...(hooks.releaseNotes ? { releaseNotes: hooks.releaseNotes(repo) } : {}),
      images, indexes: jobIndexes, ...(osInfoCache ? { osInfoCache } : {}),
      insight: { firstSeen, factsCache: imageFacts, ...(osv ? { osv } : {}), ...(endOfLife ? { endOfLife } : {}) },
    });
    const artifacts = { settings: languageEnv, insecureRegistries: env.FRESHEN_INSECURE_REGISTRIES, log };
    return { images, log, planners, artifacts, configErrors };
  };
}

/**
 * The process's lookup cache and registry budgets, on one connection under the deployment's key
 * prefix, wherever Redis is (single node, Sentinel, Cluster).
 */
export function sharedRegistryState(target: RedisTarget, prefix: string): { cache: LookupCache; hostBudget: HostBudget; firstSeen: FirstSeenStore } {
  const redis = connectRedis(target, { keyPrefix: `${keyPrefixFor(target, prefix)}:`, lazyConnect: true });
  const settings = budgetSettingsFromEnv();
  return {
    cache: new RedisLookupCache(redis),
    hostBudget: registryBudget(new RequestBudget(redis), settings.registryWindows, settings.maxInlineWaitMs),
    firstSeen: new RedisFirstSeenStore(redis),
  };
}

/**
 * The distributions' release data, read once per fleet a day through the shared cache; the operator
 * chose the URLs (loadEnv gives the published ones by default), so their hosts may be private.
 */
function releaseData(urls: ReleaseDataUrls, cache: LookupCache | undefined, onResponse: ((event: HttpResponseEvent) => void) | undefined): EndOfLifeSource | undefined {
  const chosen = Object.values(urls).filter((url): url is string => url !== undefined && url !== 'off');
  if (chosen.length === 0) return undefined;
  const defaults: string[] = Object.values(DEFAULT_RELEASE_DATA_URLS);
  const insecureHosts = chosen.filter((url) => !defaults.includes(url)).map((url) => new URL(url).host);
  const http = createHttpClient({ insecureHosts, maxBodyBytes: 4 * 1024 ** 2, retries: 1, ...(onResponse ? { onResponse } : {}) });
  return releaseDataSource({ http, urls, ...(cache ? { cache } : {}) });
}

/** The operator chose the OSV URL (FRESHEN_OSV_URL), so its host may be private or plain HTTP. */
function osvClient(url: string | undefined): OsvClient | undefined {
  if (url === 'off') return undefined;
  const base = url ?? DEFAULT_OSV_URL;
  return new OsvClient(createHttpClient({ insecureHosts: base === DEFAULT_OSV_URL ? [] : [new URL(base).host] }), base);
}
