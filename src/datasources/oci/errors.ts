// The error a registry lookup fails with: which image, what the registry said.
import { BlockedHostError, ExternalHostError, RateLimitError } from '../../http/index.js';

export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    message: string,
    /** The image as asked, e.g. docker.io/library/node:20. */
    readonly image: string,
    readonly status?: number,
    /** The registry's error code, e.g. MANIFEST_UNKNOWN, UNAUTHORIZED. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The first `{ errors: [{ code, message }] }` entry of a registry error body, if any. */
export function registryErrorOf(body: Buffer): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = parsed.errors?.[0];
    if (!first) return {};
    return {
      ...(typeof first.code === 'string' ? { code: first.code } : {}),
      ...(typeof first.message === 'string' ? { message: first.message } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * The same kind of error with the image named in front, so callers can still tell "retry later"
 * (ExternalHostError) and "wait" (RateLimitError) apart. Errors are shared between concurrent
 * asks through the cache, so this makes a new one instead of editing the message.
 */
export function nameImage(err: unknown, image: string): Error {
  if (!(err instanceof Error)) return new RegistryError(`${image}: ${String(err)}`, image);
  if (err.message.startsWith(`${image}: `) || err instanceof RegistryError) return err;
  const message = `${image}: ${err.message}`;
  if (err instanceof RateLimitError) return new RateLimitError(message, err.host, err.retryAfterMs);
  if (err instanceof ExternalHostError) return new ExternalHostError(message, err.host, err.status, { cause: err });
  if (err instanceof BlockedHostError) return new BlockedHostError(message, err.host);
  return Object.assign(new RegistryError(message, image), { cause: err });
}
