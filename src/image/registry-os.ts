// The OS of one platform image in a registry: manifest for the platform → layers → os-release and package sources.
import type { Readable } from 'node:stream';
import { parsePlatform, selectPlatform, type Manifest } from './manifest.js';
import { applyOsMirrors, MemoryOsInfoCache, readOsInfo, type OsInfo, type OsInfoCache } from './os-info.js';

/** The registry calls needed (the OCI client has them). */
export interface RegistryBlobs {
  getManifest(depName: string, ref: string): Promise<Manifest>;
  getBlobStream(depName: string, digest: string): Promise<Readable>;
}

/** A base image's OS as Freshen resolves packages against it (mirrors already applied). */
export interface ImageOs {
  info: OsInfo;
  platform: string;
  /** Digest of the platform manifest the layers were read from. */
  manifestDigest: string;
  /** `debian 12 (bookworm)`, `alpine 3.20.3`. */
  label: string;
  /** Equal for two images only when their OS release and package sources are the same. */
  releaseKey: string;
}

/** Shared by default: a manifest digest never changes content, so entries never go stale. */
export const sharedOsInfoCache: OsInfoCache = new MemoryOsInfoCache();

export async function readImageOs(
  registry: RegistryBlobs,
  image: { depName: string; ref: string; platform: string },
  opts: { osMirrors?: Record<string, string>; cache?: OsInfoCache } = {},
): Promise<ImageOs> {
  const { depName, ref, platform } = image;
  let manifest = await registry.getManifest(depName, ref);
  if (manifest.kind === 'index') {
    const entry = selectPlatform(manifest, parsePlatform(platform));
    if (!entry) throw new Error(`${depName}@${ref}: the image has no manifest for platform ${platform}`);
    manifest = await registry.getManifest(depName, entry.digest);
    if (manifest.kind !== 'image') throw new Error(`${depName}@${ref}: the ${platform} entry is another index, not an image`);
  }
  const info = await readOsInfo({
    manifestDigest: manifest.digest,
    layers: manifest.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType ?? '', size: l.size })),
    openLayer: (layer) => registry.getBlobStream(depName, layer.digest),
    cache: opts.cache ?? sharedOsInfoCache,
  });
  const mapped = applyOsMirrors(info, opts.osMirrors);
  return { info: mapped, platform, manifestDigest: manifest.digest, label: osLabel(mapped), releaseKey: releaseKey(mapped) };
}

export function osLabel(info: OsInfo): string {
  if (!info.distro) return 'an image without /etc/os-release';
  return [info.distro, info.release, info.codename && info.codename !== info.release ? `(${info.codename})` : null].filter(Boolean).join(' ');
}

function releaseKey(info: OsInfo): string {
  return JSON.stringify({
    distro: info.distro,
    release: info.release,
    codename: info.codename,
    apt: info.aptSources.map((s) => `${s.type} ${s.uri} ${s.suite} ${s.components.join(',')} ${s.architectures?.join(',') ?? ''}`).sort(),
    apk: info.apkRepositories.map((r) => `${r.tag ?? ''} ${r.url}`).sort(),
  });
}
