// Splits a normalized image name into the registry to ask and the repository path on it.

export interface RepositoryName {
  /** The registry as users write it and credentials are keyed: docker.io, ghcr.io, 127.0.0.1:5000. */
  registry: string;
  /** The host:port the API lives on (docker.io → registry-1.docker.io). */
  apiHost: string;
  /** Path on the registry: library/node, team/app. */
  repository: string;
}

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** The registry name credentials are filed under, with Docker Hub's aliases folded into docker.io. */
export function canonicalRegistry(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

function looksLikeDomain(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component !== component.toLowerCase();
}

/**
 * `docker.io/library/node` → docker.io + library/node; `node` → docker.io + library/node;
 * `127.0.0.1:5000/team/app` → 127.0.0.1:5000 + team/app. Tags and digests must already be cut off.
 */
export function parseRepositoryName(depName: string): RepositoryName {
  if (depName === '' || /[@\s]/.test(depName)) throw new Error(`invalid image name "${depName}"`);
  const slash = depName.indexOf('/');
  const first = slash === -1 ? '' : depName.slice(0, slash);
  const hasDomain = slash !== -1 && looksLikeDomain(first);
  const registry = hasDomain ? canonicalRegistry(first) : DOCKER_HUB;
  let repository = hasDomain ? depName.slice(slash + 1) : depName;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (repository === '' || repository !== repository.toLowerCase()) {
    throw new Error(`invalid image name "${depName}": the repository path must be non-empty and lowercase`);
  }
  return { registry, apiHost: registry === DOCKER_HUB ? DOCKER_HUB_API : registry, repository };
}
