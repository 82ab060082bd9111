// Error kinds a job maps to an action: wait for a rate limit, retry with backoff, or report.
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(
    message: string,
    /** How long to wait before trying again. */
    readonly waitMs: number,
    /** BullMQ priority for the job when it is delayed (1 first): the value of what it would write. */
    readonly priority?: number,
  ) {
    super(message);
  }
}

const MIN_WAIT_MS = 1_000;
const MAX_WAIT_MS = 2 * 3600 * 1000;

function clampWait(ms: number): number {
  return Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, Math.ceil(ms)));
}

interface HttpLikeError {
  status?: number;
  name?: string;
  waitMs?: number;
  retryAfterMs?: number;
  retryAfter?: number;
  response?: { headers?: Record<string, string | number | undefined> };
}

/**
 * How long to wait when an error is a rate limit (GitHub primary or secondary, a registry's 429),
 * else null. Understands Octokit's RequestError headers and errors carrying `retryAfterMs`.
 */
export function rateLimitWaitMs(err: unknown, now = Date.now()): number | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as HttpLikeError;
  if (err instanceof RateLimitedError) return clampWait(err.waitMs);
  if (typeof e.retryAfterMs === 'number') return clampWait(e.retryAfterMs);
  if (e.name === 'RateLimitError' && typeof e.retryAfter === 'number') return clampWait(e.retryAfter * 1000);
  const headers = e.response?.headers;
  if (!headers || (e.status !== 403 && e.status !== 429)) return null;
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return clampWait(retryAfter * 1000);
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    if (Number.isFinite(reset)) return clampWait(reset * 1000 - now + 1000);
  }
  return e.status === 429 ? clampWait(60_000) : null;
}
