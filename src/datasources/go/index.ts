// Go modules from module proxies (GOPROXY from the app's settings): tagged versions, release times, retractions, next major paths.
import type { HttpClient, HttpResponse } from '../../http/index.js';
import { BlockedHostError } from '../../http/index.js';
import type { Datasource, Logger, Release, ReleaseList } from '../../types.js';
import { silentLogger } from '../../types.js';
import { compare, getMajor, isCanonical, isIncompatible, isPseudoVersion, isStable, isValid } from '../../versioning/go/index.js';
import { isModulePath, nextMajorPaths, versionFitsPath } from '../../versioning/go/module-path.js';
import { fetchedDirectly, GoProxySettingError, parseGoProxy, proxyCredentials, type GoProxy } from './proxy-settings.js';
import { hasOwnGoMod, readRetractions, retractionTest } from './retract.js';

export { DEFAULT_GOPROXY, GoProxySettingError, matchesPrefixPatterns, parseGoProxy, type GoProxy, type GoProxySettings } from './proxy-settings.js';

export interface GoRelease extends Release {
  /** Set on versions of a next major's path (`example.com/m/v2`): shown as held, never applied. */
  modulePath?: string;
}

export interface GoDatasourceOptions {
  http: HttpClient;
  /** The app's settings: GOPROXY, GONOPROXY, GOPRIVATE. Never a repository's files. */
  settings: Readonly<Record<string, string | undefined>>;
  log?: Logger;
  /** Newest versions per module whose `.info` (release time) is read; default 20. */
  maxInfoLookups?: number;
  /** Next major paths probed (`/v2`, `/v3`…), stopping at the first missing one; default 5. */
  maxNextMajors?: number;
}

/** More lines than any real module's tag list; a longer answer is cut there. */
const MAX_LISTED_VERSIONS = 10_000;

/** The proxy protocol's case encoding: `github.com/BurntSushi/toml` → `github.com/!burnt!sushi/toml`. */
export function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** The source repository for release notes, for the hosts whose module paths name it. */
export function sourceUrlOf(path: string): string | undefined {
  const github = /^github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)/.exec(path);
  if (github) return `https://github.com/${github[1]}/${github[2]!.replace(/\.git$/, '')}`;
  const golangX = /^golang\.org\/x\/([a-z0-9_-]+)/.exec(path);
  if (golangX) return `https://github.com/golang/${golangX[1]}`;
  return undefined;
}

interface Answer {
  proxy: GoProxy;
  body: string;
}

