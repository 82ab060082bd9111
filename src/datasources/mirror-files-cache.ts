// OS package mirror answers (Release files, index checksums, index bytes) in the shared lookup cache: a fleet downloads each index once.
import { createHash } from 'node:crypto';
import type { SharedMirrorFiles } from './index-fetch.js';
import { getOrLoadReadable } from '../cache/checked.js';
import { lookupKey, scopeFor, urlHasCredentials, urlKeyPart } from '../cache/keys.js';
import type { LookupCache } from '../cache/types.js';

/** Compressed index files up to this size are shared (Debian's largest, main for amd64, is about 9 MB). */
export const MAX_SHARED_FILE_BYTES = 32 * 1024 * 1024;

/**
 * Index bytes are stored compressed, as the mirror sent them, under their SHA256 (each worker
 * parses its own copy once). `fileSeconds` bounds how long a superseded index stays in Redis.
 */
export function sharedMirrorFiles(cache: LookupCache, installationId: number | undefined, fileSeconds: number): SharedMirrorFiles {
  const scopeOf = (url: string) => scopeFor(urlHasCredentials(url), installationId);
  return {
    recent(url, maxAgeMs, load, read) {
      const key = lookupKey(scopeOf(url), 'mirror', urlKeyPart(url));
      return getOrLoadReadable(cache, key, maxAgeMs / 1000, load, read);
    },
    async content(url, sha256, load) {
      const key = lookupKey(scopeOf(url), 'mirror-file', sha256);
      // A very large index is not put in Redis (which also holds the queue): each worker fetches it.
      let tooLarge: Buffer | undefined;
      const loadText = async () => {
        const bytes = await load();
        if (bytes.length <= MAX_SHARED_FILE_BYTES) return bytes.toString('base64');
        tooLarge = bytes;
        throw new Error(`${bytes.length} bytes: too large to share`);
      };
      try {
        return await getOrLoadReadable(cache, key, fileSeconds, loadText, (stored) => bytesWithChecksum(stored, sha256));
      } catch (err) {
        if (tooLarge) return tooLarge;
        throw err;
      }
    },
  };
}

/** The stored bytes, unless they are not what the checksum names (then they are fetched again). */
function bytesWithChecksum(stored: unknown, sha256: string): Buffer | undefined {
  if (typeof stored !== 'string') return undefined;
  const bytes = Buffer.from(stored, 'base64');
  return createHash('sha256').update(bytes).digest('hex') === sha256 ? bytes : undefined;
}
