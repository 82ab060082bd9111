import { gunzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { randomUUID } from 'node:crypto';
import tar from 'tar-stream';
import { describe, expect, inject, it } from 'vitest';
import { createOciClient } from '../../../src/datasources/oci/index.js';
import { createHttpClient } from '../../../src/http/index.js';
import { buildLayer, MEDIA, pushImage, sha256, zstdAvailable } from '../../support/oci-push.js';

async function entries(tarBytes: Buffer): Promise<Record<string, { type: string; body: string; linkname?: string }>> {
  const found: Record<string, { type: string; body: string; linkname?: string }> = {};
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      found[header.name] = { type: header.type ?? 'file', body: Buffer.concat(chunks).toString(), ...(header.linkname ? { linkname: header.linkname } : {}) };
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    extract.end(tarBytes);
  });
  return found;
}

const files = {
  'etc/os-release': 'ID=alpine\nVERSION_ID=3.20.0\n',
  'etc/apk/repositories': 'https://mirror.example/alpine/v3.20/main\n',
  'lib/apk/db/.wh..wh..opq': '',
  'usr/bin/sh': { symlink: '/bin/busybox' },
};

describe('test layer builder', () => {
  it('builds a deterministic gzip layer with files, whiteouts and symlinks', async () => {
    const layer = await buildLayer(files);
    const again = await buildLayer(files);
    expect(layer.digest).toBe(again.digest);
    expect(layer.mediaType).toBe(MEDIA.layerGzip);
    const tarBytes = gunzipSync(layer.bytes);
    expect(layer.diffId).toBe(sha256(tarBytes));
    const found = await entries(tarBytes);
    expect(found['etc/os-release']?.body).toContain('ID=alpine');
    expect(found['lib/apk/db/.wh..wh..opq']).toBeDefined();
    expect(found['usr/bin/sh']).toMatchObject({ type: 'symlink', linkname: '/bin/busybox' });
  });

  it.skipIf(!zstdAvailable)('builds zstd layers that a registry serves back byte for byte', async () => {
    const layer = await buildLayer(files, 'zstd');
    expect(layer.mediaType).toBe(MEDIA.layerZstd);
    const decompress = (zlib as unknown as { zstdDecompressSync: (b: Buffer) => Buffer }).zstdDecompressSync;
    expect(sha256(decompress(layer.bytes))).toBe(layer.diffId);
    const host = inject('registryHost');
    const name = `t${randomUUID().slice(0, 8)}/zstd`;
    await pushImage(`http://${host}`, name, '1', { layers: [layer] });
    const http = createHttpClient({ insecureHosts: [host] });
    try {
      const stream = await createOciClient({ http }).getBlobStream(`${host}/${name}`, layer.digest);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(layer.bytes)).toBe(true);
    } finally {
      await http.close();
    }
  });
});
