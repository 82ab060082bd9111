// PyPI project metadata in the shared lookup cache: one index request per project and period for the whole fleet.
import type { PypiDatasource, PypiProject } from './index.js';
import { DEFAULT_INDEX_URL } from './index.js';
import { lookupKey, scopeFor, urlHasCredentials, urlKeyPart } from '../../cache/keys.js';
import type { LookupCache } from '../../cache/types.js';

export function sharedPypi(pypi: PypiDatasource, cache: LookupCache, installationId: number | undefined, ttlSeconds: number): PypiDatasource {
  return {
    getProject(name: string, indexUrl?: string): Promise<PypiProject> {
      const index = indexUrl ?? DEFAULT_INDEX_URL;
      // An index URL that carries credentials (`https://user:token@host/simple`) is private to its installation.
      const scope = scopeFor(urlHasCredentials(index), installationId);
      const key = lookupKey(scope, 'pypi', urlKeyPart(index), name.toLowerCase().replace(/[-_.]+/g, '-'));
      return cache.getOrLoad(key, ttlSeconds, () => pypi.getProject(name, indexUrl));
    },
  };
}
