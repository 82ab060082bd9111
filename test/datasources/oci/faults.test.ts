import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createOciClient } from '../../../src/datasources/oci/index.js';
import { createHttpClient, ExternalHostError, RateLimitError, type HttpClientOptions } from '../../../src/http/index.js';
import { send, startLoopbackServer, type LoopbackServer } from '../../http/loopback-server.js';

const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: 'sha256:' + '1'.repeat(64), size: 2 }, layers: [] }));
const manifestDigest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

type ManifestHandler = (req: IncomingMessage, res: ServerResponse, index: number) => void;

/** A fake registry: /v2/ answers 200; manifest requests go to `onManifest` (counted from 0). */
async function fakeRegistry(onManifest: ManifestHandler): Promise<LoopbackServer> {
  let manifestAsks = 0;
  const server = await startLoopbackServer((req, res) => {
    if (req.url === '/v2/') return send(res, 200, '{}');
    if (req.url?.includes('/manifests/')) return onManifest(req, res, manifestAsks++);
    if (req.url?.includes('/blobs/')) return send(res, 200, 'not the bytes you asked for');
    send(res, 404, JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] }));
  });
  cleanups.push(() => server.close());
  return server;
}

function lookupFor(server: LoopbackServer, options: Omit<HttpClientOptions, 'insecureHosts'> = {}) {
  const http = createHttpClient({ insecureHosts: [server.host], retryBaseMs: 10, ...options });
  cleanups.push(() => http.close());
  return { http, oci: createOciClient({ http }) };
}

const manifestAnswer = (res: ServerResponse, req: IncomingMessage, headers: Record<string, string> = { 'docker-content-digest': manifestDigest }) =>
  send(res, 200, req.method === 'HEAD' ? '' : manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', ...headers });

describe('OCI datasource against misbehaving registries', () => {
  it('waits out a 429 with Retry-After and then answers', async () => {
    const server = await fakeRegistry((req, res, i) => (i === 0 ? send(res, 429, '', { 'retry-after': '1' }) : manifestAnswer(res, req)));
    const { oci } = lookupFor(server);
    const started = Date.now();
    expect(await oci.getDigest(`${server.host}/team/app`, '1.0')).toBe(manifestDigest);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('reports a rate limit longer than the cap as RateLimitError naming the image and the wait', async () => {
    const server = await fakeRegistry((_req, res) => send(res, 429, '', { 'retry-after': '600' }));
    const { oci } = lookupFor(server, { maxRetryAfterMs: 2_000 });
    const err = await oci.getDigest(`${server.host}/team/app`, '1.0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ retryAfterMs: 600_000 });
    expect((err as Error).message).toMatch(new RegExp(`^${server.host}/team/app:1.0: HEAD .* rate limited \\(429\\), retry after 600 s`));
  });

  it('times out on a registry that hangs, with an error naming the image', async () => {
    const server = await fakeRegistry(() => {
      /* never answers */
    });
    const { oci } = lookupFor(server, { timeoutMs: 300, retries: 0 });
    const started = Date.now();
    const err = await oci.getDigest(`${server.host}/team/app`, '1.0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalHostError);
    expect((err as Error).message).toMatch(new RegExp(`^${server.host}/team/app:1.0: HEAD http://${server.host}/v2/team/app/manifests/1.0 failed: timed out after 300 ms`));
    // The 300 ms timeout, not a hang (generous for a loaded machine).
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('retries server errors and then answers', async () => {
    const server = await fakeRegistry((req, res, i) => (i < 2 ? send(res, 500) : manifestAnswer(res, req)));
    const { oci } = lookupFor(server, { retries: 2 });
    expect(await oci.getDigest(`${server.host}/team/app`, '1.0')).toBe(manifestDigest);
  });

  it('falls back to GET and hashes the body when HEAD has no Docker-Content-Digest', async () => {
    const server = await fakeRegistry((req, res) => manifestAnswer(res, req, {}));
    const { oci } = lookupFor(server);
    expect(await oci.getDigest(`${server.host}/team/app`, '1.0')).toBe(manifestDigest);
    const asks = server.requests.filter((r) => r.path.includes('/manifests/'));
    expect(asks.map((r) => r.method)).toEqual(['HEAD', 'GET']);
    expect(asks[0]!.headers.accept).toContain('application/vnd.oci.image.index.v1+json');
    expect(asks[0]!.headers.accept).toContain('application/vnd.docker.distribution.manifest.list.v2+json');
  });

  it('refuses a manifest whose bytes do not match the digest the registry claims', async () => {
    const lie = 'sha256:' + 'f'.repeat(64);
    const server = await fakeRegistry((req, res) => manifestAnswer(res, req, req.method === 'HEAD' ? {} : { 'docker-content-digest': lie }));
    const { oci } = lookupFor(server);
    await expect(oci.getDigest(`${server.host}/team/app`, '1.0')).rejects.toThrow(/the manifest's bytes hash to sha256:\w+, not sha256:f{64}/);
  });

  it('fails a blob stream whose bytes do not match its digest', async () => {
    const server = await fakeRegistry(() => {});
    const { oci } = lookupFor(server);
    const wanted = 'sha256:' + 'a'.repeat(64);
    const stream = await oci.getBlobStream(`${server.host}/team/app`, wanted);
    const read = (async () => {
      for await (const _chunk of stream) {
        // drain
      }
    })();
    await expect(read).rejects.toThrow(new RegExp(`${server.host}/team/app@${wanted}: the blob's bytes hash to sha256:`));
  });
});
