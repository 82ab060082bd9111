import { randomUUID } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOciClient, RegistryError, type IndexManifest } from '../../../src/datasources/oci/index.js';
import { BlockedHostError, createHttpClient, type HttpClient } from '../../../src/http/index.js';
import { startPagingProxy } from './paging-proxy.js';
import { MEDIA, pushImage, pushIndex, sha256, tagManifest, type PushedIndex } from '../../support/oci-push.js';

const host = inject('registryHost');
const registryUrl = `http://${host}`;
const repo = (name: string) => `t${randomUUID().slice(0, 8)}/${name}`;

let http: HttpClient;
beforeAll(() => {
  http = createHttpClient({ insecureHosts: [host], retryBaseMs: 10 });
});
afterAll(() => http.close());

const newClient = (options: { tagPageSize?: number } = {}) => createOciClient({ http, ...options });

describe('OCI datasource against a real registry', () => {
  const multiArch = repo('multi');
  let pushed: PushedIndex;

  beforeAll(async () => {
    pushed = await pushIndex(registryUrl, multiArch, '1.0', [
      {
        platform: { os: 'linux', architecture: 'amd64' },
        created: '2025-03-01T10:00:00Z',
        labels: { 'org.opencontainers.image.source': 'https://example.test/src', 'org.opencontainers.image.revision': 'abc123' },
        files: [{ 'etc/os-release': 'ID=debian\nVERSION_ID="12"\n' }],
      },
      {
        platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        created: '2025-03-02T10:00:00Z',
        labels: { 'org.opencontainers.image.source': 'https://example.test/src', arch: 'arm' },
      },
    ]);
  });

  it('reports the index digest for a multi-arch tag: sha256 of the index bytes, as the registry says', async () => {
    const oci = newClient();
    const digest = await oci.getDigest(`${host}/${multiArch}`, '1.0');
    expect(digest).toBe(sha256(pushed.indexBytes));
    const head = await fetch(`${registryUrl}/v2/${multiArch}/manifests/1.0`, { method: 'HEAD', headers: { accept: MEDIA.index } });
    expect(digest).toBe(head.headers.get('docker-content-digest'));
    expect(pushed.images.map((i) => i.digest)).not.toContain(digest);
  });

  it('parses the index with one entry per platform', async () => {
    const manifest = (await newClient().getManifest(`${host}/${multiArch}`, '1.0')) as IndexManifest;
    expect(manifest.kind).toBe('index');
    expect(manifest.mediaType).toBe(MEDIA.index);
    expect(manifest.digest).toBe(pushed.digest);
    expect(manifest.manifests.map((m) => [m.platform, m.digest])).toEqual(pushed.images.map((i) => [i.platform, i.digest]));
  });

  it('reads created and labels from the config blob of the asked platform', async () => {
    const oci = newClient();
    const amd64 = await oci.getImageConfig(`${host}/${multiArch}`, '1.0');
    expect(amd64.created).toBe('2025-03-01T10:00:00Z');
    expect(amd64.labels['org.opencontainers.image.revision']).toBe('abc123');
    expect(amd64.digest).toBe(pushed.images[0]!.configDigest);
    expect(amd64.diffIds).toEqual(pushed.images[0]!.layers.map((l) => l.diffId));
    const arm = await oci.getImageConfig(`${host}/${multiArch}`, '1.0', 'linux/arm64');
    expect(arm).toMatchObject({ created: '2025-03-02T10:00:00Z', architecture: 'arm64', variant: 'v8', labels: { arch: 'arm' } });
    await expect(oci.getImageConfig(`${host}/${multiArch}`, '1.0', 'windows/amd64')).rejects.toThrow(
      /no manifest for platform windows\/amd64 \(the index offers linux\/amd64, linux\/arm64\/v8\)/,
    );
  });

  it('streams a layer whose files can be read', async () => {
    const layer = pushed.images[0]!.layers[0]!;
    const stream = await newClient().getBlobStream(`${host}/${multiArch}`, layer.digest);
    const files: Record<string, string> = {};
    const extract = tar.extract();
    extract.on('entry', (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on('data', (c: unknown) => chunks.push(c as Buffer));
      body.on('end', () => {
        files[header.name] = Buffer.concat(chunks).toString();
        next();
      });
    });
    await new Promise<void>((resolve, reject) => {
      extract.on('finish', resolve);
      extract.on('error', reject);
      stream.on('error', reject);
      stream.pipe(createGunzip()).pipe(extract);
    });
    expect(files['etc/os-release']).toContain('ID=debian');
  });

  it('gives the digest of a single-platform image and accepts a digest reference', async () => {
    const name = repo('single');
    const image = await pushImage(registryUrl, name, 'latest');
    const oci = newClient();
    expect(await oci.getDigest(`${host}/${name}`, 'latest')).toBe(image.digest);
    expect(await oci.getDigest(`${host}/${name}`, image.digest)).toBe(image.digest);
    const manifest = await oci.getManifest(`${host}/${name}`, image.digest);
    expect(manifest).toMatchObject({ kind: 'image', config: { digest: image.configDigest } });
  });

  it('lists every tag across pages by following Link headers', async () => {
    const name = repo('many-tags');
    const image = await pushImage(registryUrl, name, 'base');
    const tags = Array.from({ length: 24 }, (_, i) => `1.${i}.0`);
    await tagManifest(registryUrl, name, tags, image.manifestBytes);
    const proxy = await startPagingProxy(registryUrl);
    const proxied = createHttpClient({ insecureHosts: [proxy.host] });
    try {
      const listed = await createOciClient({ http: proxied, tagPageSize: 10 }).getTags(`${proxy.host}/${name}`);
      const sorted = ['base', ...tags].sort();
      expect(listed).toEqual(sorted);
      // 25 tags in pages of 10: three requests, the cursor being the last tag of the page before.
      const pages = proxy.requests.filter((r) => r.path.includes('/tags/list'));
      expect(pages.map((r) => r.path)).toEqual([
        `/v2/${name}/tags/list?n=10`,
        `/v2/${name}/tags/list?last=${sorted[9]}&n=10`,
        `/v2/${name}/tags/list?last=${sorted[19]}&n=10`,
      ]);
    } finally {
      await proxied.close();
      await proxy.close();
    }
  });

  it('lists tags in one page when the registry does not paginate', async () => {
    const name = repo('few-tags');
    const image = await pushImage(registryUrl, name, 'base');
    await tagManifest(registryUrl, name, ['2.0', '2.1'], image.manifestBytes);
    expect((await newClient({ tagPageSize: 2 }).getTags(`${host}/${name}`)).sort()).toEqual(['2.0', '2.1', 'base']);
  });

  it('asks once per distinct image:tag however many times and however concurrently it is asked', async () => {
    const name = repo('cached');
    await pushImage(registryUrl, name, 'a');
    await pushImage(registryUrl, name, 'b', { labels: { variant: 'b' } });
    const oci = newClient();
    await oci.getDigest(`${host}/${name}`, 'a'); // warms the ping
    const before = http.stats.byHost[host] ?? 0;
    const asks = Array.from({ length: 20 }, (_, i) => oci.getDigest(`${host}/${name}`, i % 2 ? 'a' : 'b'));
    const digests = await Promise.all(asks);
    expect(new Set(digests).size).toBe(2);
    await oci.getDigest(`${host}/${name}`, 'b');
    expect((http.stats.byHost[host] ?? 0) - before).toBe(1);
  });

  it('names the image and the registry error code when a tag or repository is unknown', async () => {
    const name = repo('known');
    await pushImage(registryUrl, name, 'v1');
    const oci = newClient();
    const missingTag = await oci.getDigest(`${host}/${name}`, 'v2').catch((e: unknown) => e);
    expect(missingTag).toBeInstanceOf(RegistryError);
    expect(missingTag).toMatchObject({ status: 404, code: 'MANIFEST_UNKNOWN', image: `${host}/${name}:v2` });
    expect((missingTag as Error).message).toMatch(new RegExp(`^${host}/${name}:v2: fetching the manifest failed: the registry answered 404 MANIFEST_UNKNOWN`));
    const missingRepo = await oci.getTags(`${host}/${repo('nothing')}`).catch((e: unknown) => e);
    expect(missingRepo).toMatchObject({ status: 404, code: 'NAME_UNKNOWN' });
  });

  it('refuses a loopback registry that is not listed as insecure', async () => {
    const strict = createHttpClient({ retryBaseMs: 10 });
    try {
      const err = await createOciClient({ http: strict }).getDigest(`${host}/${multiArch}`, '1.0').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlockedHostError);
      expect((err as Error).message).toMatch(new RegExp(`^${host}/${multiArch}:1.0: refusing to connect to ${host}: it resolves to 127.0.0.1`));
    } finally {
      await strict.close();
    }
  });
});
