// When a base image's OS release stops getting security support, from the distribution's published release data.
import type { LookupCache } from '../cache/types.js';
import { alpineBranchOf, parseAlpineReleases, type AlpineBranch } from '../datasources/alpine/end-of-life.js';
import { findDebianRelease, parseDebianReleases, type DebianRelease } from '../datasources/debian/end-of-life.js';
import type { HttpClient } from '../http/index.js';
import type { Logger } from '../types.js';
import { silentLogger } from '../types.js';

export interface EndOfLife {
  distro: 'debian' | 'alpine';
  /** `12`, `3.20` as the distribution names its releases. */
  release: string;
  codename?: string;
  /** YYYY-MM-DD: regular security support ends. */
  date: string;
  /** Debian LTS ends (YYYY-MM-DD). */
  ltsDate?: string;
}

export interface EndOfLifeSource {
  /** null when the release is not in the data, the data is off or could not be read. */
  endOfLife(os: { distro: string | null; release: string | null; codename?: string | null }): Promise<EndOfLife | null>;
}

/** Where each distribution publishes its release data; `off` (or absent) asks nothing. */
export interface ReleaseDataUrls {
  debian?: string;
  alpine?: string;
}

/** The distributions' own published data; an operator may point elsewhere (a mirror of it) or turn either off. */
export const DEFAULT_RELEASE_DATA_URLS = {
  debian: 'https://salsa.debian.org/debian/distro-info-data/-/raw/main/debian.csv',
  alpine: 'https://alpinelinux.org/releases.json',
} as const;

export interface ReleaseDataOptions {
  http: HttpClient;
  urls: ReleaseDataUrls;
  /** Shared across workers: the data is read once per fleet per `ttlSeconds`. */
  cache?: LookupCache;
  ttlSeconds?: number;
  log?: Logger;
  now?: () => number;
}

const DAY_SECONDS = 24 * 3600;
/** An unreachable source is asked again only after this long. */
const RETRY_AFTER_MS = 10 * 60_000;

/** Release data read over HTTP and kept for a day; any failure means "not known", never a scan error. */
export function releaseDataSource(options: ReleaseDataOptions): EndOfLifeSource {
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLogger;
  const ttl = options.ttlSeconds ?? DAY_SECONDS;
  const memo = new Map<string, { until: number; value: Promise<unknown> }>();

  const load = <T>(url: string | undefined, parse: (text: string) => T): Promise<T | null> => {
    if (!url || url === 'off') return Promise.resolve(null);
    const hit = memo.get(url);
    if (hit && hit.until > now()) return hit.value as Promise<T | null>;
    const fetchParsed = async () => {
      const res = await options.http.request(url, { headers: { accept: 'text/csv, application/json, text/plain' } });
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      return parse(res.body.toString('utf8'));
    };
    const value = (options.cache ? options.cache.getOrLoad(`release-data|${url}`, ttl, fetchParsed) : fetchParsed()).catch((err: unknown) => {
      log.debug({ url, err: err instanceof Error ? err.message : String(err) }, 'release data not available; end of life not shown');
      memo.set(url, { until: now() + RETRY_AFTER_MS, value: Promise.resolve(null) });
      return null;
    });
    memo.set(url, { until: now() + ttl * 1000, value });
    return value;
  };

  return {
    async endOfLife(os) {
      if (os.distro === 'debian') {
        const releases = await load<DebianRelease[]>(options.urls.debian, parseDebianReleases);
        const found = releases ? findDebianRelease(releases, os.release, os.codename ?? null) : undefined;
        // Only numbered releases: the name said comes from the data, never from the image.
        if (!found?.eol || !found.version) return null;
        return {
          distro: 'debian', release: found.version, codename: found.series,
          date: found.eol, ...(found.eolLts ? { ltsDate: found.eolLts } : {}),
        };
      }
      if (os.distro === 'alpine') {
        const branch = alpineBranchOf(os.release);
        if (!branch) return null;
        const branches = await load<AlpineBranch[]>(options.urls.alpine, parseAlpineReleases);
        const found = branches?.find((b) => b.branch === branch);
        return found?.eol ? { distro: 'alpine', release: branch.slice(1), date: found.eol } : null;
      }
      return null;
    },
  };
}
