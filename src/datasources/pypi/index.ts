// PyPI-compatible indexes: releases, yanked flags, upload times and file hashes (JSON API, else the PEP 691 simple API).
import type { HttpClient } from '../../http/index.js';

/** PEP 503 project name normalization (kept here: datasources do not import managers). */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export const DEFAULT_INDEX_URL = 'https://pypi.org/simple';

export interface PypiFile {
  filename: string;
  /** `sha256:<hex>`, as `--hash` writes it. */
  hash: string;
}

export interface PypiRelease {
  version: string;
  yanked: boolean;
  publishedAt?: string;
  files: PypiFile[];
}

export interface PypiProject {
  name: string;
  releases: PypiRelease[];
  /** The source repository (from `project_urls`: Source, Repository, Code, GitHub, else Homepage on a code host). */
  sourceUrl?: string;
}

export interface PypiDatasource {
  getProject(name: string, indexUrl?: string): Promise<PypiProject>;
}

interface JsonFile {
  filename?: string;
  digests?: { sha256?: string };
  hashes?: { sha256?: string };
  yanked?: boolean | string;
  upload_time_iso_8601?: string;
  'upload-time'?: string;
}

const SOURCE_KEYS = ['source', 'source code', 'repository', 'code', 'github', 'homepage', 'home'];

export function sourceUrlOf(projectUrls: Record<string, unknown> | undefined | null, homePage?: unknown): string | undefined {
  const urls = Object.entries(projectUrls ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const);
  for (const key of SOURCE_KEYS) {
    const found = urls.find(([k, v]) => k === key && typeof v === 'string' && /^https:\/\/(github\.com|gitlab\.com)\//.test(v));
    if (found) return (found[1] as string).replace(/\.git$/, '').replace(/\/$/, '');
  }
  if (typeof homePage === 'string' && /^https:\/\/github\.com\/[^/]+\/[^/]+/.test(homePage)) return homePage.replace(/\/$/, '');
  return undefined;
}

function fileOf(file: JsonFile): PypiFile | null {
  const sha = file.digests?.sha256 ?? file.hashes?.sha256;
  if (!file.filename || !sha) return null;
  return { filename: file.filename, hash: `sha256:${sha}` };
}

function releaseOf(version: string, files: JsonFile[]): PypiRelease {
  const times = files.map((f) => f.upload_time_iso_8601 ?? f['upload-time']).filter((t): t is string => !!t).sort();
  return {
    version,
    // A release counts as yanked when every one of its files is.
    yanked: files.length > 0 && files.every((f) => f.yanked !== undefined && f.yanked !== false),
    ...(times[0] ? { publishedAt: times[0] } : {}),
    files: files.map(fileOf).filter((f): f is PypiFile => f !== null).sort((a, b) => a.filename.localeCompare(b.filename)),
  };
}

/** The version in a distribution file name: `pkg-1.2.tar.gz`, `pkg-1.2-py3-none-any.whl`. */
export function versionFromFilename(filename: string, project: string): string | null {
  // File names are at most 255 bytes on any file system; a longer one from an index is no distribution.
  if (filename.length > 255) return null;
  const base = filename.replace(/\.(tar\.gz|tar\.bz2|zip|whl|egg)$/, '');
  if (filename.endsWith('.whl') || filename.endsWith('.egg')) return base.split('-')[1] ?? null;
  const normalized = normalizeName(project);
  for (let i = base.indexOf('-'); i !== -1; i = base.indexOf('-', i + 1)) {
    if (normalizeName(base.slice(0, i)) === normalized) return base.slice(i + 1);
  }
  return null;
}

function indexBase(indexUrl: string): string {
  return indexUrl.replace(/\/+$/, '');
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * `https://user:token@host/simple` → the URL without them and the Basic header they stand for, as
 * pip sends it. The header goes only to that URL's origin: the HTTP client drops it on a redirect elsewhere.
 */
export function indexCredentials(indexUrl: string): { index: string; authorization?: string } {
  let url: URL;
  try {
    url = new URL(indexUrl);
  } catch {
    return { index: indexUrl };
  }
  if (url.username === '' && url.password === '') return { index: indexUrl };
  const userPass = `${percentDecoded(url.username)}:${percentDecoded(url.password)}`;
  url.username = '';
  url.password = '';
  return { index: url.href, authorization: `Basic ${Buffer.from(userPass).toString('base64')}` };
}

export function createPypiDatasource(options: { http: HttpClient; defaultIndexUrl?: string }): PypiDatasource {
  const { http } = options;

  async function fromJsonApi(name: string, index: string, auth: Record<string, string>): Promise<PypiProject | null> {
    const url = `${index.replace(/\/simple$/, '')}/pypi/${encodeURIComponent(name)}/json`;
    const res = await http.request(url, { headers: { accept: 'application/json', ...auth } });
    if (res.status === 404) return null;
    if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
    const doc = JSON.parse(res.body.toString('utf8')) as { info?: { name?: string; project_urls?: Record<string, unknown>; home_page?: unknown }; releases?: Record<string, JsonFile[]> };
    const sourceUrl = sourceUrlOf(doc.info?.project_urls, doc.info?.home_page);
    return {
      name: doc.info?.name ?? name,
      releases: Object.entries(doc.releases ?? {}).map(([version, files]) => releaseOf(version, files)),
      ...(sourceUrl ? { sourceUrl } : {}),
    };
  }

  async function fromSimpleApi(name: string, index: string, auth: Record<string, string>): Promise<PypiProject> {
    const url = `${index}/${normalizeName(name)}/`;
    const res = await http.request(url, { headers: { accept: 'application/vnd.pypi.simple.v1+json', ...auth } });
    if (res.status === 404) throw new Error(`${name}: not found on ${new URL(url).host}`);
    if (res.status !== 200 || !res.headers['content-type']?.includes('json')) throw new Error(`${url}: HTTP ${res.status}, no PEP 691 JSON answer`);
    const doc = JSON.parse(res.body.toString('utf8')) as { name?: string; files?: JsonFile[] };
    const byVersion = new Map<string, JsonFile[]>();
    for (const file of doc.files ?? []) {
      const version = file.filename ? versionFromFilename(file.filename, name) : null;
      if (!version) continue;
      const files = byVersion.get(version);
      if (files) files.push(file);
      else byVersion.set(version, [file]);
    }
    return { name: doc.name ?? name, releases: [...byVersion].map(([version, files]) => releaseOf(version, files)) };
  }

  return {
    async getProject(name, indexUrl) {
      // Without user:password in the URL we request, messages naming it never carry them.
      const { index, authorization } = indexCredentials(indexUrl ?? options.defaultIndexUrl ?? DEFAULT_INDEX_URL);
      const auth: Record<string, string> = authorization ? { authorization } : {};
      return (await fromJsonApi(name, indexBase(index), auth)) ?? fromSimpleApi(name, indexBase(index), auth);
    },
  };
}
