// GitHub releases (with their assets) and tags of a repository, behind a port: the app answers with the installation's client, the CLI anonymously.
import type { HttpClient } from '../../http/index.js';

export interface GitHubReleaseAsset {
  name: string;
  /** Where the asset's bytes are served (`browser_download_url`). */
  downloadUrl: string;
  size: number;
  /** GitHub's id of the asset (`GET /repos/{owner}/{repo}/releases/assets/{id}`), when the answer had one. */
  id?: number;
}

export interface GitHubRelease {
  tag: string;
  draft: boolean;
  prerelease: boolean;
  publishedAt: string | null;
  url: string | null;
  assets: GitHubReleaseAsset[];
  /** Set by a port that read a non-public repository: its assets cannot be fetched anonymously, only through `downloadAsset`. */
  private?: { owner: string; repo: string };
}

/** Read access to public (or, in the app, the installation's) repositories' releases and tags. */
export interface GitHubReleaseSource {
  /** The newest releases first (the first 100); [] when the repository is unknown or unreadable. */
  listReleases(owner: string, repo: string): Promise<GitHubRelease[]>;
  /** Tag names (the first 100 as GitHub lists them); [] when the repository is unknown or unreadable. */
  listTags(owner: string, repo: string): Promise<string[]>;
  /** The bytes of a release asset, read with the port's own client (private releases); throws when it cannot be had. */
  downloadAsset?(owner: string, repo: string, asset: GitHubReleaseAsset): Promise<AsyncIterable<Uint8Array>>;
}

export const PUBLIC_GITHUB_API = 'https://api.github.com';
const MAX_LIST_BYTES = 8 * 1024 * 1024;

/** What GitHub's REST answer holds, reduced to what Freshen reads; anything malformed is dropped. */
export function releasesFromJson(data: unknown): GitHubRelease[] {
  if (!Array.isArray(data)) throw new Error('the releases answer is not a list');
  return data.flatMap((r: Record<string, unknown>) => {
    if (typeof r?.tag_name !== 'string') return [];
    const assets = Array.isArray(r.assets) ? r.assets : [];
    return [{
      tag: r.tag_name,
      draft: r.draft === true,
      prerelease: r.prerelease === true,
      publishedAt: typeof r.published_at === 'string' ? r.published_at : null,
      url: typeof r.html_url === 'string' ? r.html_url : null,
      assets: assets.flatMap((a: Record<string, unknown>) =>
        typeof a?.name === 'string' && typeof a.browser_download_url === 'string'
          ? [{ name: a.name, downloadUrl: a.browser_download_url, size: typeof a.size === 'number' ? a.size : 0, ...(typeof a.id === 'number' ? { id: a.id } : {}) }]
          : [],
      ),
    }];
  });
}

export function tagsFromJson(data: unknown): string[] {
  if (!Array.isArray(data)) throw new Error('the tags answer is not a list');
  return data.flatMap((t: Record<string, unknown>) => (typeof t?.name === 'string' ? [t.name] : []));
}

/** Anonymous REST reads against `apiBase` (the public API, or a GitHub Enterprise / test server). */
export function anonymousGitHubReleases(http: Pick<HttpClient, 'request'>, apiBase = PUBLIC_GITHUB_API): GitHubReleaseSource {
  const base = apiBase.replace(/\/+$/, '');
  async function list(owner: string, repo: string, what: 'releases' | 'tags'): Promise<unknown> {
    const url = `${base}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/${what}?per_page=100`;
    const res = await http.request(url, { headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' } });
    if (res.status === 404 || res.status === 451) return [];
    if (res.status !== 200) throw new Error(`GitHub answered ${res.status} to the ${what} of ${owner}/${repo}`);
    if (res.body.length > MAX_LIST_BYTES) throw new Error(`the ${what} of ${owner}/${repo} are larger than ${MAX_LIST_BYTES} bytes`);
    try {
      return JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new Error(`GitHub's answer for the ${what} of ${owner}/${repo} is not JSON`);
    }
  }
  return {
    listReleases: async (owner, repo) => releasesFromJson(await list(owner, repo, 'releases')),
    listTags: async (owner, repo) => tagsFromJson(await list(owner, repo, 'tags')),
  };
}
