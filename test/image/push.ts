// Pushes raw blobs to the test registry and streams them back, standing in for the OCI client.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { LayerBlob, OpenLayer } from '../../src/image/layers.js';

export async function pushBlob(host: string, repo: string, data: Buffer): Promise<string> {
  const digest = 'sha256:' + createHash('sha256').update(data).digest('hex');
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`upload start answered ${start.status}`);
  const location = new URL(start.headers.get('location')!, `http://${host}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', body: new Uint8Array(data), headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`upload answered ${put.status}`);
  return digest;
}

/** Pushes each layer and returns the manifest-style list of them, bottom first. */
export async function pushLayers(host: string, repo: string, layers: { data: Buffer; mediaType: string }[]): Promise<LayerBlob[]> {
  const out: LayerBlob[] = [];
  for (const l of layers) out.push({ digest: await pushBlob(host, repo, l.data), mediaType: l.mediaType, size: l.data.length });
  return out;
}

/** Opens a blob as a stream from the registry, recording which layers were opened. */
export function registryOpener(host: string, repo: string, opened: string[] = []): OpenLayer {
  return async (layer) => {
    opened.push(layer.digest);
    const res = await fetch(`http://${host}/v2/${repo}/blobs/${layer.digest}`);
    if (res.status !== 200 || !res.body) throw new Error(`blob ${layer.digest} answered ${res.status}`);
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  };
}
