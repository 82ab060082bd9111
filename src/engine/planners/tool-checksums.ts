// The checksum of a tool's download for a new version: from the publisher's checksum file, else by hashing the download.
import { createHash } from 'node:crypto';
import type { GitHubRelease, GitHubReleaseAsset, GitHubReleaseSource } from '../../datasources/github-releases/index.js';
import type { HttpClient } from '../../http/index.js';
import type { ChecksumAlgorithm } from '../../managers/dockerfile-tools/index.js';

export interface ChecksumOptions {
  http: Pick<HttpClient, 'request' | 'stream'>;
  /** Reads the assets of releases the port marked private (they are not served anonymously). */
  github?: Pick<GitHubReleaseSource, 'downloadAsset'>;
  /** Largest download hashed (default 512 MiB). */
  maxAssetBytes?: number;
}

export interface FoundChecksum {
  hex: string;
  /** Where it came from, for the PR: `SHA256SUMS of the release`, `hashing gosu-amd64`. */
  via: string;
}

const MAX_LIST_BYTES = 1024 * 1024;
export const DEFAULT_MAX_ASSET_BYTES = 512 * 1024 * 1024;

/** Checksum files by what they are called: the lists one download serves every architecture from, then the asset's own. */
function checksumFileNames(asset: string, algorithm: ChecksumAlgorithm): string[] {
  const bits = algorithm === 'sha256' ? '256' : '512';
  return [`SHA${bits}SUMS`, `SHASUMS${bits}.txt`, `sha${bits}sums.txt`, 'checksums.txt', `${asset}.${algorithm}`, `${asset}.${algorithm}sum`];
}

