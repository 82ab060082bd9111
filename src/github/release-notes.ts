// The release-notes port on GitHub: releases and changelog files through the app's client, cached in Redis across repositories.
import type { Redis } from 'ioredis';
import type { ReleaseNotesSource } from '../engine/language/index.js';
import type { GitHub } from './types.js';

export interface ReleaseNotesCacheOptions {
  /** How long a package repository's releases and changelog stay cached (default 6 hours). */
  ttlSeconds?: number;
  keyPrefix?: string;
}

function isNotFound(err: unknown): boolean {
  const status = (err as { status?: unknown }).status;
  return status === 404 || status === 451;
}

export function githubReleaseNotesSource(gh: GitHub, redis: Redis, options: ReleaseNotesCacheOptions = {}): ReleaseNotesSource {
  const ttl = options.ttlSeconds ?? 6 * 3600;
  const prefix = options.keyPrefix ?? 'release-notes';

  async function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = await redis.get(`${prefix}:${key}`);
    if (hit !== null) return JSON.parse(hit) as T;
    const value = await load();
    await redis.set(`${prefix}:${key}`, JSON.stringify(value), 'EX', ttl);
    return value;
  }

  return {
    listReleases(owner, repo) {
      return cached(`releases:${owner}/${repo}`.toLowerCase(), async () => {
        try {
          const { data } = await gh.rest.repos.listReleases({ owner, repo, per_page: 100 });
          return data
            .filter((r) => !r.draft)
            .map((r) => ({ tag: r.tag_name, name: r.name ?? null, body: r.body ?? null, url: r.html_url }));
        } catch (err) {
          if (isNotFound(err)) return [];
          throw err;
        }
      });
    },
    readFile(owner, repo, path) {
      return cached(`file:${owner}/${repo}:${path}`.toLowerCase(), async () => {
        try {
          const { data } = await gh.rest.repos.getContent({ owner, repo, path });
          if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return null;
          return Buffer.from(data.content, 'base64').toString('utf8');
        } catch (err) {
          if (isNotFound(err)) return null;
          throw err;
        }
      });
    },
  };
}
