// The tool-release port on GitHub: releases, tags and private release assets read with the installation's client;
// a public repository's answer cached once per fleet, a private one's kept to the installation and only for repositories release notes may reach.
import type { Redis } from 'ioredis';
import { releasesFromJson, tagsFromJson, type GitHubRelease, type GitHubReleaseSource } from '../datasources/github-releases/index.js';
import { notesScope, repositoryFacts } from './release-notes.js';
import type { GitHub, RepoRef } from './types.js';

export interface ToolReleasesCacheOptions {
  /** How long a repository's releases and tags stay cached (default 1 hour). */
  ttlSeconds?: number;
  keyPrefix?: string;
}

/**
 * A tool's versions and checksums end up in a PR of `target` that anyone who reads `target` sees.
 * A public source's answer is the same for every installation, so one read serves the fleet. A
 * private or internal source is read only under the rule release notes follow (`notesScope`: same
 * owner, and a target no wider than the source) and its answer is cached for this installation only.
 * Anything else is a located error that says why.
 */
export function githubToolReleases(gh: GitHub, redis: Redis, target: RepoRef, options: ToolReleasesCacheOptions = {}): Required<GitHubReleaseSource> {
  const ttl = options.ttlSeconds ?? 3600;
  const prefix = options.keyPrefix ?? 'tool-releases';
  const cache = { prefix, installationId: target.installationId, ttlSeconds: Math.min(ttl, 3600) };
  const installation = `installation:${target.installationId}`;

  async function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = await redis.get(`${prefix}:${key}`);
    if (hit !== null) return JSON.parse(hit) as T;
    const value = await load();
    await redis.set(`${prefix}:${key}`, JSON.stringify(value), 'EX', ttl);
    return value;
  }

  /** The cache key's scope for `owner/repo`'s releases (null: the fleet's), or why this target may not have them. */
  async function scopeOf(owner: string, repo: string): Promise<string | null> {
    const source = await repositoryFacts(gh, redis, cache, owner, repo);
    if (source.visibility === 'public') return null;
    const name = `${owner}/${repo}`;
    const into = `${target.owner}/${target.repo}`;
    if (source.visibility === 'unreadable') throw new Error(`${name} is not a GitHub repository this installation can read`);
    const facts = await repositoryFacts(gh, redis, cache, target.owner, target.repo);
    if (notesScope(source, facts) !== null) return installation;
    if (source.owner !== facts.owner) {
      throw new Error(`${name} is ${source.visibility} and ${into} belongs to another owner; Freshen puts a non-public tool's versions only into repositories of the same owner`);
    }
    throw new Error(
      `${name} is ${source.visibility} and ${into} is ${facts.visibility}; Freshen puts a private tool's versions only into private repositories of the same owner (an internal one's also into internal ones)`,
    );
  }

  const keyOf = (scope: string | null, what: string, owner: string, repo: string) => `${scope ? `${scope}:` : ''}${what}:${owner}/${repo}`.toLowerCase();

  return {
    async listReleases(owner, repo) {
      const scope = await scopeOf(owner, repo);
      return cached(keyOf(scope, 'releases', owner, repo), async (): Promise<GitHubRelease[]> => {
        const { data } = await gh.rest.repos.listReleases({ owner, repo, per_page: 100 });
        const releases = releasesFromJson(data);
        return scope ? releases.map((r) => ({ ...r, private: { owner, repo } })) : releases;
      });
    },
    async listTags(owner, repo) {
      const scope = await scopeOf(owner, repo);
      return cached(keyOf(scope, 'tags', owner, repo), async () => {
        const { data } = await gh.rest.repos.listTags({ owner, repo, per_page: 100 });
        return tagsFromJson(data);
      });
    },
    async downloadAsset(owner, repo, asset) {
      await scopeOf(owner, repo);
      if (asset.id === undefined) throw new Error(`${asset.name} of ${owner}/${repo} has no asset id to download it by`);
      // Unparsed, so the caller's size cap holds while the bytes arrive.
      const res = await gh.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
        owner,
        repo,
        asset_id: asset.id,
        headers: { accept: 'application/octet-stream' },
        request: { parseSuccessResponseBody: false },
      });
      const body = res.data as unknown as ReadableStream<Uint8Array> | null;
      if (!body) throw new Error(`GitHub sent no bytes for ${asset.name} of ${owner}/${repo}`);
      return body;
    },
  };
}
