// A repository's registries paired with the app's credentials: each credential goes only to the hosts its entry lists.
import type { AppRegistryCredential } from '../config/env.js';
import { CONFIG_PATH, type RepoConfig } from '../config/repo-config.js';
import { registryFromAuthKey, type RegistryCredential } from '../datasources/oci/index.js';
import type { LocatedError } from '../types.js';

export interface RepositoryCredentials {
  /** Registry host → the app's credential, for the config's registries that credential lists. */
  credentials: Record<string, RegistryCredential>;
  /** Registries naming a credential the app does not have for that host (read anonymously): for the dashboard. */
  errors: LocatedError[];
}

export function repositoryCredentials(registries: RepoConfig['registries'], app: Readonly<Record<string, AppRegistryCredential>>): RepositoryCredentials {
  const found: RepositoryCredentials = { credentials: {}, errors: [] };
  registries.forEach((registry, i) => {
    if (!registry.credentials) return;
    const credential = Object.hasOwn(app, registry.credentials) ? app[registry.credentials] : undefined;
    const host = registryFromAuthKey(registry.host);
    if (!credential?.hosts.some((listed) => registryFromAuthKey(listed) === host)) {
      // One answer whether the name is unknown or meant for other hosts: a repository learns nothing of the app's credentials.
      found.errors.push({
        file: CONFIG_PATH,
        message: `registries[${i}].credentials: the app has no credential "${registry.credentials}" for ${registry.host}; that registry is read without credentials`,
      });
      return;
    }
    found.credentials[registry.host] = credential;
  });
  return found;
}
