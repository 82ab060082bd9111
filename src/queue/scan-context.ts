// The engine's per-job context in production: an OCI client with the repository's registry credentials.
import type { ServiceEnv } from '../config/env.js';
import { createOciClient, type RegistryCredential } from '../datasources/oci/index.js';
import type { ScanContextFactory } from './scan-repo.js';

/** Repository configs name credentials; only the app's environment holds the secrets. */
export function registryScanContext(
  env: Pick<ServiceEnv, 'FRESHEN_INSECURE_REGISTRIES' | 'FRESHEN_REGISTRY_CREDENTIALS'>,
): ScanContextFactory {
  return ({ config, log }) => {
    const credentials: Record<string, RegistryCredential> = {};
    for (const registry of config.registries) {
      if (!registry.credentials) continue;
      const secret = env.FRESHEN_REGISTRY_CREDENTIALS[registry.credentials];
      if (!secret) {
        log.warn({ registry: registry.host, credentials: registry.credentials }, 'config names a credential the app does not have; anonymous access');
        continue;
      }
      credentials[registry.host] = secret;
    }
    return { images: createOciClient({ insecureRegistries: env.FRESHEN_INSECURE_REGISTRIES, credentials, log }), log };
  };
}
