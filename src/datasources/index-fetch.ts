// The one way OS package datasources fetch mirror files: conditional GETs through the shared HTTP client.
import type { HttpClient } from '../http/index.js';

/** The answer to one GET: 200 with a body, 304 when the validators still match, 404 when absent. */
export interface IndexResponse {
  status: number;
  body: Buffer;
  etag?: string | undefined;
  lastModified?: string | undefined;
}

/** Fetches one file of a package mirror (wired to the shared HTTP client; tests use plain fetch). */
export type FetchIndexFile = (url: string, validators?: { etag?: string; lastModified?: string }) => Promise<IndexResponse>;

/**
 * What one worker fetched from a mirror, kept for every worker (the app's shared lookup cache),
 * so a fleet asks a mirror once. The implementation picks whose copy it is from the URL: a mirror
 * URL that carries credentials stays with its installation.
 */
export interface SharedMirrorFiles {
  /**
   * A small answer about `url` (a parsed Release, the checksum of an index), shared for
   * `maxAgeMs`. `load` asks the mirror and returns JSON; `read` turns stored JSON back into a
   * value, or undefined when it cannot (a corrupt entry: `load` runs and replaces it).
   */
  recent<T>(url: string, maxAgeMs: number, load: () => Promise<unknown>, read: (stored: unknown) => T | undefined): Promise<T>;
  /** The bytes of a file with a known SHA256; `load` fetches them (and checks that checksum) once for everyone. */
  content(url: string, sha256: string, load: () => Promise<Buffer>): Promise<Buffer>;
}

/** Index downloads over the shared HTTP client (its insecure-host list admits loopback mirrors). */
export function httpIndexFetcher(http: Pick<HttpClient, 'request'>): FetchIndexFile {
  return async (url, validators) => {
    const headers: Record<string, string> = {};
    if (validators?.etag) headers['if-none-match'] = validators.etag;
    if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
    const res = await http.request(url, { headers });
    return { status: res.status, body: res.body, etag: res.headers.etag, lastModified: res.headers['last-modified'] };
  };
}
