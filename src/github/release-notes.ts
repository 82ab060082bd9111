// The release-notes port on GitHub: releases and changelogs read with the installation's client, cached in Redis;
// a private source's notes stay in its installation and reach only private repositories of the same owner.
import type { Redis } from 'ioredis';
import type { ReleaseNotesSource } from '../engine/language/index.js';
import type { GitHub, RepoRef } from './types.js';

export interface ReleaseNotesCacheOptions {
  /** How long a package repository's releases and changelog stay cached (default 6 hours). */
  ttlSeconds?: number;
  /** How long what a repository is (public or not, whose) stays cached (default: the notes' TTL, at most 1 hour). */
  visibilityTtlSeconds?: number;
  keyPrefix?: string;
}

/** What the installation sees of a repository: `unreadable` when GitHub answers 404 to it. */
export interface RepositoryFacts {
  visibility: 'public' | 'internal' | 'private' | 'unreadable';
  /** The owner's login as GitHub has it now (lowercase), or null when unreadable. */
  owner: string | null;
}

function isNotFound(err: unknown): boolean {
  const status = (err as { status?: unknown }).status;
  return status === 404 || status === 451;
}

/**
 * Where the notes of `source` may be cached and whether they may be pasted into a PR of `target`:
 * `public` (shared by every installation), `installation` (kept to it), or null (not read at all).
 * A non-public source needs the same owner as the target, and a target no wider than the source:
 * private notes go only into private repositories, internal ones into internal or private ones.
 */
export function notesScope(source: RepositoryFacts, target: RepositoryFacts): 'public' | 'installation' | null {
  if (source.visibility === 'public') return 'public';
  if (source.visibility === 'unreadable' || source.owner === null || source.owner !== target.owner) return null;
  if (target.visibility === 'private') return 'installation';
  if (target.visibility === 'internal' && source.visibility === 'internal') return 'installation';
  return null;
}

/**
 * What the installation sees of `owner/repo`, cached under `prefix`: a public answer is the same for
 * every installation and shared by them; any other answer is this installation's own.
 */
export async function repositoryFacts(
  gh: GitHub,
  redis: Redis,
  cache: { prefix: string; installationId: number; ttlSeconds: number },
  owner: string,
  repo: string,
): Promise<RepositoryFacts> {
  const name = `${owner}/${repo}`.toLowerCase();
  const shared = await redis.get(`${cache.prefix}:repo:public:${name}`);
  if (shared !== null) return JSON.parse(shared) as RepositoryFacts;
  const own = `${cache.prefix}:repo:installation:${cache.installationId}:${name}`;
  const hit = await redis.get(own);
  if (hit !== null) return JSON.parse(hit) as RepositoryFacts;
  let facts: RepositoryFacts;
  try {
    const { data } = await gh.rest.repos.get({ owner, repo });
    const visibility = data.visibility === 'internal' ? 'internal' : data.private ? 'private' : 'public';
    facts = { visibility, owner: data.owner.login.toLowerCase() };
  } catch (err) {
    if (!isNotFound(err)) throw err;
    facts = { visibility: 'unreadable', owner: null };
  }
  const key = facts.visibility === 'public' ? `${cache.prefix}:repo:public:${name}` : own;
  await redis.set(key, JSON.stringify(facts), 'EX', cache.ttlSeconds);
  return facts;
}

export function githubReleaseNotesSource(gh: GitHub, redis: Redis, target: RepoRef, options: ReleaseNotesCacheOptions = {}): ReleaseNotesSource {
  const ttl = options.ttlSeconds ?? 6 * 3600;
  const factsTtl = options.visibilityTtlSeconds ?? Math.min(ttl, 3600);
  const prefix = options.keyPrefix ?? 'release-notes';
  const installation = `installation:${target.installationId}`;

  async function cached<T>(key: string, seconds: number, load: () => Promise<T>): Promise<T> {
    const hit = await redis.get(`${prefix}:${key}`);
    if (hit !== null) return JSON.parse(hit) as T;
    const value = await load();
    await redis.set(`${prefix}:${key}`, JSON.stringify(value), 'EX', seconds);
    return value;
  }

  const factsOf = (owner: string, repo: string) => repositoryFacts(gh, redis, { prefix, installationId: target.installationId, ttlSeconds: factsTtl }, owner, repo);

  /** The cache key's scope for the source's notes, or null when this repository may not have them. */
  async function scopeOf(owner: string, repo: string): Promise<string | null> {
    const source = await factsOf(owner, repo);
    if (source.visibility === 'public') return 'public';
    const scope = notesScope(source, await factsOf(target.owner, target.repo));
    return scope === null ? null : installation;
  }

  return {
    async listReleases(owner, repo) {
      const scope = await scopeOf(owner, repo);
      if (scope === null) return [];
      return cached(`${scope}:releases:${owner}/${repo}`.toLowerCase(), ttl, async () => {
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
    async readFile(owner, repo, path) {
      const scope = await scopeOf(owner, repo);
      if (scope === null) return null;
      return cached(`${scope}:file:${owner}/${repo}:${path}`.toLowerCase(), ttl, async () => {
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
