// Primary rate limits (x-ratelimit-* per installation) and GitHub's secondary content-creation limits.

export interface ContentLimits {
  /** Content-creating requests allowed per (scaled) minute and hour per installation. */
  perMinute: number;
  perHour: number;
  /** Simulated time runs this many times faster: a "minute" lasts 60 / timeScale real seconds. */
  timeScale?: number;
  /** Concurrent requests allowed per installation (GitHub: 100). */
  concurrent?: number;
}

interface Bucket {
  limit: number;
  used: number;
  resetAt: number;
}

const HOUR_MS = 3_600_000;

export class RateLimits {
  private readonly buckets = new Map<string, Bucket>();
  private readonly writes = new Map<number, number[]>();
  private readonly inFlight = new Map<number, number>();
  /** Highest number of concurrent requests seen per installation. */
  readonly peakConcurrency = new Map<number, number>();

  constructor(
    private readonly primaryLimit: number,
    private readonly content: ContentLimits | null,
    private readonly now: () => number,
  ) {}

  private bucket(key: string): Bucket {
    const now = this.now();
    let b = this.buckets.get(key);
    if (!b || b.resetAt <= now) {
      b = { limit: key === 'anonymous' ? 60 : this.primaryLimit, used: 0, resetAt: now + HOUR_MS };
      this.buckets.set(key, b);
    }
    return b;
  }

  exhausted(key: string): boolean {
    const b = this.bucket(key);
    return b.used >= b.limit;
  }

  count(key: string): void {
    this.bucket(key).used += 1;
  }

  headers(key: string): Record<string, string> {
    const b = this.bucket(key);
    return {
      'x-ratelimit-limit': String(b.limit),
      'x-ratelimit-remaining': String(Math.max(0, b.limit - b.used)),
      'x-ratelimit-reset': String(Math.ceil(b.resetAt / 1000)),
      'x-ratelimit-used': String(b.used),
      'x-ratelimit-resource': 'core',
    };
  }

  enter(installationId: number): void {
    const n = (this.inFlight.get(installationId) ?? 0) + 1;
    this.inFlight.set(installationId, n);
    this.peakConcurrency.set(installationId, Math.max(n, this.peakConcurrency.get(installationId) ?? 0));
  }

  leave(installationId: number): void {
    this.inFlight.set(installationId, (this.inFlight.get(installationId) ?? 1) - 1);
  }

  /** Seconds to wait when a request would break a secondary limit, else null (and it is recorded). */
  secondaryRetryAfter(installationId: number, contentCreating: boolean): number | null {
    if (!this.content) return null;
    const concurrent = this.content.concurrent;
    if (concurrent !== undefined && (this.inFlight.get(installationId) ?? 0) > concurrent) return 1;
    if (!contentCreating) return null;
    const scale = this.content.timeScale ?? 1;
    const now = this.now();
    const hour = HOUR_MS / scale;
    const minute = 60_000 / scale;
    const times = (this.writes.get(installationId) ?? []).filter((t) => t > now - hour);
    this.writes.set(installationId, times);
    const lastMinute = times.filter((t) => t > now - minute);
    if (lastMinute.length >= this.content.perMinute) return waitSeconds(lastMinute[0]! + minute - now);
    if (times.length >= this.content.perHour) return waitSeconds(times[0]! + hour - now);
    times.push(now);
    return null;
  }
}

function waitSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
