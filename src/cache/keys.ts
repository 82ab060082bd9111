// Cache keys: what was asked, and whose answer it is (public answers are shared, private ones per installation).
import { createHash } from 'node:crypto';
import { withoutUserInfo } from '../http/url.js';

/**
 * `public` for answers anyone may see (anonymous registry access); `inst-<id>` for answers that
 * needed credentials, so no private data crosses installations; `local` when there is no installation (CLI).
 */
export type CacheScope = 'public' | `inst-${number}` | 'local';

export function scopeFor(authenticated: boolean, installationId: number | undefined): CacheScope {
  if (!authenticated) return 'public';
  return installationId === undefined ? 'local' : `inst-${installationId}`;
}

/** `lookup:<scope>:<kind>:<parts...>`; parts are image names, tags and digests (no spaces). */
export function lookupKey(scope: CacheScope, kind: string, ...parts: string[]): string {
  return ['lookup', scope, kind, ...parts].join(':');
}

/** A URL with `user:password@` (or one that does not parse) is treated as a private source. */
export function urlHasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return true;
  }
}

/**
 * A key part naming a source by URL: a hash of the URL without `user:password@`, since a token can
 * also sit in a path or query (`https://host/<token>/...`) and keys are not secret.
 */
export function urlKeyPart(url: string): string {
  return createHash('sha256').update(withoutCredentials(url)).digest('hex').slice(0, 32);
}

/** The URL with any `user:password@` removed. */
export function withoutCredentials(url: string): string {
  return withoutUserInfo(url, 'unparsable-url');
}
