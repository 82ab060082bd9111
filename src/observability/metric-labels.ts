// Label values /metrics may show for what outsiders choose (registry hosts, statuses): a fixed set, so nobody adds series.
import type { ServiceEnv } from '../config/env.js';

/**
 * Public registries by label, with the domains their API, token and blob hosts live under
 * (registry-1.docker.io, auth.docker.io → docker.io; us-docker.pkg.dev → pkg.dev). A subdomain
 * takes its registry's label, so no subdomain adds a value.
 */
const PUBLIC_REGISTRIES: readonly (readonly [label: string, domains: readonly string[]])[] = [
  ['docker.io', ['docker.io', 'docker.com']],
  ['ghcr.io', ['ghcr.io', 'pkg-containers.githubusercontent.com']],
  ['quay.io', ['quay.io']],
  ['gcr.io', ['gcr.io']],
  ['pkg.dev', ['pkg.dev']],
  ['registry.k8s.io', ['registry.k8s.io']],
  ['public.ecr.aws', ['public.ecr.aws']],
  ['amazonaws.com', ['amazonaws.com']],
  ['mcr.microsoft.com', ['mcr.microsoft.com']],
  ['azurecr.io', ['azurecr.io']],
  ['registry.gitlab.com', ['registry.gitlab.com', 'gitlab.com']],
  ['nvcr.io', ['nvcr.io']],
  ['cgr.dev', ['cgr.dev']],
  ['registry.access.redhat.com', ['registry.access.redhat.com']],
  ['registry.redhat.io', ['registry.redhat.io']],
  ['docker.elastic.co', ['docker.elastic.co']],
  ['pypi.org', ['pypi.org', 'files.pythonhosted.org']],
  ['alpinelinux.org', ['alpinelinux.org']],
  ['ubuntu.com', ['ubuntu.com']],
];

/** The label for every host that is neither a public registry nor one the app's settings name. */
export const OTHER = 'other';

/** `Host:Port.` → `host` and `port`; IPv6 keeps its brackets. */
function splitHost(host: string): { name: string; port: string | undefined } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host.trim().toLowerCase());
  if (!match) return { name: host.trim().toLowerCase(), port: undefined };
  return { name: match[1]!.replace(/\.$/, ''), port: match[2] || undefined };
}

const joined = (name: string, port: string | undefined) => (port ? `${name}:${port}` : name);

/**
 * Maps a request's `host[:port]` to its label: a host the settings name (as written there; a
 * setting without a port covers every port), else the public registry it belongs to, else `other`.
 */
export function registryHostLabel(knownHosts: readonly string[]): (host: string) => string {
  const known = new Set(knownHosts.map((h) => splitHost(h)).filter((h) => h.name !== '').map((h) => joined(h.name, h.port)));
  return (host) => {
    const { name, port } = splitHost(host);
    if (known.has(joined(name, port))) return joined(name, port);
    if (known.has(name)) return name;
    const registry = PUBLIC_REGISTRIES.find(([, domains]) => domains.some((d) => name === d || name.endsWith(`.${d}`)));
    return registry?.[0] ?? OTHER;
  };
}

/**
 * The registry hosts the app's settings name: FRESHEN_INSECURE_REGISTRIES, the hosts a
 * FRESHEN_REGISTRY_CREDENTIALS entry lists (`hosts`), PIP_INDEX_URL's host.
 */
export function configuredRegistryHosts(env: Pick<ServiceEnv, 'FRESHEN_INSECURE_REGISTRIES' | 'FRESHEN_REGISTRY_CREDENTIALS' | 'PIP_INDEX_URL'>): string[] {
  const credentialHosts = Object.values(env.FRESHEN_REGISTRY_CREDENTIALS).flatMap((credential) =>
    'hosts' in credential && Array.isArray(credential.hosts) ? credential.hosts.filter((h): h is string => typeof h === 'string') : [],
  );
  const pipHost = env.PIP_INDEX_URL ? [new URL(env.PIP_INDEX_URL).host] : [];
  return [...env.FRESHEN_INSECURE_REGISTRIES, ...credentialHosts, ...pipHost];
}

/** Statuses kept as they are; any other is counted by class (a hostile registry picks its status too). */
const COMMON_STATUSES = new Set([
  200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308,
  400, 401, 403, 404, 405, 406, 408, 409, 410, 412, 413, 415, 416, 422, 429, 500, 501, 502, 503, 504,
]);

/** `404`, `2xx` for an unusual success, `error` when no answer came, `other` outside 100-599. */
export function statusLabel(status: number | 'error'): string {
  if (status === 'error') return 'error';
  if (COMMON_STATUSES.has(status)) return String(status);
  return Number.isInteger(status) && status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : OTHER;
}

/** GitHub's rate-limit resources (x-ratelimit-resource); a server answering otherwise gets `other`. */
const RATE_LIMIT_RESOURCES = new Set([
  'core', 'search', 'code_search', 'graphql', 'integration_manifest', 'source_import', 'code_scanning_upload',
  'code_scanning_autofix', 'actions_runner_registration', 'scim', 'dependency_snapshots', 'dependency_sbom', 'audit_log', 'audit_log_streaming',
]);

export function rateLimitResourceLabel(resource: string): string {
  return RATE_LIMIT_RESOURCES.has(resource) ? resource : OTHER;
}
