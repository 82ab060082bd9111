// OCI registry datasource: tags, digests, manifests, image configs and layer blobs over Distribution API v2.
import { createHash } from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';
import type { ImageLookup } from '../../engine/types.js';
import { DEFAULT_TTLS, lookupKey, revalidatingLookup, scopeFor, type CacheTtls, type ConditionalAnswer, type LookupCache, type Validated } from '../../cache/index.js';
import type { HttpClient, HttpResponse, HttpStreamResponse } from '../../http/index.js';
import { RegistryAuth } from './auth.js';
import { nameImage, RegistryError, registryErrorOf } from './errors.js';
import {
  MANIFEST_ACCEPT,
  parseImageConfig,
  parseManifest,
  parsePlatform,
  selectPlatform,
  type ImageConfig,
  type Manifest,
} from '../../image/manifest.js';
import { parseRepositoryName, type RepositoryName } from './registry-name.js';
import { fetchAllTags } from './tags.js';
import type { RegistryCredential } from './credentials.js';

export interface OciClientDeps {
  http: HttpClient;
  credentialFor: (registry: string) => Promise<RegistryCredential | undefined>;
  tagPageSize: number;
  maxTagPages: number;
  /** Shared answers across scans and workers; without it only this client's own answers are remembered. */
  cache?: LookupCache;
  ttls?: CacheTtls;
  /** Answers that needed credentials are cached for this installation only. */
  installationId?: number;
}

/** Thrown inside a conditional fetch when the registry answered 304. */
class NotModified extends Error {}

type Answer = Pick<HttpResponse, 'status' | 'headers'>;

const DIGEST_RE = /^(sha256|sha512):[a-f0-9]+$/;

export function isDigest(ref: string): boolean {
  return DIGEST_RE.test(ref);
}

