// Builds synthetic images (layers from file maps, configs, manifests, indexes) and pushes them to a test registry.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import tar from 'tar-stream';

export const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

/** A file's content, or a richer entry. Paths are relative (`etc/os-release`); `.wh.<name>` makes a whiteout. */
export type FileEntry =
  | string
  | Buffer
  | { content: string | Buffer; mode?: number }
  | { symlink: string }
  | { directory: true; mode?: number };

export type FileMap = Record<string, FileEntry>;

export type Compression = 'gzip' | 'zstd' | 'none';

export interface Layer {
  mediaType: string;
  digest: string;
  size: number;
  /** sha256 of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: string;
  bytes: Buffer;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ImageSpec {
  platform?: Platform;
  created?: string;
  labels?: Record<string, string>;
  /** Prebuilt layers (see buildLayer), bottom first. */
  layers?: Layer[];
  /** Or file maps, each made into a gzip layer. Without either, one small layer is made. */
  files?: FileMap[];
  annotations?: Record<string, string>;
}

export interface PushedImage {
  digest: string;
  manifestBytes: Buffer;
  configDigest: string;
  config: Record<string, unknown>;
  layers: Layer[];
  platform: Platform;
}

export interface PushedIndex {
  digest: string;
  indexBytes: Buffer;
  images: PushedImage[];
}

export interface PushOptions {
  /** Sent as the Authorization header on every push request (basic or bearer). */
  authorization?: string;
}

/** Node ships zstd from 22.15/23.8; older ones cannot build zstd layers. */
export const zstdAvailable = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A deterministic tar of the files (sorted, mtime 0, root-owned), then compressed. */
export async function buildLayer(files: FileMap, compression: Compression = 'gzip'): Promise<Layer> {
  const tarBytes = await tarOf(files);
  const bytes = compress(tarBytes, compression);
  const mediaType = compression === 'gzip' ? MEDIA.layerGzip : compression === 'zstd' ? MEDIA.layerZstd : MEDIA.layerTar;
  return { mediaType, digest: sha256(bytes), size: bytes.length, diffId: sha256(tarBytes), bytes };
}

function compress(bytes: Buffer, compression: Compression): Buffer {
  if (compression === 'none') return bytes;
  if (compression === 'gzip') return gzipSync(bytes);
  const zstd = (zlib as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;
  if (!zstd) throw new Error('zstd layers need Node >= 22.15 (zlib.zstdCompressSync)');
  return zstd(bytes);
}

async function tarOf(files: FileMap): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const common = { mtime: new Date(0), uid: 0, gid: 0, uname: 'root', gname: 'root' };
  for (const name of Object.keys(files).sort()) {
    const entry = files[name]!;
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) {
      pack.entry({ ...common, name, mode: 0o644 }, entry);
    } else if ('symlink' in entry) {
      pack.entry({ ...common, name, type: 'symlink', linkname: entry.symlink });
    } else if ('directory' in entry) {
      pack.entry({ ...common, name, type: 'directory', mode: entry.mode ?? 0o755 });
    } else {
      pack.entry({ ...common, name, mode: entry.mode ?? 0o644 }, entry.content);
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function checked(res: Response, what: string, expected: number): Promise<Response> {
  if (res.status !== expected) throw new Error(`${what}: expected ${expected}, got ${res.status} ${await res.text()}`);
  return res;
}

function headers(options: PushOptions, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, ...(options.authorization ? { authorization: options.authorization } : {}) };
}

/** POST an upload, then PUT the bytes with their digest. */
export async function uploadBlob(registryUrl: string, repository: string, bytes: Buffer, options: PushOptions = {}): Promise<string> {
  const digest = sha256(bytes);
  const start = await checked(
    await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: headers(options) }),
    `starting a blob upload to ${repository}`,
    202,
  );
  const location = new URL(start.headers.get('location') ?? '', registryUrl);
  location.searchParams.set('digest', digest);
  await checked(
    await fetch(location, {
      method: 'PUT',
      headers: headers(options, { 'content-type': 'application/octet-stream' }),
      body: new Uint8Array(bytes),
    }),
    `uploading blob ${digest}`,
    201,
  );
  return digest;
}

export async function putManifest(
  registryUrl: string,
  repository: string,
  reference: string,
  bytes: Buffer,
  mediaType: string,
  options: PushOptions = {},
): Promise<void> {
  await checked(
    await fetch(`${registryUrl}/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      headers: headers(options, { 'content-type': mediaType }),
      body: new Uint8Array(bytes),
    }),
    `putting manifest ${repository}:${reference}`,
    201,
  );
}

/** Pushes one single-platform image; tagged when `tag` is given, else only by digest. */
export async function pushImage(
  registryUrl: string,
  repository: string,
  tag: string | undefined,
  spec: ImageSpec = {},
  options: PushOptions = {},
): Promise<PushedImage> {
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const layers = spec.layers ?? (await Promise.all((spec.files ?? [{ 'hello.txt': `hello from ${repository}\n` }]).map((f) => buildLayer(f))));
  const config = {
    ...(spec.created ? { created: spec.created } : {}),
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Labels: spec.labels ?? {} },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = await uploadBlob(registryUrl, repository, configBytes, options);
  for (const layer of layers) await uploadBlob(registryUrl, repository, layer.bytes, options);
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: { mediaType: MEDIA.config, digest: configDigest, size: configBytes.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const digest = sha256(manifestBytes);
  await putManifest(registryUrl, repository, tag ?? digest, manifestBytes, MEDIA.manifest, options);
  return { digest, manifestBytes, configDigest, config, layers, platform };
}

/** Pushes each platform's image by digest, then an OCI index listing them under `tag`. */
export async function pushIndex(
  registryUrl: string,
  repository: string,
  tag: string,
  specs: ImageSpec[],
  options: PushOptions = {},
): Promise<PushedIndex> {
  const images: PushedImage[] = [];
  for (const spec of specs) images.push(await pushImage(registryUrl, repository, undefined, spec, options));
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: images.map((image) => ({
      mediaType: MEDIA.manifest,
      digest: image.digest,
      size: image.manifestBytes.length,
      platform: image.platform,
    })),
  };
  const indexBytes = Buffer.from(JSON.stringify(index));
  await putManifest(registryUrl, repository, tag, indexBytes, MEDIA.index, options);
  return { digest: sha256(indexBytes), indexBytes, images };
}

/** Points more tags at an already pushed manifest (cheap: only the manifest is put again). */
export async function tagManifest(
  registryUrl: string,
  repository: string,
  tags: string[],
  manifestBytes: Buffer,
  mediaType: string = MEDIA.manifest,
  options: PushOptions = {},
): Promise<void> {
  for (const tag of tags) await putManifest(registryUrl, repository, tag, manifestBytes, mediaType, options);
}
