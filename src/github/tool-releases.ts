// The tool-release port on GitHub: releases and tags read with the installation's client, public repositories only, cached once per fleet in Redis.
import type { Redis } from 'ioredis';
import { releasesFromJson, tagsFromJson, type GitHubReleaseSource } from '../datasources/github-releases/index.js';
import type { GitHub } from './types.js';

export interface ToolReleasesCacheOptions {
  /** How long a repository's releases and tags stay cached (default 1 hour). */
  ttlSeconds?: number;
  keyPrefix?: string;
}

function isNotFound(err: unknown): boolean {
  const status = (err as { status?: unknown }).status;
  return status === 404 || status === 451;
}

/**
 * Only public repositories are read: a tool's versions and checksums end up in a PR that anyone
 * with read access to the scanned repository sees, and the answer is the same for every
 * installation, so one read serves the fleet. A private or unknown repository is a located error.
 */
export function githubToolReleases(gh: GitHub, redis: Redis, options: ToolReleasesCacheOptions = {}): GitHubReleaseSource {
  const ttl = options.ttlSeconds ?? 3600;
  const prefix = options.keyPrefix ?? 'tool-releases';

  async function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = await redis.get(`${prefix}:${key}`);
    if (hit !== null) return JSON.parse(hit) as T;
    const value = await load();
    await redis.set(`${prefix}:${key}`, JSON.stringify(value), 'EX', ttl);
    return value;
  }

  async function requirePublic(owner: string, repo: string): Promise<void> {
    const visibility = await cached(`repo:${owner}/${repo}`.toLowerCase(), async () => {
      try {
        const { data } = await gh.rest.repos.get({ owner, repo });
        return data.private || data.visibility === 'internal' ? 'not-public' : 'public';
      } catch (err) {
        if (isNotFound(err)) return 'not-public';
        throw err;
      }
    });
    if (visibility !== 'public') throw new Error(`${owner}/${repo} is not a public GitHub repository; Freshen reads tool releases only from public ones`);
  }

  return {
    async listReleases(owner, repo) {
      await requirePublic(owner, repo);
      return cached(`releases:${owner}/${repo}`.toLowerCase(), async () => {
        const { data } = await gh.rest.repos.listReleases({ owner, repo, per_page: 100 });
        return releasesFromJson(data);
      });
    },
    async listTags(owner, repo) {
      await requirePublic(owner, repo);
      return cached(`tags:${owner}/${repo}`.toLowerCase(), async () => {
        const { data } = await gh.rest.repos.listTags({ owner, repo, per_page: 100 });
        return tagsFromJson(data);
      });
    },
  };
}
