// OS package mirror answers (Release files, index checksums, index bytes) in the shared lookup cache: a fleet downloads each index once.
import { createHash } from 'node:crypto';
import type { SharedMirrorFiles } from '../datasources/index-fetch.js';
import { getOrLoadReadable } from './checked.js';
import { lookupKey, scopeFor, urlHasCredentials, withoutCredentials } from './keys.js';
import type { LookupCache } from './types.js';

/**
 * Index bytes are stored compressed, as the mirror sent them, under their SHA256 (each worker
 * parses its own copy once). `fileSeconds` bounds how long a superseded index stays in Redis.
 */
export function sharedMirrorFiles(cache: LookupCache, installationId: number | undefined, fileSeconds: number): SharedMirrorFiles {
  const scopeOf = (url: string) => scopeFor(urlHasCredentials(url), installationId);
  return {
    recent(url, maxAgeMs, load, read) {
      const key = lookupKey(scopeOf(url), 'mirror', encodeURIComponent(withoutCredentials(url)));
      return getOrLoadReadable(cache, key, maxAgeMs / 1000, load, read);
    },
    content(url, sha256, load) {
      const key = lookupKey(scopeOf(url), 'mirror-file', sha256);
      const loadText = async () => (await load()).toString('base64');
      return getOrLoadReadable(cache, key, fileSeconds, loadText, (stored) => bytesWithChecksum(stored, sha256));
    },
  };
}

/** The stored bytes, unless they are not what the checksum names (then they are fetched again). */
function bytesWithChecksum(stored: unknown, sha256: string): Buffer | undefined {
  if (typeof stored !== 'string') return undefined;
  const bytes = Buffer.from(stored, 'base64');
  return createHash('sha256').update(bytes).digest('hex') === sha256 ? bytes : undefined;
}
