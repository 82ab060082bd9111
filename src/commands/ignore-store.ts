// Dependencies (and versions) people told Freshen to ignore with `/freshen ignore`, kept per repository in Redis.
import type { Redis } from 'ioredis';
import { minimatch } from 'minimatch';

export interface IgnoreEntry {
  /** As the person wrote it: `node`, `docker.io/library/node`, `lodash`, `ghcr.io/org/*`. */
  dependency: string;
  /** A version (or version prefix: `22` covers `22.1.0` and `22-alpine`); null ignores every version. */
  version: string | null;
  by: string;
  at: string;
}

export class IgnoreStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    options: { prefix?: string } = {},
  ) {
    this.prefix = options.prefix ?? 'freshen:';
  }

  private key(repoId: number): string {
    return `${this.prefix}ignore:${repoId}`;
  }

  /** Returns false when the same dependency and version were already ignored. */
  async ignore(repoId: number, entry: IgnoreEntry): Promise<boolean> {
    const field = `${entry.dependency}\n${entry.version ?? ''}`;
    return (await this.redis.hset(this.key(repoId), field, JSON.stringify(entry))) === 1;
  }

  /** Removes every ignore of that dependency; returns how many there were. */
  async unignore(repoId: number, dependency: string): Promise<number> {
    const fields = await this.redis.hkeys(this.key(repoId));
    const mine = fields.filter((f) => f.split('\n')[0] === dependency);
    return mine.length === 0 ? 0 : this.redis.hdel(this.key(repoId), ...mine);
  }

  async list(repoId: number): Promise<IgnoreEntry[]> {
    const raw = await this.redis.hvals(this.key(repoId));
    return raw
      .map((json) => JSON.parse(json) as IgnoreEntry)
      .sort((a, b) => a.dependency.localeCompare(b.dependency) || (a.version ?? '').localeCompare(b.version ?? ''));
  }
}

/** Whole-dependency ignores, in the form the scan's `ignore` option takes. */
export function ignoredDependencyNames(entries: readonly IgnoreEntry[]): string[] {
  return entries.filter((e) => e.version === null).map((e) => e.dependency);
}

function nameMatches(pattern: string, depName: string): boolean {
  const short = depName.replace(/^docker\.io\/(library\/)?/, '');
  return [depName, short].some((name) => name === pattern || minimatch(name, pattern));
}

function versionMatches(ignored: string, proposed: string | null): boolean {
  if (proposed === null) return false;
  if (proposed === ignored) return true;
  // A prefix ends at a boundary: `22` covers `22.1.0` and `22-alpine`, not `220`.
  return proposed.startsWith(ignored) && /^[.\-+_~]/.test(proposed.slice(ignored.length));
}

/** True when a proposed update targets an ignored dependency or version. */
export function isUpdateIgnored(update: { depName: string; newValue: string | null }, entries: readonly IgnoreEntry[]): boolean {
  return entries.some(
    (e) => nameMatches(e.dependency, update.depName) && (e.version === null || versionMatches(e.version, update.newValue)),
  );
}
