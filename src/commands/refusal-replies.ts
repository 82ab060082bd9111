// One refusal reply per person per repository per hour: after it, a refused command only gets a reaction.
import type { Redis } from 'ioredis';

export const REFUSAL_REPLY_WINDOW_SECONDS = 3600;

export class RefusalReplies {
  private readonly prefix: string;
  private readonly windowSeconds: number;

  constructor(
    private readonly redis: Redis,
    options: { prefix?: string; windowSeconds?: number } = {},
  ) {
    this.prefix = options.prefix ?? 'freshen:';
    this.windowSeconds = options.windowSeconds ?? REFUSAL_REPLY_WINDOW_SECONDS;
  }

  /** True for the first refusal of `login` in the repository this window (the caller replies); false after it. */
  async first(repoId: number, login: string): Promise<boolean> {
    const key = `${this.prefix}refused:${repoId}:${login.toLowerCase()}`;
    return (await this.redis.set(key, '1', 'EX', this.windowSeconds, 'NX')) === 'OK';
  }
}
