// The one way OS package datasources fetch mirror files: conditional GETs through the shared HTTP client.

/** The answer to one GET: 200 with a body, 304 when the validators still match, 404 when absent. */
export interface IndexResponse {
  status: number;
  body: Buffer;
  etag?: string | undefined;
  lastModified?: string | undefined;
}

/** Fetches one file of a package mirror (wired to the shared HTTP client; tests use plain fetch). */
export type FetchIndexFile = (url: string, validators?: { etag?: string; lastModified?: string }) => Promise<IndexResponse>;
