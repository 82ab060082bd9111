// The distribution and package sources of a base image, read from its own files and cached by digest.
import { fileContent, readImageFiles, type FileSelection, type ImageFiles, type LayerBlob, type OpenLayer, type ReadLimits } from './layers.js';

/** One `deb`/`deb-src` source: one URI and one suite (deb822 paragraphs are flattened into these). */
export interface AptSource {
  type: 'deb' | 'deb-src';
  uri: string;
  /** `bookworm`, `bookworm-security`, or a flat-repository path ending in `/`. */
  suite: string;
  components: string[];
  /** From `[arch=...]` or `Architectures:`; undefined means every architecture. */
  architectures?: string[];
  /** The image file and 1-based line the source was written on. */
  file: string;
  line: number;
}

export interface ApkRepository {
  url: string;
  /** `@edge` in `/etc/apk/repositories`: used only for packages asked for as `name@edge`. */
  tag?: string;
  file: string;
  line: number;
}

export interface OsInfo {
  /** os-release `ID`: debian, ubuntu, alpine...; null when the image has no os-release. */
  distro: string | null;
  idLike: string[];
  /** os-release `VERSION_ID`: `12`, `24.04`, `3.20.3`. */
  release: string | null;
  /** os-release `VERSION_CODENAME`: `bookworm`, `noble`. */
  codename: string | null;
  aptSources: AptSource[];
  apkRepositories: ApkRepository[];
  /** Lines of the image's own files that could not be understood. */
  warnings: { file: string; line: number; message: string }[];
}

export const OS_INFO_FILES: FileSelection = {
  files: ['/etc/os-release', '/usr/lib/os-release', '/etc/apt/sources.list', '/etc/apk/repositories'],
  dirs: [{ path: '/etc/apt/sources.list.d', suffixes: ['.list', '.sources'] }],
};

/** Installed-package databases, for the issue that reads them; not needed to resolve pins. */
export const INSTALLED_PACKAGES_FILES: FileSelection = {
  files: ['/var/lib/dpkg/status', '/lib/apk/db/installed'],
  dirs: [{ path: '/var/lib/dpkg/status.d' }],
};

/** `KEY=value` lines with optional shell quoting, as in os-release(5). */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^([A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (!m || line.startsWith('#')) continue;
    fields[m[1]!] = unquote(m[2]!);
  }
  return fields;
}

function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/.exec(value);
  if (!m) return value;
  return m[1] === '"' ? m[2]!.replace(/\\(["\\$`])/g, '$1') : m[2]!;
}

type Warnings = OsInfo['warnings'];

/** Sources or repositories read per image: real images list a handful, each is a mirror to ask. */
export const MAX_IMAGE_SOURCES = 64;
/** Warnings listed per image; the rest are counted in one more line. */
export const MAX_IMAGE_WARNINGS = 20;
const overflowCounts = new WeakMap<object, number>();

/** Adds a warning, or counts it in the last line once MAX_IMAGE_WARNINGS are listed. */
function warn(warnings: Warnings, warning: Warnings[number]): void {
  if (warnings.length < MAX_IMAGE_WARNINGS) return void warnings.push(warning);
  let summary = warnings[MAX_IMAGE_WARNINGS];
  if (!summary) warnings.push((summary = { file: warning.file, line: 0, message: '' }));
  const count = (overflowCounts.get(summary) ?? 0) + 1;
  overflowCounts.set(summary, count);
  summary.message = `${count} more warning${count === 1 ? '' : 's'} about the image's sources not listed`;
}

/** A line of the image as a warning quotes it. */
const quoted = (line: string): string => (line.length > 80 ? `${line.slice(0, 80)}…` : line);

/** One-line style: `deb [arch=amd64 signed-by=...] <uri> <suite> [component...]`. */
export function parseSourcesList(text: string, file: string, warnings: Warnings = [], max = MAX_IMAGE_SOURCES): AptSource[] {
  const sources: AptSource[] = [];
  text.split('\n').forEach((raw, i) => {
    if (sources.length >= max) return;
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)(.*)$/.exec(line);
    if (!m) return void warn(warnings, { file, line: i + 1, message: `not an apt source line: ${quoted(line)}` });
    const options = parseOptions(m[2] ?? '');
    const source: AptSource = {
      type: m[1] as AptSource['type'],
      uri: m[3]!,
      suite: m[4]!,
      components: m[5]!.trim().split(/\s+/).filter(Boolean),
      file,
      line: i + 1,
    };
    if (options.arch) source.architectures = options.arch.split(',');
    sources.push(source);
  });
  return sources;
}

function parseOptions(text: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    if (eq > 0) options[word.slice(0, eq).replace(/[+-]$/, '')] = word.slice(eq + 1);
  }
  return options;
}