/** The hex for `asset` in a checksum list (`<hex>  name`, `<hex> *name`, BSD `SHA256 (name) = <hex>`, or a lone hex). */
export function checksumInList(text: string, asset: string, algorithm: ChecksumAlgorithm): string | null {
  const length = algorithm === 'sha256' ? 64 : 128;
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  for (const line of lines) {
    const gnu = /^([0-9a-fA-F]+)\s+\*?(\S.*)$/.exec(line);
    const bsd = /^SHA(?:256|512)\s*\((.+)\)\s*=\s*([0-9a-fA-F]+)$/.exec(line);
    const [hex, name] = gnu ? [gnu[1]!, gnu[2]!] : bsd ? [bsd[2]!, bsd[1]!] : [null, null];
    if (hex !== null && name !== null && hex.length === length && (name === asset || name.replace(/^.*\//, '') === asset)) return hex.toLowerCase();
  }
  const lone = lines.length === 1 ? /^([0-9a-fA-F]+)$/.exec(lines[0]!)?.[1] : undefined;
  return lone?.length === length ? lone.toLowerCase() : null;
}

/** Checksums found in one scan, by URL: the per-arch checksums of one release share its SHA256SUMS. */
export class ChecksumFinder {
  private readonly lists = new Map<string, Promise<string | null>>();
  private readonly hashes = new Map<string, Promise<string>>();

  constructor(private readonly options: ChecksumOptions) {}

  /**
   * The checksum of the file at `url`. `release`: the GitHub release it is an asset of, whose
   * checksum assets are read; otherwise the checksum files beside the URL are tried.
   */
  async find(url: string, algorithm: ChecksumAlgorithm, release: GitHubRelease | null): Promise<FoundChecksum> {
    const asset = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    if (!asset) throw new Error(`${url} names no file`);
    const names = checksumFileNames(asset, algorithm);
    if (release) {
      const byName = new Map(release.assets.map((a) => [a.name, a]));
      for (const name of [...names, ...release.assets.map((a) => a.name).filter((n) => /checksums?\.txt$/i.test(n) && !names.includes(n))]) {
        const file = byName.get(name);
        const hex = file ? checksumInList((await this.list(file.downloadUrl, release, file)) ?? '', asset, algorithm) : null;
        if (hex) return { hex, via: `${name} of release ${release.tag}` };
      }
      const own = byName.get(asset);
      if (!own) throw new Error(`release ${release.tag} has no asset ${asset}`);
      return { hex: await this.hash(own.downloadUrl, algorithm, release, own), via: `hashing ${asset} of release ${release.tag}` };
    }
    const dir = url.slice(0, url.lastIndexOf('/') + 1);
    for (const name of names) {
      const text = await this.list(dir + encodeURIComponent(name));
      const hex = text === null ? null : checksumInList(text, asset, algorithm);
      if (hex) return { hex, via: `${name} beside the download` };
    }
    return { hex: await this.hash(url, algorithm), via: `hashing ${asset}` };
  }

  /** A checksum list's text, or null when there is none at that URL (or in that private release). */
  private list(url: string, release?: GitHubRelease, asset?: GitHubReleaseAsset): Promise<string | null> {
    let found = this.lists.get(url);
    if (!found) {
      found = release?.private && asset
        ? this.privateList(release, asset).catch(() => null)
        : this.options.http.request(url, { retries: 1 }).then(
          (res) => (res.status === 200 && res.body.length <= MAX_LIST_BYTES ? res.body.toString('utf8') : null),
          () => null,
        );
      this.lists.set(url, found);
    }
    return found;
  }

  private async privateList(release: GitHubRelease, asset: GitHubReleaseAsset): Promise<string | null> {
    if (asset.size > MAX_LIST_BYTES) return null;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of await this.privateAsset(release, asset)) {
      size += chunk.length;
      if (size > MAX_LIST_BYTES) return null;
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** The bytes of an asset of a private release, through the port's own client. */
  private privateAsset(release: GitHubRelease, asset: GitHubReleaseAsset): Promise<AsyncIterable<Uint8Array>> {
    const { owner, repo } = release.private!;
    const download = this.options.github?.downloadAsset;
    if (!download) return Promise.reject(new Error(`${owner}/${repo} is not public and nothing here can download its release assets`));
    return download.call(this.options.github, owner, repo, asset);
  }

  private hash(url: string, algorithm: ChecksumAlgorithm, release?: GitHubRelease, asset?: GitHubReleaseAsset): Promise<string> {
    const key = `${algorithm} ${url}`;
    let found = this.hashes.get(key);
    if (!found) {
      found = release?.private && asset ? this.hashPrivate(release, asset, algorithm) : this.download(url, algorithm);
      this.hashes.set(key, found);
    }
    return found;
  }

  private async download(url: string, algorithm: ChecksumAlgorithm): Promise<string> {
    const max = this.options.maxAssetBytes ?? DEFAULT_MAX_ASSET_BYTES;
    const res = await this.options.http.stream(url);
    if (res.status !== 200) {
      res.body.destroy();
      throw new Error(`${shown(url)} answered ${res.status}`);
    }
    const declared = Number(res.headers['content-length']);
    if (declared > max) {
      res.body.destroy();
      throw new Error(`${shown(url)} is ${declared} bytes, more than the ${max} Freshen downloads to hash`);
    }
    return hashCapped(res.body as AsyncIterable<Buffer>, algorithm, max, shown(url), () => res.body.destroy());
  }

  private async hashPrivate(release: GitHubRelease, asset: GitHubReleaseAsset, algorithm: ChecksumAlgorithm): Promise<string> {
    const max = this.options.maxAssetBytes ?? DEFAULT_MAX_ASSET_BYTES;
    const what = `${asset.name} of ${release.private!.owner}/${release.private!.repo} ${release.tag}`;
    if (asset.size > max) throw new Error(`${what} is ${asset.size} bytes, more than the ${max} Freshen downloads to hash`);
    return hashCapped(await this.privateAsset(release, asset), algorithm, max, what, () => undefined);
  }
}

/** The hash of a download, stopped (`stop`) and refused once it passes `max` bytes. Leaving the loop early cancels a web stream. */
async function hashCapped(body: AsyncIterable<Uint8Array>, algorithm: ChecksumAlgorithm, max: number, what: string, stop: () => void): Promise<string> {
  const hash = createHash(algorithm);
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      stop();
      throw new Error(`${what} is more than the ${max} bytes Freshen downloads to hash`);
    }
    hash.update(chunk);
  }
  return hash.digest('hex');
}

const shown = (url: string): string => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};
