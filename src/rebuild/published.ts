// Reads what the published image says it was built from: `org.opencontainers.image.base.{name,digest}`.
import { parseImageReference } from '../image/reference.js';
import type { PublishedBase, PublishedBaseReader } from './decide.js';

export const BASE_NAME = 'org.opencontainers.image.base.name';
export const BASE_DIGEST = 'org.opencontainers.image.base.digest';

/** The registry reads this needs; the OCI datasource's client has both. */
export interface PublishedImageSource {
  getManifest(depName: string, ref: string): Promise<{ annotations: Record<string, string> }>;
  getImageConfig(depName: string, ref: string): Promise<{ labels: Record<string, string> }>;
}

function fromFields(fields: Record<string, string>): PublishedBase | null {
  const digest = fields[BASE_DIGEST];
  if (!digest) return null;
  return { name: fields[BASE_NAME] ?? null, digest };
}

/** Manifest annotations first (what `docker buildx --annotation` writes), then the image config's labels. */
export function publishedBaseReader(source: PublishedImageSource): PublishedBaseReader {
  return async (image) => {
    const ref = parseImageReference(image);
    const tagOrDigest = ref.digest ?? ref.tag ?? 'latest';
    const manifest = await source.getManifest(ref.name, tagOrDigest);
    const annotated = fromFields(manifest.annotations);
    if (annotated) return annotated;
    return fromFields((await source.getImageConfig(ref.name, tagOrDigest)).labels);
  };
}