/** Splits RFC822-style text into paragraphs of fields, keeping the line each paragraph starts on. */
export function parseParagraphs(text: string): { line: number; fields: Map<string, string> }[] {
  const out: { line: number; fields: Map<string, string> }[] = [];
  let current: { line: number; fields: Map<string, string> } | undefined;
  let lastKey: string | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('#')) return;
    if (line.trim() === '') {
      current = undefined;
      return;
    }
    if (/^[ \t]/.test(line) && current && lastKey) {
      const rest = line.trim();
      current.fields.set(lastKey, current.fields.get(lastKey) + '\n' + (rest === '.' ? '' : rest));
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return;
    if (!current) out.push((current = { line: i + 1, fields: new Map() }));
    lastKey = line.slice(0, colon).trim().toLowerCase();
    current.fields.set(lastKey, line.slice(colon + 1).trim());
  });
  return out;
}

const words = (v: string | undefined): string[] => (v ?? '').split(/\s+/).filter(Boolean);

/** deb822 style (`*.sources`): Types, URIs, Suites, Components, optional Enabled and Architectures. */
export function parseDeb822Sources(text: string, file: string, warnings: Warnings = [], max = MAX_IMAGE_SOURCES): AptSource[] {
  const sources: AptSource[] = [];
  for (const { line, fields } of parseParagraphs(text)) {
    if (sources.length >= max) break;
    if ((fields.get('enabled') ?? 'yes').toLowerCase() === 'no') continue;
    const types = words(fields.get('types')).filter((t): t is AptSource['type'] => t === 'deb' || t === 'deb-src');
    const uris = words(fields.get('uris'));
    const suites = words(fields.get('suites'));
    if (!types.length || !uris.length || !suites.length) {
      warn(warnings, { file, line, message: 'apt source paragraph needs Types, URIs and Suites' });
      continue;
    }
    const components = words(fields.get('components'));
    const architectures = words(fields.get('architectures'));
    // Every type with every URI and suite: stop at `max` rather than build the whole product.
    for (const type of types)
      for (const uri of uris)
        for (const suite of suites) {
          if (sources.length >= max) return sources;
          const source: AptSource = { type, uri, suite, components, file, line };
          if (architectures.length) source.architectures = architectures;
          sources.push(source);
        }
  }
  return sources;
}

/** `/etc/apk/repositories`: one URL per line, `#` comments, optional `@tag ` prefix. */
export function parseApkRepositories(text: string, file: string, warnings: Warnings = [], max = MAX_IMAGE_SOURCES): ApkRepository[] {
  const repos: ApkRepository[] = [];
  text.split('\n').forEach((raw, i) => {
    if (repos.length >= max) return;
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const m = /^(?:@(\S+)\s+)?(\S+)$/.exec(line);
    if (!m) return void warn(warnings, { file, line: i + 1, message: `not an apk repository line: ${quoted(line)}` });
    const repo: ApkRepository = { url: m[2]!, file, line: i + 1 };
    if (m[1]) repo.tag = m[1];
    repos.push(repo);
  });
  return repos;
}

/** Builds OsInfo from files read out of the image. */
export function osInfoFromFiles(image: ImageFiles): OsInfo {
  const text = (path: string): string | undefined => fileContent(image, path)?.toString('utf8');
  const osRelease = parseOsRelease(text('/etc/os-release') ?? text('/usr/lib/os-release') ?? '');
  const info: OsInfo = {
    distro: osRelease.ID ?? null,
    idLike: words(osRelease.ID_LIKE),
    release: osRelease.VERSION_ID ?? null,
    codename: osRelease.VERSION_CODENAME ?? null,
    aptSources: [],
    apkRepositories: [],
    warnings: [],
  };
  const listFiles = ['/etc/apt/sources.list', ...sortedPaths(image, '/etc/apt/sources.list.d/', '.list')];
  const room = () => MAX_IMAGE_SOURCES - info.aptSources.length;
  for (const path of listFiles) {
    const body = text(path);
    if (body !== undefined) info.aptSources.push(...parseSourcesList(body, path, info.warnings, room()));
  }
  for (const path of sortedPaths(image, '/etc/apt/sources.list.d/', '.sources')) {
    info.aptSources.push(...parseDeb822Sources(text(path) ?? '', path, info.warnings, room()));
  }
  const apk = text('/etc/apk/repositories');
  if (apk !== undefined) info.apkRepositories = parseApkRepositories(apk, '/etc/apk/repositories', info.warnings);
  if (info.aptSources.length >= MAX_IMAGE_SOURCES || info.apkRepositories.length >= MAX_IMAGE_SOURCES) {
    warn(info.warnings, { file: '', line: 0, message: `only the first ${MAX_IMAGE_SOURCES} package sources of the image are read` });
  }
  return info;
}

