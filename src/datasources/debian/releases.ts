// Debian and Ubuntu packages behind the Datasource interface: each registry URL names one apt source and arch (`<uri>?suite=…&components=…&binaryArch=…`).
import type { Datasource, Release, ReleaseList } from '../../types.js';
import type { AptSourceRef, DebianIndex } from './index.js';

/** One version of a package in one suite, with what changelog links and OSV need. */
export interface DebianRelease extends Release {
  architecture: string;
  /** Source package name and version (OSV and changelogs use them). */
  source: string;
  sourceVersion: string;
  uri: string;
  suite: string;
  component: string;
  /** The suite's Release `Origin:` (Debian, Ubuntu...), or null. */
  origin: string | null;
}

/**
 * The registry URL of each source that serves `arch`: Renovate's deb datasource form, the source's
 * URI written as the image lists it (credentials and all), the rest as query parameters.
 */
export function debianSourceUrls(sources: readonly AptSourceRef[], arch: string): string[] {
  return sources
    .filter((s) => (s.type ?? 'deb') === 'deb' && (!s.architectures || s.architectures.includes(arch)))
    .map((s) => `${s.uri}?${new URLSearchParams({ suite: s.suite, components: s.components.join(','), binaryArch: arch })}`);
}

/** A registry URL back to its apt source and arch; the URI is everything before the last `?`. */
export function parseDebianSourceUrl(url: string): { source: AptSourceRef; arch: string } {
  const at = url.lastIndexOf('?');
  const params = new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
  const suite = params.get('suite');
  const arch = params.get('binaryArch');
  if (at < 0 || !suite || !arch) throw new Error(`"${url}" is no apt source: expected <uri>?suite=…&components=…&binaryArch=…`);
  const components = (params.get('components') ?? '').split(',').filter(Boolean);
  return { source: { type: 'deb', uri: url.slice(0, at), suite, components }, arch };
}

/**
 * Every version of a binary package in the sources `registryUrls` name (there is no default
 * mirror: the image's own sources say where its packages come from). Throws DebianIndexError when a
 * needed Release or index is missing or fails verification, as DebianIndex does.
 */
export function createDebianReleases(index: DebianIndex | undefined): Datasource<DebianRelease> {
  return {
    name: 'debian',
    defaultVersioning: 'dpkg',
    // The family: OSV names advisories per release (`Debian:12`), suffixed where the image's release is known (insight/ecosystems.ts).
    osvEcosystem: 'Debian',
    async getReleases(name, lookup = {}): Promise<ReleaseList<DebianRelease>> {
      if (!index) throw new Error(`${name}: no Debian package index was given to look it up`);
      if (!lookup.registryUrls) throw new Error(`${name}: no apt source was given to look it up in`);
      const byArch = new Map<string, AptSourceRef[]>();
      for (const { source, arch } of lookup.registryUrls.map(parseDebianSourceUrl)) byArch.set(arch, [...(byArch.get(arch) ?? []), source]);
      const found = (await Promise.all([...byArch].map(([arch, sources]) => index.getVersions(sources, arch, name)))).flat();
      const releases = found.map((v) => ({
        version: v.version, architecture: v.architecture, source: v.source, sourceVersion: v.sourceVersion,
        uri: v.uri, suite: v.suite, component: v.component, origin: v.origin,
      }));
      return { name, releases };
    },
  };
}
