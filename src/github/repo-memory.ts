// What Freshen remembers per repository in Redis: declined targets, its own commits, notices given.
import type { Redis } from 'ioredis';

// Keys are relative: the connection carries the deployment's prefix (ioredis keyPrefix).
const PREFIX = 'mem';
/** Remembered commits expire after a while; a branch head older than that is treated as foreign. */
const COMMIT_TTL_SECONDS = 180 * 24 * 3600;

export interface DeclinableUpdate {
  depName: string;
  newValue: string | null;
  newDigest: string | null;
}

export class RepoMemory {
  constructor(
    private readonly redis: Redis,
    private readonly repoId: number,
  ) {}

  private key(kind: string): string {
    return `${PREFIX}:${kind}:${this.repoId}`;
  }

  static targetKey(update: DeclinableUpdate): string {
    return `${update.depName}|${update.newValue ?? ''}|${update.newDigest ?? ''}`;
  }

  /** A PR closed unmerged: these exact targets are not proposed again. */
  async decline(updates: DeclinableUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    await this.redis.sadd(this.key('declined'), ...updates.map(RepoMemory.targetKey));
  }

  async declinedTargets(): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.key('declined')));
  }

  /** Called after a commit exists and before any ref points at it. */
  async rememberCommit(sha: string): Promise<void> {
    const key = this.key('commits');
    await this.redis.multi().sadd(key, sha).expire(key, COMMIT_TTL_SECONDS).exec();
  }

  async isOwnCommit(sha: string): Promise<boolean> {
    return (await this.redis.sismember(this.key('commits'), sha)) === 1;
  }

  /** Returns true the first time only: "say so once". */
  async firstNotice(topic: string): Promise<boolean> {
    return (await this.redis.sadd(this.key('notices'), topic)) === 1;
  }

  async setStatusIssue(number: number): Promise<void> {
    await this.redis.set(this.key('status-issue'), String(number));
  }

  async statusIssue(): Promise<number | null> {
    const value = await this.redis.get(this.key('status-issue'));
    return value ? Number(value) : null;
  }

  async clearStatusIssue(): Promise<void> {
    await this.redis.del(this.key('status-issue'));
  }

  /** `/rebuild` on a Freshen PR: the next scan rewrites that PR's branch even if nothing changed. */
  async requestRegenerate(prNumber: number): Promise<void> {
    await this.redis.sadd(this.key('regenerate'), String(prNumber));
  }

  async regenerateRequests(): Promise<Set<number>> {
    return new Set((await this.redis.smembers(this.key('regenerate'))).map(Number));
  }

  async clearRegenerateRequests(prNumbers: Iterable<number>): Promise<void> {
    const members = [...prNumbers].map(String);
    if (members.length > 0) await this.redis.srem(this.key('regenerate'), ...members);
  }

  async hasNotice(topic: string): Promise<boolean> {
    return (await this.redis.sismember(this.key('notices'), topic)) === 1;
  }

  async forgetNotice(topic: string): Promise<void> {
    await this.redis.srem(this.key('notices'), topic);
  }
}
