// Error classes of the HTTP client; callers map them to retry later, delay, or refuse.

/** A host failed (5xx, timeout, network error) after the client's own retries: try again later. */
export class ExternalHostError extends Error {
  override name = 'ExternalHostError';
  constructor(
    message: string,
    readonly host: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A host asked us to slow down for longer than we are willing to wait inline. */
export class RateLimitError extends Error {
  override name = 'RateLimitError';
  constructor(
    message: string,
    readonly host: string,
    /** How long the host asked us to wait, in milliseconds. */
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** A request was refused before connecting: a private address or plain HTTP to an unlisted host. */
export class BlockedHostError extends Error {
  override name = 'BlockedHostError';
  constructor(
    message: string,
    readonly host: string,
  ) {
    super(message);
  }
}