function digestOf(body: Buffer, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`;
}

/** Builds the RegistryError for an unexpected answer: image, what was asked, status and registry code. */
export function failure(image: string, what: string, status: number, body: Buffer, registry: string, hasCredential: boolean): RegistryError {
  const { code, message } = registryErrorOf(body);
  let hint = '';
  if (status === 401 || status === 403) {
    hint = hasCredential ? `; the credentials for ${registry} were refused or lack access` : `; no credentials are configured for ${registry}`;
  }
  return new RegistryError(`${image}: ${what} failed: the registry answered ${status}${code ? ` ${code}` : ''}${message ? ` (${message})` : ''}${hint}`, image, status, code);
}

/**
 * Implements the engine's ImageLookup and the richer calls later features need. One instance per
 * scan: answers are remembered, and concurrent asks for the same thing share one request.
 */
export class OciClient implements ImageLookup {
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly auth: RegistryAuth;

  constructor(private readonly deps: OciClientDeps) {
    this.auth = new RegistryAuth(deps.http, deps.credentialFor, deps.cache);
  }

  getTags(depName: string): Promise<string[]> {
    return this.memo(`tags ${depName}`, depName, async () => {
      const name = parseRepositoryName(depName);
      return this.revalidated(name, 'tags', [], this.ttls.tagListSeconds, (stale) => this.fetchTags(name, depName, stale));
    });
  }

  private async fetchTags(name: RepositoryName, depName: string, stale: Validated<string[]> | undefined): Promise<ConditionalAnswer<string[]>> {
    const first = `/v2/${name.repository}/tags/list?n=${this.deps.tagPageSize}`;
    let etag: string | undefined;
    let pages = 0;
    try {
      const tags = await fetchAllTags(first, this.deps.maxTagPages, async (path) => {
        // Only a one-page list can be revalidated as a whole.
        const conditional = path === first && stale?.etag ? { 'if-none-match': stale.etag } : undefined;
        const res = await this.send(name, depName, path, { method: 'GET', ...(conditional ? { headers: conditional } : {}) });
        if (res.status === 304 && conditional) throw new NotModified();
        if (res.status !== 200) throw await this.failure(name, depName, 'listing tags', res);
        pages += 1;
        etag = res.headers.etag;
        return res;
      }, this.deps.tagPageSize * this.deps.maxTagPages);
      return pages === 1 && etag ? { value: tags, etag } : { value: tags };
    } catch (err) {
      if (err instanceof NotModified) return 'not-modified';
      throw err;
    }
  }

  getDigest(depName: string, tagOrDigest: string): Promise<string> {
    const image = `${depName}${isDigest(tagOrDigest) ? '@' : ':'}${tagOrDigest}`;
    return this.memo(`digest ${image}`, image, async () => {
      const name = parseRepositoryName(depName);
      const ttl = isDigest(tagOrDigest) ? this.ttls.contentSeconds : this.ttls.tagDigestSeconds;
      return this.shared(name, 'digest', [tagOrDigest], ttl, () => this.headDigest(name, depName, tagOrDigest, image));
    });
  }

  /** HEAD first: Docker Hub does not count it against the pull limit, and it carries the digest. */
  private async headDigest(name: RepositoryName, depName: string, tagOrDigest: string, image: string): Promise<string> {
    const res = await this.send(name, image, this.manifestPath(name, tagOrDigest), { method: 'HEAD', headers: { accept: MANIFEST_ACCEPT } });
    const reported = res.headers['docker-content-digest'];
    if (res.status === 200 && reported && isDigest(reported)) {
      if (isDigest(tagOrDigest) && reported !== tagOrDigest) {
        throw new RegistryError(`${image}: the registry reported digest ${reported} for it`, image, res.status);
      }
      return reported;
    }
    // Asking again with GET cannot fix missing rights; it would only fetch another token.
    if (res.status === 401 || res.status === 403) throw await this.failure(name, image, 'asking for the digest', { ...res, body: Buffer.alloc(0) });
    // No digest header, or an error whose code only a GET body tells: fetch the manifest and hash its bytes.
    return (await this.getManifest(depName, tagOrDigest)).digest;
  }

  getManifest(depName: string, ref: string): Promise<Manifest> {
    const image = `${depName}${isDigest(ref) ? '@' : ':'}${ref}`;
    return this.memo(`manifest ${image}`, image, async () => {
      const name = parseRepositoryName(depName);
      if (isDigest(ref)) {
        return this.shared(name, 'manifest', [ref], this.ttls.contentSeconds, async () => {
          const answer = await this.fetchManifest(name, image, ref, undefined);
          if (answer === 'not-modified') throw new Error(`${image}: unexpected 304`);
          return answer.value;
        });
      }
      return this.revalidated(name, 'manifest', [ref], this.ttls.tagDigestSeconds, (stale) => this.fetchManifest(name, image, ref, stale));
    });
  }

  private async fetchManifest(name: RepositoryName, image: string, ref: string, stale: Validated<Manifest> | undefined): Promise<ConditionalAnswer<Manifest>> {
    const headers: Record<string, string> = { accept: MANIFEST_ACCEPT, ...(stale?.etag ? { 'if-none-match': stale.etag } : {}) };
    const res = await this.send(name, image, this.manifestPath(name, ref), { method: 'GET', headers });
    if (res.status === 304 && stale?.etag) return 'not-modified';
    if (res.status !== 200) throw await this.failure(name, image, 'fetching the manifest', res);
    const expected = isDigest(ref) ? ref : res.headers['docker-content-digest'];
    const algorithm = expected && isDigest(expected) ? expected.split(':')[0] : 'sha256';
    const digest = digestOf(res.body, algorithm);
    if (expected && isDigest(expected) && expected !== digest) {
      throw new RegistryError(`${image}: the manifest's bytes hash to ${digest}, not ${expected}`, image, res.status);
    }
    let manifest: Manifest;
    try {
      manifest = parseManifest(res.body, res.headers['content-type'], digest);
    } catch (err) {
      throw new RegistryError(`${image}: ${(err as Error).message}`, image, res.status);
    }
    return res.headers.etag ? { value: manifest, etag: res.headers.etag } : { value: manifest };
  }

  /** The image config of one platform (an index is resolved to that platform's manifest). */
  getImageConfig(depName: string, ref: string, platform = 'linux/amd64'): Promise<ImageConfig> {
    const image = `${depName}${isDigest(ref) ? '@' : ':'}${ref}`;
    return this.memo(`config ${image} ${platform}`, image, () => {
      const ttl = isDigest(ref) ? this.ttls.contentSeconds : this.ttls.tagDigestSeconds;
      return this.shared(parseRepositoryName(depName), 'config', [ref, platform], ttl, () => this.readImageConfig(depName, ref, platform, image));
    });
  }

  private async readImageConfig(depName: string, ref: string, platform: string, image: string): Promise<ImageConfig> {
    const wanted = parsePlatform(platform);
    let manifest = await this.getManifest(depName, ref);
    if (manifest.kind === 'index') {
      const entry = selectPlatform(manifest, wanted);
      if (!entry) {
        const offered = manifest.manifests.map((m) => (m.platform ? [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('/') : '?'));
        throw new RegistryError(`${image}: no manifest for platform ${platform} (the index offers ${offered.join(', ') || 'nothing'})`, image);
      }
      manifest = await this.getManifest(depName, entry.digest);
      if (manifest.kind !== 'image') throw new RegistryError(`${image}: the ${platform} entry is another index, not an image`, image);
    }
    const configDigest = manifest.config.digest;
    const body = await this.blob(depName, configDigest, image);
    try {
      return parseImageConfig(body, configDigest);
    } catch (err) {
      throw new RegistryError(`${image}: ${(err as Error).message}`, image);
    }
  }

  /** A layer or other blob as a stream; it errors at the end if the bytes do not match the digest. */
  async getBlobStream(depName: string, digest: string): Promise<Readable> {
    const image = `${depName}@${digest}`;
    if (!isDigest(digest)) throw new RegistryError(`${image}: not a digest`, image);
    let res: HttpStreamResponse;
    try {
      const name = parseRepositoryName(depName);
      res = await this.sendStream(name, image, `/v2/${name.repository}/blobs/${digest}`);
      if (res.status !== 200) {
        const body = await readSmall(res.body);
        throw await this.failure(name, image, 'fetching the blob', { ...res, body });
      }
    } catch (err) {
      throw nameImage(err, image);
    }
    const verified = verifyingStream(digest, image);
    // pipeline passes a broken download on to the reader as an error instead of a short file.
    pipeline(res.body, verified, () => {});
    return verified;
  }

  private get ttls(): CacheTtls {
    return this.deps.ttls ?? DEFAULT_TTLS;
  }

  /** Through the shared cache when there is one, keyed by installation when the registry needs credentials. */
  private async cacheKey(name: RepositoryName, kind: string, parts: string[]): Promise<string> {
    const authenticated = (await this.deps.credentialFor(name.registry)) !== undefined;
    return lookupKey(scopeFor(authenticated, this.deps.installationId), kind, name.registry, name.repository, ...parts);
  }

  private async shared<T>(name: RepositoryName, kind: string, parts: string[], ttl: number | undefined, load: () => Promise<T>): Promise<T> {
    const cache = this.deps.cache;
    if (!cache) return load();
    return cache.getOrLoad(await this.cacheKey(name, kind, parts), ttl, load);
  }

  private async revalidated<T>(
    name: RepositoryName, kind: string, parts: string[], freshSeconds: number,
    fetch: (stale: Validated<T> | undefined) => Promise<ConditionalAnswer<T>>,
  ): Promise<T> {
    const cache = this.deps.cache;
    if (!cache) {
      const answer = await fetch(undefined);
      if (answer === 'not-modified') throw new Error(`${name.registry}/${name.repository}: unexpected 304`);
      return answer.value;
    }
    const key = await this.cacheKey(name, kind, parts);
    return revalidatingLookup(cache, key, { freshSeconds, keepSeconds: this.ttls.revalidateKeepSeconds }, fetch);
  }

  private manifestPath(name: RepositoryName, ref: string): string {
    return `/v2/${name.repository}/manifests/${ref}`;
  }

  private blob(depName: string, digest: string, image: string): Promise<Buffer> {
    return this.memo(`blob ${depName}@${digest}`, image, async () => {
      const name = parseRepositoryName(depName);
      const res = await this.send(name, image, `/v2/${name.repository}/blobs/${digest}`, { method: 'GET' });
      if (res.status !== 200) throw await this.failure(name, image, `fetching blob ${digest}`, res);
      const actual = digestOf(res.body, digest.split(':')[0]);
      if (actual !== digest) throw new RegistryError(`${image}: blob ${digest} hashes to ${actual}`, image, res.status);
      return res.body;
    });
  }

  /** One request with the repository's authorization, re-authorized once after a 401. */
  private async send(name: RepositoryName, image: string, path: string, init: { method: string; headers?: Record<string, string> }): Promise<HttpResponse> {
    const { baseUrl } = await this.auth.session(name);
    const ask = (authorization: string | undefined) =>
      this.deps.http.request(`${baseUrl}${path}`, { method: init.method, headers: { ...init.headers, ...(authorization ? { authorization } : {}) } });
    const res = await ask(await this.auth.authorization(name));
    if (res.status !== 401) return res;
    const retryWith = await this.auth.reauthorize(name, res.headers['www-authenticate']);
    return retryWith ? ask(retryWith) : res;
  }

  private async sendStream(name: RepositoryName, image: string, path: string): Promise<HttpStreamResponse> {
    const { baseUrl } = await this.auth.session(name);
    const ask = (authorization: string | undefined) =>
      this.deps.http.stream(`${baseUrl}${path}`, { headers: authorization ? { authorization } : {} });
    const res = await ask(await this.auth.authorization(name));
    if (res.status !== 401) return res;
    res.body.destroy();
    const retryWith = await this.auth.reauthorize(name, res.headers['www-authenticate']);
    return retryWith ? ask(retryWith) : res;
  }

  private async failure(name: RepositoryName, image: string, what: string, res: Answer & { body: Buffer }): Promise<RegistryError> {
    const hasCredential = (await this.deps.credentialFor(name.registry)) !== undefined;
    return failure(image, what, res.status, res.body, name.registry, hasCredential);
  }

  /** Remembers the promise under `key`; errors come out naming the image. */
  private memo<T>(key: string, image: string, fn: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit) return hit as Promise<T>;
    const promise = fn().catch((err: unknown) => {
      throw nameImage(err, image);
    });
    this.cache.set(key, promise);
    return promise;
  }
}

async function readSmall(body: Readable, limit = 64 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks);
}

function verifyingStream(digest: string, image: string): Transform {
  const [algorithm = 'sha256', expected] = digest.split(':');
  const hash = createHash(algorithm);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest('hex');
      callback(actual === expected ? null : new RegistryError(`${image}: the blob's bytes hash to ${algorithm}:${actual}`, image));
    },
  });
}
