// npm package versions in the shared lookup cache: one registry request per package and period for the whole fleet.
import { packumentUrl, registryOf, sendsCredentials, type NpmDatasource, type NpmPackage } from './index.js';
import { getOrLoadReadable } from '../../cache/checked.js';
import { lookupKey, scopeFor, urlKeyPart } from '../../cache/keys.js';
import type { LookupCache } from '../../cache/types.js';

/**
 * An answer npm needed credentials for (a token or password for that registry in the npmrc
 * settings, or one in its URL) stays with its installation; the key never holds a credential.
 */
export function sharedNpm(npm: NpmDatasource, cache: LookupCache, installationId: number | undefined, ttlSeconds: number): NpmDatasource {
  return {
    secrets: npm.secrets,
    options: npm.options,
    async getPackage(name: string): Promise<NpmPackage> {
      const registry = registryOf(name, npm.options);
      const scope = scopeFor(sendsCredentials(packumentUrl(registry, name), npm.options), installationId);
      const key = lookupKey(scope, 'npm', urlKeyPart(registry), encodeURIComponent(name));
      return getOrLoadReadable(cache, key, ttlSeconds, () => npm.getPackage(name), readPackage);
    },
  };
}

/** A stored package, unless it lacks what the planner reads (then the registry is asked). */
function readPackage(stored: unknown): NpmPackage | undefined {
  const pkg = stored as Partial<NpmPackage> | null;
  const usable = typeof pkg?.name === 'string' && typeof pkg.registry === 'string' && Array.isArray(pkg.versions) &&
    pkg.versions.every((v: unknown) => typeof (v as { version?: unknown } | null)?.version === 'string');
  return usable ? (pkg as NpmPackage) : undefined;
}