export function createGoDatasource(options: GoDatasourceOptions): Datasource<GoRelease> {
  const { http, settings } = options;
  const log = options.log ?? silentLogger;
  const proxySettings = (() => {
    try {
      return parseGoProxy(settings.GOPROXY);
    } catch (err) {
      return err as GoProxySettingError;
    }
  })();
  if (!(proxySettings instanceof Error) && proxySettings.ignored.length > 0) {
    log.warn({ ignored: proxySettings.ignored }, 'GOPROXY setting: direct (and entries after off) are never used; Go modules come only from the listed proxies');
  }

  async function get(proxy: GoProxy, path: string): Promise<HttpResponse> {
    const { base, authorization } = proxyCredentials(proxy.url);
    return http.request(`${base}/${path}`, authorization ? { headers: { authorization } } : {});
  }

  /** Asks the proxies in order, as the go command does; null when every one says 404/410. */
  async function fromProxies(proxies: readonly GoProxy[], path: string): Promise<Answer | null> {
    for (const proxy of proxies) {
      let res: HttpResponse;
      try {
        res = await get(proxy, path);
      } catch (err) {
        if (proxy.fallBackOnError && !(err instanceof BlockedHostError)) continue;
        throw err;
      }
      if (res.status === 200) return { proxy, body: res.body.toString('utf8') };
      if (res.status === 404 || res.status === 410 || proxy.fallBackOnError) continue;
      throw new Error(`${describe(proxy)}: HTTP ${res.status} for ${path}`);
    }
    return null;
  }

  async function versionsAt(proxies: readonly GoProxy[], modulePath: string): Promise<{ proxy: GoProxy; versions: string[] } | null> {
    const answer = await fromProxies(proxies, `${escapeModulePath(modulePath)}/@v/list`);
    if (!answer) return null;
    const versions = answer.body
      .split('\n', MAX_LISTED_VERSIONS)
      .map((line) => line.trim().split(/\s+/)[0] ?? '')
      .filter((v) => isCanonical(v) && !isPseudoVersion(v) && versionFitsPath(v, modulePath));
    return { proxy: answer.proxy, versions: [...new Set(versions)].sort(compare).reverse() };
  }

  async function publishedAt(proxy: GoProxy, modulePath: string, version: string): Promise<string | undefined> {
    const answer = await fromProxies([proxy], `${escapeModulePath(modulePath)}/@v/${escapeModulePath(version)}.info`).catch(() => null);
    if (!answer) return undefined;
    try {
      const time = (JSON.parse(answer.body) as { Time?: unknown }).Time;
      return typeof time === 'string' && !Number.isNaN(Date.parse(time)) ? new Date(time).toISOString() : undefined;
    } catch {
      return undefined;
    }
  }

  async function goModOf(proxy: GoProxy, modulePath: string, version: string): Promise<string | undefined> {
    const answer = await fromProxies([proxy], `${escapeModulePath(modulePath)}/@v/${escapeModulePath(version)}.mod`).catch(() => null);
    return answer?.body;
  }

  async function withTimes(proxy: GoProxy, modulePath: string, versions: string[], limit: number, extra: Partial<GoRelease>): Promise<GoRelease[]> {
    return Promise.all(
      versions.map(async (version, i) => {
        const time = i < limit ? await publishedAt(proxy, modulePath, version) : undefined;
        return { version, ...(time ? { publishedAt: time } : {}), ...extra };
      }),
    );
  }

  return {
    name: 'go',
    defaultVersioning: 'go',
    osvEcosystem: 'Go',
    // LookupOptions are not read: where Go modules come from is the app's GOPROXY setting alone.
    async getReleases(name): Promise<ReleaseList<GoRelease>> {
      if (proxySettings instanceof Error) throw proxySettings;
      if (!isModulePath(name)) throw new Error(`"${name.slice(0, 80)}" is not a Go module path`);
      if (proxySettings.off) throw new GoProxySettingError('GOPROXY setting is off: Go modules are not looked up');
      if (proxySettings.proxies.length === 0) throw new GoProxySettingError(`GOPROXY setting lists no proxy Freshen uses (${proxySettings.ignored.join(', ')} never is)`);
      const direct = fetchedDirectly(settings, name);
      if (direct) throw new GoProxySettingError(`${name} matches the ${direct} setting: the go command would fetch it directly, which Freshen never does; serve it from a proxy in GOPROXY`);

      const found = await versionsAt(proxySettings.proxies, name);
      if (!found) throw new Error(`${name}: not found on ${proxySettings.proxies.map(describe).join(', ')}`);
      let { versions } = found;
      const limit = options.maxInfoLookups ?? 20;
      // Retractions and whether the module has a go.mod come from its latest version's go.mod.
      const latest = versions.find((v) => !isIncompatible(v) && isStable(v)) ?? versions.find((v) => !isIncompatible(v));
      const latestMod = latest ? await goModOf(found.proxy, name, latest) : undefined;
      // Like the go command: once the latest compatible version has a go.mod, +incompatible ones are no candidates.
      if (latestMod !== undefined && hasOwnGoMod(latestMod)) versions = versions.filter((v) => !isIncompatible(v));
      const retracted = retractionTest(latestMod ? readRetractions(latestMod) : [], compare, isValid);
      const releases = (await withTimes(found.proxy, name, versions, limit, {})).map((release) => (retracted(release.version) ? { ...release, yanked: true } : release));

      const highestMajor = versions.length > 0 ? Math.max(...versions.map(getMajor)) : 0;
      for (const nextPath of nextMajorPaths(name, highestMajor, options.maxNextMajors ?? 5)) {
        if (!isModulePath(nextPath)) break;
        const next = await versionsAt([found.proxy], nextPath).catch(() => null);
        if (!next || next.versions.length === 0) break;
        releases.push(...(await withTimes(found.proxy, nextPath, next.versions, 1, { modulePath: nextPath })));
      }
      const sourceUrl = sourceUrlOf(name);
      return { name, releases, ...(sourceUrl ? { sourceUrl } : {}) };
    },
  };
}

function describe(proxy: GoProxy): string {
  try {
    return new URL(proxy.url).host;
  } catch {
    return 'GOPROXY';
  }
}