function sortedPaths(image: ImageFiles, dir: string, suffix: string): string[] {
  return [...image.files.keys()].filter((p) => p.startsWith(dir) && p.endsWith(suffix)).sort();
}

/** Where OsInfo is kept between scans. A manifest digest never changes content, so no expiry is needed. */
export interface OsInfoCache {
  get(manifestDigest: string): Promise<OsInfo | undefined>;
  set(manifestDigest: string, info: OsInfo): Promise<void>;
  /** The cached info, or `load()`'s answer stored; concurrent callers (in any worker, for a shared cache) load once. */
  getOrLoad?(manifestDigest: string, load: () => Promise<OsInfo>): Promise<OsInfo>;
}

/** An in-process cache that forgets the least recently used entries beyond `maxEntries`. */
export class MemoryOsInfoCache implements OsInfoCache {
  private entries = new Map<string, OsInfo>();
  constructor(private readonly maxEntries = 500) {}

  async get(digest: string): Promise<OsInfo | undefined> {
    const info = this.entries.get(digest);
    if (info) {
      this.entries.delete(digest);
      this.entries.set(digest, info);
    }
    return info;
  }

  async set(digest: string, info: OsInfo): Promise<void> {
    this.entries.delete(digest);
    this.entries.set(digest, info);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

export interface ReadOsInfoOptions {
  /** Digest of the platform manifest the layers belong to (the cache key). */
  manifestDigest: string;
  layers: LayerBlob[];
  openLayer: OpenLayer;
  cache?: OsInfoCache;
  limits?: ReadLimits;
}

const SMALL_FILE_LIMITS: ReadLimits = { maxFileBytes: 256 * 1024, maxTotalBytes: 2 * 1024 ** 3 };

/** Reads (or recalls) the OsInfo of one platform image. Mirrors are as the image lists them. */
export async function readOsInfo(opts: ReadOsInfoOptions): Promise<OsInfo> {
  const { cache } = opts;
  if (cache?.getOrLoad) return cache.getOrLoad(opts.manifestDigest, () => readFromLayers(opts));
  const cached = await cache?.get(opts.manifestDigest);
  if (cached) return cached;
  const info = await readFromLayers(opts);
  await cache?.set(opts.manifestDigest, info);
  return info;
}

async function readFromLayers(opts: ReadOsInfoOptions): Promise<OsInfo> {
  const image = await readImageFiles(opts.layers, opts.openLayer, OS_INFO_FILES, opts.limits ?? SMALL_FILE_LIMITS);
  const info = osInfoFromFiles(image);
  for (const s of image.skipped) warn(info.warnings, { file: s.path, line: 0, message: `skipped: ${s.reason}` });
  return info;
}

/**
 * Applies the config's `osMirrors` mapping: each key is a URL prefix as the image writes it, each
 * value the prefix to use instead (e.g. an internal mirror). The longest matching prefix wins.
 */
export function applyOsMirrors(info: OsInfo, mirrors: Record<string, string> | undefined): OsInfo {
  if (!mirrors || Object.keys(mirrors).length === 0) return info;
  const prefixes = Object.keys(mirrors).sort((a, b) => b.length - a.length);
  const map = (url: string): string => {
    const key = prefixes.find((p) => stripSlash(url) === stripSlash(p) || url.startsWith(p.endsWith('/') ? p : p + '/'));
    return key === undefined ? url : stripSlash(mirrors[key]!) + url.slice(stripSlash(key).length);
  };
  return {
    ...info,
    aptSources: info.aptSources.map((s) => ({ ...s, uri: map(s.uri) })),
    apkRepositories: info.apkRepositories.map((r) => ({ ...r, url: map(r.url) })),
  };
}

const stripSlash = (url: string): string => url.replace(/\/+$/, '');
