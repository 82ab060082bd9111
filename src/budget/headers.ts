// Reads "slow down" signals from answers: Retry-After, RateLimit-* (IETF draft) and X-RateLimit-* headers.

type Headers = Record<string, string | number | undefined>;

function num(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * How long to hold every request to this host or installation, in ms, or 0. Retry-After wins;
 * a spent RateLimit-Remaining / X-RateLimit-Remaining waits for its reset.
 */
export function pauseFromHeaders(status: number, headers: Headers, now = Date.now()): number {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined && (status === 429 || status === 403 || status === 503)) {
    const seconds = num(retryAfter);
    if (seconds !== undefined) return Math.max(0, seconds * 1000);
    const date = Date.parse(String(retryAfter));
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  if (num(headers['ratelimit-remaining']) === 0) {
    // The IETF draft's reset is seconds from now.
    const reset = num(headers['ratelimit-reset']);
    if (reset !== undefined) return reset * 1000;
  }
  if (num(headers['x-ratelimit-remaining']) === 0) {
    // GitHub's (and most registries') reset is an epoch second.
    const reset = num(headers['x-ratelimit-reset']);
    if (reset !== undefined) return Math.max(0, reset * 1000 - now);
  }
  return 0;
}
