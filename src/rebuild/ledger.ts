// The rebuild ledger in Redis: per repository and base image, the digest last built, and the dispatches sent.
import type { Redis } from 'ioredis';

/** What the ledger knows was built from one base image. */
export interface BuiltRecord {
  digest: string;
  /** When the build of this digest was dispatched (or the baseline recorded), ISO time. */
  at: string;
  /** True when the digest was only recorded on first sight, not built by a Freshen dispatch. */
  baseline: boolean;
}

export type DispatchResult = 'pending' | 'success' | 'failure';

/** One dispatch GitHub accepted, and what became of it. */
export interface DispatchRecord {
  /** Random id carried in the dispatch's `reason`, to recognise its run. */
  id: string;
  /** When GitHub accepted the dispatch, ISO time. */
  at: string;
  trigger: 'workflow_dispatch' | 'repository_dispatch';
  /** Workflow file name, or the repository_dispatch event type. */
  target: string;
  ref?: string;
  /** Ledger key (normalized name:tag) → digest that was asked to be built. */
  images: Record<string, string>;
  reason: string;
  forced: boolean;
  result: DispatchResult;
  /** GitHub's conclusion of the run (success, failure, cancelled, timed_out...). */
  conclusion?: string;
  runId?: number;
  runUrl?: string;
  completedAt?: string;
}

/** A dispatch GitHub refused, kept for the status issue. */
export interface DispatchError {
  at: string;
  message: string;
}

export interface LedgerOptions {
  /** Prefix of every key, default `freshen:`. */
  prefix?: string;
  /** How many dispatches per repository are kept. */
  keepDispatches?: number;
}

const DISPATCH_TTL_S = 90 * 24 * 3600;

export class RebuildLedger {
  private readonly prefix: string;
  private readonly keep: number;

  constructor(
    private readonly redis: Redis,
    options: LedgerOptions = {},
  ) {
    this.prefix = options.prefix ?? 'freshen:';
    this.keep = options.keepDispatches ?? 20;
  }

  private key(kind: string, repoId: number): string {
    return `${this.prefix}rebuild:${kind}:${repoId}`;
  }

  async built(repoId: number): Promise<Map<string, BuiltRecord>> {
    const raw = await this.redis.hgetall(this.key('built', repoId));
    return new Map(Object.entries(raw).map(([image, json]) => [image, JSON.parse(json) as BuiltRecord]));
  }

  /** First sight of a base image: remember its digest without building. Never overwrites. */
  async recordBaseline(repoId: number, imageKey: string, digest: string, at: Date): Promise<boolean> {
    const record: BuiltRecord = { digest, at: at.toISOString(), baseline: true };
    const added = await this.redis.hsetnx(this.key('built', repoId), imageKey, JSON.stringify(record));
    return added === 1;
  }

  /** Call only after GitHub accepted the dispatch. The built digests do not move until the run succeeds. */
  async recordDispatch(repoId: number, dispatch: DispatchRecord): Promise<void> {
    const ids = this.key('dispatches', repoId);
    await this.redis
      .multi()
      .set(this.dispatchKey(repoId, dispatch.id), JSON.stringify(dispatch), 'EX', DISPATCH_TTL_S)
      .lpush(ids, dispatch.id)
      .ltrim(ids, 0, this.keep - 1)
      .del(this.key('dispatch-error', repoId))
      .exec();
  }

  async recordDispatchError(repoId: number, error: DispatchError): Promise<void> {
    await this.redis.set(this.key('dispatch-error', repoId), JSON.stringify(error), 'EX', DISPATCH_TTL_S);
  }

  async lastDispatchError(repoId: number): Promise<DispatchError | null> {
    const raw = await this.redis.get(this.key('dispatch-error', repoId));
    return raw === null ? null : (JSON.parse(raw) as DispatchError);
  }

  /** Newest first. */
  async dispatches(repoId: number): Promise<DispatchRecord[]> {
    const ids = await this.redis.lrange(this.key('dispatches', repoId), 0, -1);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.dispatchKey(repoId, id)));
    return raws.filter((raw): raw is string => raw !== null).map((raw) => JSON.parse(raw) as DispatchRecord);
  }

  async dispatch(repoId: number, id: string): Promise<DispatchRecord | null> {
    const raw = await this.redis.get(this.dispatchKey(repoId, id));
    return raw === null ? null : (JSON.parse(raw) as DispatchRecord);
  }

  /**
   * Records how a dispatch's run ended. Success moves the built digests forward (never backwards,
   * should an older run finish late); failure leaves them, so the next run tries again.
   * Idempotent: a dispatch already completed is returned unchanged, except a failed run that was
   * re-run and now succeeded.
   */
  async completeDispatch(
    repoId: number,
    id: string,
    run: { conclusion: string; runId?: number; runUrl?: string; at: Date },
  ): Promise<DispatchRecord | null> {
    const dispatch = await this.dispatch(repoId, id);
    if (dispatch === null) return null;
    // A failed run re-run by hand (same run id) may still succeed.
    const rerun = dispatch.result === 'failure' && run.runId !== undefined && run.runId === dispatch.runId;
    if (dispatch.result !== 'pending' && !rerun) return dispatch;
    const done: DispatchRecord = {
      ...dispatch,
      result: run.conclusion === 'success' ? 'success' : 'failure',
      conclusion: run.conclusion,
      completedAt: run.at.toISOString(),
      ...(run.runId !== undefined ? { runId: run.runId } : {}),
      ...(run.runUrl !== undefined ? { runUrl: run.runUrl } : {}),
    };
    await this.redis.set(this.dispatchKey(repoId, id), JSON.stringify(done), 'EX', DISPATCH_TTL_S);
    if (done.result === 'success') await this.advanceBuilt(repoId, done);
    return done;
  }

  /** Drops everything known about a repository (uninstall). */
  async forget(repoId: number): Promise<void> {
    const ids = await this.redis.lrange(this.key('dispatches', repoId), 0, -1);
    const keys = [this.key('built', repoId), this.key('dispatches', repoId), this.key('dispatch-error', repoId)];
    await this.redis.del(...keys, ...ids.map((id) => this.dispatchKey(repoId, id)));
  }

  private async advanceBuilt(repoId: number, dispatch: DispatchRecord): Promise<void> {
    const built = await this.built(repoId);
    const updates: Record<string, string> = {};
    for (const [image, digest] of Object.entries(dispatch.images)) {
      const current = built.get(image);
      if (current && !current.baseline && current.at > dispatch.at) continue;
      updates[image] = JSON.stringify({ digest, at: dispatch.at, baseline: false } satisfies BuiltRecord);
    }
    if (Object.keys(updates).length > 0) await this.redis.hset(this.key('built', repoId), updates);
  }

  private dispatchKey(repoId: number, id: string): string {
    return `${this.prefix}rebuild:dispatch:${repoId}:${id}`;
  }
}
