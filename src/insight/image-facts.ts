// What Freshen knows about one platform image: created time, OCI source/revision/version, installed packages.
import type { Readable } from 'node:stream';
import type { ImageConfig, Manifest } from '../datasources/oci/index.js';
import { parsePlatform, selectPlatform } from '../image/manifest.js';
import { readImageFiles, type FileSelection, type ReadLimits } from '../image/layers.js';
import { INSTALLED_PACKAGES_FILES, OS_INFO_FILES, osInfoFromFiles } from '../image/os-info.js';
import { installedPackagesFrom, type InstalledPackages } from './installed-packages.js';

/** The registry calls image facts need; the OCI client provides them. */
export interface ImageInspector {
  getManifest(depName: string, ref: string): Promise<Manifest>;
  getImageConfig(depName: string, ref: string, platform?: string): Promise<ImageConfig>;
  getBlobStream(depName: string, digest: string): Promise<Readable>;
}

/** What one platform manifest holds; never changes for a digest, so it is cached by it. */
export interface PlatformImageFacts {
  manifestDigest: string;
  created?: string;
  /** From the manifest's annotations, else the config's labels (OCI keys). */
  source?: string;
  revision?: string;
  version?: string;
  distro: string | null;
  release: string | null;
  installed: InstalledPackages | null;
  /** Files too large to read, and similar; shown as a short note. */
  warnings: string[];
}

export interface ImageFacts extends PlatformImageFacts {
  /** The digest the reference resolves to (the index digest for multi-arch images). */
  digest: string;
  platform: string;
}

export interface ImageFactsCache {
  get(manifestDigest: string): Promise<PlatformImageFacts | undefined>;
  set(manifestDigest: string, facts: PlatformImageFacts): Promise<void>;
  /** The cached facts, or `load()`'s answer stored; concurrent callers (in any worker, for a shared cache) load once. */
  getOrLoad?(manifestDigest: string, load: () => Promise<PlatformImageFacts>): Promise<PlatformImageFacts>;
}

/** In-process, least recently used entries forgotten beyond `maxEntries`. */
export class MemoryImageFactsCache implements ImageFactsCache {
  private readonly entries = new Map<string, PlatformImageFacts>();
  constructor(private readonly maxEntries = 200) {}

  async get(digest: string): Promise<PlatformImageFacts | undefined> {
    const found = this.entries.get(digest);
    if (found) {
      this.entries.delete(digest);
      this.entries.set(digest, found);
    }
    return found;
  }

  async set(digest: string, facts: PlatformImageFacts): Promise<void> {
    this.entries.delete(digest);
    this.entries.set(digest, facts);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

const OCI = 'org.opencontainers.image.';

const FACT_FILES: FileSelection = {
  files: [...OS_INFO_FILES.files, ...INSTALLED_PACKAGES_FILES.files],
  dirs: [...(OS_INFO_FILES.dirs ?? []), ...(INSTALLED_PACKAGES_FILES.dirs ?? [])],
};

const FACT_LIMITS: ReadLimits = { maxFileBytes: 16 * 1024 * 1024, maxTotalBytes: 4 * 1024 ** 3 };

export interface ReadFactsOptions {
  cache?: ImageFactsCache;
  limits?: ReadLimits;
}

/** The manifest of `platform` behind a reference (an index is resolved to that platform's entry). */
export async function platformManifest(images: ImageInspector, depName: string, ref: string, platform: string) {
  const top = await images.getManifest(depName, ref);
  if (top.kind === 'image') return { top, image: top };
  const entry = selectPlatform(top, parsePlatform(platform));
  if (!entry) throw new Error(`${depName}@${top.digest} has no image for ${platform}`);
  const image = await images.getManifest(depName, entry.digest);
  if (image.kind !== 'image') throw new Error(`${depName}@${entry.digest}: the ${platform} entry is another index`);
  return { top, image };
}

export async function readImageFacts(
  images: ImageInspector,
  depName: string,
  ref: string,
  platform: string,
  options: ReadFactsOptions = {},
): Promise<ImageFacts> {
  const { top, image } = await platformManifest(images, depName, ref, platform);
  const load = () => readPlatformFacts(images, depName, image, platform, options.limits);
  let facts: PlatformImageFacts;
  if (options.cache?.getOrLoad) facts = await options.cache.getOrLoad(image.digest, load);
  else {
    const cached = await options.cache?.get(image.digest);
    facts = cached ?? (await load());
    if (!cached) await options.cache?.set(image.digest, facts);
  }
  // Index annotations describe the whole multi-arch image; they win over per-image ones.
  const overlay = top.kind === 'index' ? ociFields(top.annotations) : {};
  return { ...facts, ...overlay, digest: top.digest, platform };
}

async function readPlatformFacts(images: ImageInspector, depName: string, image: Extract<Manifest, { kind: 'image' }>, platform: string, limits: ReadLimits | undefined): Promise<PlatformImageFacts> {
  const config = await images.getImageConfig(depName, image.digest, platform);
  const files = await readImageFiles(
    image.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType ?? '', size: l.size })),
    (layer) => images.getBlobStream(depName, layer.digest),
    FACT_FILES,
    limits ?? FACT_LIMITS,
  );
  const os = osInfoFromFiles(files);
  const texts = new Map([...files.files].filter(([, f]) => f.kind === 'file').map(([p, f]) => [p, f.content.toString('utf8')]));
  const labels = { ...config.labels, ...image.annotations };
  return {
    manifestDigest: image.digest,
    ...(config.created ? { created: config.created } : {}),
    ...ociFields(labels),
    distro: os.distro,
    release: os.release,
    installed: installedPackagesFrom(texts),
    warnings: files.skipped.map((s) => `${s.path} skipped: ${s.reason}`),
  };
}

function ociFields(labels: Record<string, string>): Pick<PlatformImageFacts, 'source' | 'revision' | 'version'> {
  const pick = (key: string) => labels[OCI + key]?.trim() || undefined;
  const out: Pick<PlatformImageFacts, 'source' | 'revision' | 'version'> = {};
  const source = pick('source');
  const revision = pick('revision');
  const version = pick('version');
  if (source) out.source = source;
  if (revision) out.revision = revision;
  if (version) out.version = version;
  return out;
}
