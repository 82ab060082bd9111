// The OCI registry datasource: createOciClient() builds the per-scan image lookup.
import type { CacheTtls, LookupCache } from '../../cache/index.js';
import { createHttpClient, type HttpClient } from '../../http/index.js';
import type { Logger } from '../../types.js';
import { silentLogger } from '../../types.js';
import { OciClient } from './client.js';
import { credentialSource, type RegistryCredential } from './credentials.js';

export interface OciClientOptions {
  /** The HTTP client to use; when absent one is made from `insecureRegistries`. */
  http?: HttpClient;
  /** `host:port` or `host` entries (FRESHEN_INSECURE_REGISTRIES); only used when `http` is absent. */
  insecureRegistries?: string[];
  /** registry (docker.io, ghcr.io, host:port) → credential; wins over Docker's config.json. */
  credentials?: Record<string, RegistryCredential>;
  /** Directory holding Docker's config.json (DOCKER_CONFIG); defaults to ~/.docker. */
  dockerConfigDir?: string;
  log?: Logger;
  /** Tags asked per page of /tags/list. */
  tagPageSize?: number;
  maxTagPages?: number;
  /** A lookup cache shared beyond this client (Redis in the app): tags, digests, manifests, configs. */
  cache?: LookupCache;
  ttls?: CacheTtls;
  /** The installation the scan runs for: answers that needed credentials are cached for it alone. */
  installationId?: number;
}

/** Make one per scan: it remembers every answer it gives. */
export function createOciClient(options: OciClientOptions = {}): OciClient {
  const log = options.log ?? silentLogger;
  return new OciClient({
    http: options.http ?? createHttpClient({ insecureHosts: options.insecureRegistries ?? [], logger: log }),
    credentialFor: credentialSource({ credentials: options.credentials, dockerConfigDir: options.dockerConfigDir, log }),
    tagPageSize: options.tagPageSize ?? 1000,
    maxTagPages: options.maxTagPages ?? 100,
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.ttls ? { ttls: options.ttls } : {}),
    ...(options.installationId !== undefined ? { installationId: options.installationId } : {}),
  });
}

/** The engine's name for it: an ImageLookup backed by real registries. */
export const createImageLookup = createOciClient;

export { OciClient, isDigest } from './client.js';
export { RegistryError } from './errors.js';
export type { RegistryCredential } from './credentials.js';
export { registryFromAuthKey } from './credentials.js';
export { parseRepositoryName, type RepositoryName } from './registry-name.js';
export { MANIFEST_ACCEPT, MEDIA_TYPES, type Descriptor, type ImageConfig, type ImageManifest, type IndexManifest, type Manifest, type Platform } from '../../image/manifest.js';
