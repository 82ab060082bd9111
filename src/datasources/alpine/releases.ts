// Alpine packages behind the Datasource interface: each registry URL is one repository's index for one arch (`<repo>/<arch>/APKINDEX.tar.gz`).
import type { Datasource, Release, ReleaseList } from '../../types.js';
import type { AlpineIndex } from './index.js';

/** One version of a package in one repository. */
export interface AlpineRelease extends Release {
  arch: string;
  /** Origin (source) package name: OSV and aports links use it. */
  origin: string;
  /** The repository as the image lists it, without trailing slashes. */
  repository: string;
}

const INDEX_FILE = 'APKINDEX.tar.gz';

/** The index URL apk reads for a repository and arch. */
export function alpineIndexUrl(repository: string, arch: string): string {
  return `${repository.replace(/\/+$/, '')}/${arch}/${INDEX_FILE}`;
}

/** An index URL back to its repository and arch. */
export function parseAlpineIndexUrl(url: string): { repository: string; arch: string } {
  const m = /^(.+)\/([^/]+)\/APKINDEX\.tar\.gz$/.exec(url);
  if (!m) throw new Error(`"${url}" is no apk index: expected <repository>/<arch>/${INDEX_FILE}`);
  return { repository: m[1]!, arch: m[2]! };
}

/**
 * Every version of a package in the indexes `registryUrls` name (there is no default mirror: the
 * image's own repositories say where its packages come from). A repository without an index for
 * the arch has no versions; one that cannot be read throws AlpineIndexError, as AlpineIndex does.
 */
export function createAlpineReleases(index: AlpineIndex | undefined): Datasource<AlpineRelease> {
  return {
    name: 'alpine',
    defaultVersioning: 'apk',
    // The family: OSV names advisories per branch (`Alpine:v3.20`), suffixed where the image's release is known (insight/ecosystems.ts).
    osvEcosystem: 'Alpine',
    async getReleases(name, lookup = {}): Promise<ReleaseList<AlpineRelease>> {
      if (!index) throw new Error(`${name}: no Alpine package index was given to look it up`);
      if (!lookup.registryUrls) throw new Error(`${name}: no apk repository was given to look it up in`);
      const perIndex = await Promise.all(
        lookup.registryUrls.map(parseAlpineIndexUrl).map(async ({ repository, arch }) => {
          const found = await index.getVersions([{ url: repository }], arch, name);
          return found.map((p) => ({
            version: p.version, arch: p.arch, origin: p.origin, repository,
            ...(p.buildTime && !Number.isNaN(p.buildTime.getTime()) ? { publishedAt: p.buildTime.toISOString() } : {}),
          }));
        }),
      );
      return { name, releases: perIndex.flat() };
    },
  };
}
