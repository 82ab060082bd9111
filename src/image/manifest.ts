// Manifest and image config media types, and their validation into plain typed values.
import { z } from 'zod';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** Sent on every manifest request: without the index types some registries answer 404 for indexes. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.dockerManifest,
].join(', ');

const digest = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest');
const annotations = z.record(z.string(), z.string()).optional();

const platformSchema = z.object({
  os: z.string(),
  architecture: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
});

const descriptorSchema = z.object({
  mediaType: z.string().optional(),
  digest,
  size: z.number().int().nonnegative(),
  annotations,
});

const indexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema.extend({ platform: platformSchema.optional() })),
  annotations,
});

const imageSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  annotations,
});

export interface Descriptor {
  mediaType: string | undefined;
  digest: string;
  size: number;
  annotations: Record<string, string>;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface IndexManifest {
  kind: 'index';
  mediaType: string;
  /** Digest of the exact bytes served. */
  digest: string;
  manifests: (Descriptor & { platform?: Platform })[];
  annotations: Record<string, string>;
}

export interface ImageManifest {
  kind: 'image';
  mediaType: string;
  digest: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations: Record<string, string>;
}

export type Manifest = IndexManifest | ImageManifest;

/** What getImageConfig returns: the interesting parts of the config blob. */
export interface ImageConfig {
  digest: string;
  created: string | undefined;
  labels: Record<string, string>;
  os: string | undefined;
  architecture: string | undefined;
  variant: string | undefined;
  /** Uncompressed layer digests (rootfs.diff_ids). */
  diffIds: string[];
}

const configSchema = z.object({
  created: z.string().optional(),
  os: z.string().optional(),
  architecture: z.string().optional(),
  variant: z.string().optional(),
  config: z.object({ Labels: z.record(z.string(), z.string()).nullish() }).nullish(),
  rootfs: z.object({ diff_ids: z.array(z.string()).optional() }).optional(),
});

const INDEX_TYPES = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'unexpected shape';
}

function toDescriptor(d: z.infer<typeof descriptorSchema>): Descriptor {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: d.annotations ?? {} };
}

/** Parses manifest bytes; the media type comes from the body, else from the Content-Type header. */
export function parseManifest(body: Buffer, contentType: string | undefined, bodyDigest: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Error('the manifest is not valid JSON');
  }
  const declared = (json as { mediaType?: unknown })?.mediaType;
  const mediaType = typeof declared === 'string' ? declared : (contentType?.split(';')[0]?.trim() ?? '');
  const looksLikeIndex = INDEX_TYPES.has(mediaType) || (Array.isArray((json as { manifests?: unknown })?.manifests) && !mediaType);
  if (looksLikeIndex) {
    const parsed = indexSchema.safeParse(json);
    if (!parsed.success) throw new Error(`the image index is malformed (${describeIssue(parsed.error)})`);
    const manifests = parsed.data.manifests.map((m) => ({ ...toDescriptor(m), ...(m.platform ? { platform: platformOf(m.platform) } : {}) }));
    return { kind: 'index', mediaType: mediaType || MEDIA_TYPES.ociIndex, digest: bodyDigest, manifests, annotations: parsed.data.annotations ?? {} };
  }
  const parsed = imageSchema.safeParse(json);
  if (!parsed.success) throw new Error(`the manifest is malformed or of an unsupported kind "${mediaType}" (${describeIssue(parsed.error)})`);
  return {
    kind: 'image',
    mediaType: mediaType || MEDIA_TYPES.ociManifest,
    digest: bodyDigest,
    config: toDescriptor(parsed.data.config),
    layers: parsed.data.layers.map(toDescriptor),
    annotations: parsed.data.annotations ?? {},
  };
}

function platformOf(p: z.infer<typeof platformSchema>): Platform {
  return p.variant ? { os: p.os, architecture: p.architecture, variant: p.variant } : { os: p.os, architecture: p.architecture };
}

export function parseImageConfig(body: Buffer, configDigest: string): ImageConfig {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Error('the image config blob is not valid JSON');
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) throw new Error(`the image config blob is malformed (${describeIssue(parsed.error)})`);
  const c = parsed.data;
  return {
    digest: configDigest,
    created: c.created,
    labels: c.config?.Labels ?? {},
    os: c.os,
    architecture: c.architecture,
    variant: c.variant,
    diffIds: c.rootfs?.diff_ids ?? [],
  };
}

/** `linux/arm64/v8` → { os, architecture, variant }. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant] = text.split('/');
  if (!os || !architecture) throw new Error(`invalid platform "${text}": expected os/architecture[/variant]`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** The index entry for a platform; a missing variant in the ask matches any variant. */
export function selectPlatform(index: IndexManifest, wanted: Platform): (Descriptor & { platform?: Platform }) | undefined {
  return index.manifests.find((m) => {
    if (m.platform?.os !== wanted.os || m.platform.architecture !== wanted.architecture) return false;
    if (wanted.variant === undefined) return true;
    // arm64 images often leave out the variant they all share.
    const variant = m.platform.variant ?? (m.platform.architecture === 'arm64' ? 'v8' : undefined);
    return variant === wanted.variant;
  });
}
