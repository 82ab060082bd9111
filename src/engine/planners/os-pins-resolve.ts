// Looks one package pin up in a base image's own package sources: the version to write, whether the pin broke, a changelog link.
import {
  alpineArch, alpineBranch, alpineIndexUrl, debianArch, debianSourceUrls, type AlpineRelease, type DebianRelease,
} from '../../datasources/index.js';
import type { ImageOs } from '../../image/registry-os.js';
import type { OsPackageExtra } from '../../managers/os-packages/index.js';
import { dataOf, type Datasource, type Dependency } from '../../types.js';
import { apk, dpkg } from '../../versioning/index.js';

export type Resolution =
  /** `target` is what the pin should say (equal to the current value when nothing changes). */
  | { kind: 'found'; target: string; present: boolean; changelogUrl?: string }
  /** No version of the package at all in the image's sources (for its arch). */
  | { kind: 'missing' }
  | { kind: 'error'; message: string };

/** Where pinned OS package versions are read: the registry's `debian` and `alpine` datasources. */
export interface OsPackageDatasources {
  debian: Datasource<DebianRelease>;
  alpine: Datasource<AlpineRelease>;
}

/** The `debian` and `alpine` datasources of a registry's map (theirs are the releases with suite, origin and repository). */
export function osPackageDatasources(datasources: ReadonlyMap<string, Datasource>): OsPackageDatasources {
  const get = (name: string): Datasource => {
    const found = datasources.get(name);
    if (!found) throw new Error(`no datasource "${name}" is registered`);
    return found;
  };
  return { debian: get('debian') as Datasource<DebianRelease>, alpine: get('alpine') as Datasource<AlpineRelease> };
}

export async function resolvePin(sources: OsPackageDatasources, dep: Dependency, os: ImageOs): Promise<Resolution> {
  const extra = dataOf(dep, 'os-packages')!;
  try {
    return extra.tool === 'apt' ? await resolveApt(sources.debian, dep, extra, os) : await resolveApk(sources.alpine, dep, extra, os);
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

async function resolveApt(debian: Datasource<DebianRelease>, dep: Dependency, extra: OsPackageExtra, os: ImageOs): Promise<Resolution> {
  const sources = os.info.aptSources.filter((s) => s.type === 'deb');
  if (sources.length === 0) return { kind: 'error', message: `${dep.depName}: the base image (${os.label}) lists no apt sources` };
  const current = dep.currentValue!;
  const registryUrls = debianSourceUrls(sources, extra.arch ?? debianArch(os.platform));
  const found = (await debian.getReleases(dep.depName, { registryUrls })).releases;
  // Backports are only proposed to pins that already come from backports.
  const usable = found.filter((v) => dpkg.isValid(v.version) && (!v.version.includes('~bpo') || current.includes('~bpo')));
  if (usable.length === 0) return { kind: 'missing' };
  const newest = usable.reduce((a, b) => (dpkg.compare(b.version, a.version) > 0 ? b : a));
  const present = found.some((v) => v.version === current);
  const result: Resolution = { kind: 'found', target: newest.version, present };
  const link = debianChangelog(newest, os);
  if (link) result.changelogUrl = link;
  return result;
}

async function resolveApk(alpine: Datasource<AlpineRelease>, dep: Dependency, extra: OsPackageExtra, os: ImageOs): Promise<Resolution> {
  const repos = os.info.apkRepositories;
  if (repos.length === 0) return { kind: 'error', message: `${dep.depName}: the base image (${os.label}) lists no apk repositories` };
  const current = dep.currentValue!;
  // apk reads `name@tag` only from the repositories tagged `@tag`, and a plain name only from the untagged ones.
  const arch = alpineArch(os.platform);
  const registryUrls = repos.filter((r) => (extra.repoTag ? r.tag === extra.repoTag : !r.tag)).map((r) => alpineIndexUrl(r.url, arch));
  const found = (await alpine.getReleases(dep.depName, { registryUrls })).releases;
  const usable = found.filter((v) => apk.isValid(v.version));
  if (usable.length === 0) return { kind: 'missing' };
  const newest = usable.reduce((a, b) => (apk.compare(b.version, a.version) > 0 ? b : a));
  const link = aportsLink(newest, os);
  const withLink = (r: Extract<Resolution, { kind: 'found' }>): Resolution => (link ? { ...r, changelogUrl: link } : r);
  if (!extra.fuzzy) return withLink({ kind: 'found', target: newest.version, present: found.some((v) => v.version === current) });
  // A fuzzy pin (`name~3.3`) stays fuzzy: it only moves when nothing matches it any more.
  const matching = usable.filter((v) => apk.matchesFuzzy(v.version, current));
  if (matching.length > 0) return { kind: 'found', target: current, present: true };
  return withLink({ kind: 'found', target: fuzzyPrefix(newest.version, current), present: false });
}

/** The newest version cut to as many parts as the fuzzy pin had: `3.3` + `3.5.1-r0` → `3.5`. */
export function fuzzyPrefix(newest: string, current: string): string {
  const parts = current.split('.').length;
  const cut = newest.split('.').slice(0, parts).join('.');
  return current.includes('-r') ? cut : cut.replace(/-r\d+$/, '');
}

const withoutEpoch = (version: string): string => version.replace(/^\d+:/, '');
const poolPrefix = (source: string): string => (source.startsWith('lib') && source.length > 3 ? source.slice(0, 4) : source[0]!);

/** The distro's own changelog page for a source version; none for third-party repositories. */
function debianChangelog(v: DebianRelease, os: ImageOs): string | undefined {
  const component = v.component.replace(/^updates\//, '');
  const source = v.source;
  const version = withoutEpoch(v.sourceVersion || v.version);
  if (!component || !/^[a-z0-9][a-z0-9+.-]*$/.test(source)) return undefined;
  const path = `${component}/${poolPrefix(source)}/${source}`;
  if (v.origin === 'Debian' && os.info.distro === 'debian') return `https://metadata.ftp-master.debian.org/changelogs/${path}/${source}_${version}_changelog`;
  if (v.origin === 'Ubuntu' && os.info.distro === 'ubuntu') return `https://changelogs.ubuntu.com/changelogs/pool/${path}/${source}_${version}/changelog`;
  return undefined;
}

/** The package's history in the aports tree of the image's branch (no package mirror named). */
function aportsLink(v: AlpineRelease, os: ImageOs): string | undefined {
  if (os.info.distro !== 'alpine' || !os.info.release) return undefined;
  const repo = v.repository.replace(/\/+$/, '').split('/').pop();
  if (!repo || !['main', 'community', 'testing'].includes(repo) || !/^[A-Za-z0-9+._-]+$/.test(v.origin)) return undefined;
  const branch = alpineBranch(os.info.release);
  const ref = branch === 'edge' ? 'master' : `${branch.slice(1)}-stable`;
  return `https://gitlab.alpinelinux.org/alpine/aports/-/commits/${ref}/${repo}/${v.origin}/APKBUILD`;
}
