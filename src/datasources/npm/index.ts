// npm package versions from the registry the repository uses, through npm-registry-fetch (npm's own client).
import npmFetch from 'npm-registry-fetch';
import { HostPolicy, resolveAllowedAddress, systemLookup, unbracket, portOf, type DnsLookup } from '../../http/address-guard.js';
import type { Logger } from '../../types.js';
import { silentLogger } from '../../types.js';
import { npmOptionsFrom, redactSecrets, secretsOf, type NpmOptions, type NpmrcInput } from './config.js';

export { npmOptionsFrom, redactSecrets, secretsOf, toNpmrc, type NpmOptions, type NpmrcInput } from './config.js';

export interface NpmVersion {
  version: string;
  /** Publish time (full packument `time`), for the release-age rule. */
  publishedAt?: string;
  /** The deprecation message, when the version is deprecated. */
  deprecated?: string;
}

export interface NpmPackage {
  name: string;
  versions: NpmVersion[];
  distTags: Record<string, string>;
  /** The source repository URL (`repository` field), normalized to https where it is a known host. */
  sourceUrl?: string;
  homepage?: string;
  registry: string;
}

export interface NpmDatasource {
  getPackage(name: string): Promise<NpmPackage>;
  /** Credential values from the npmrc files, so callers can scrub them from text they show. */
  readonly secrets: string[];
  readonly options: NpmOptions;
}

export interface NpmDatasourceOptions extends NpmrcInput {
  /** `host:port` entries that may use plain HTTP and private addresses (FRESHEN_INSECURE_REGISTRIES). */
  insecureRegistries?: readonly string[];
  timeoutMs?: number;
  lookup?: DnsLookup;
  log?: Logger;
}

/** `git+https://github.com/a/b.git`, `github:a/b`, `a/b` → `https://github.com/a/b`. */
export function normalizeRepositoryUrl(repository: unknown): string | undefined {
  const raw = typeof repository === 'string' ? repository : (repository as { url?: unknown } | null)?.url;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  let url = raw.trim();
  const shorthand = /^(?:(github|gitlab|bitbucket):)?([\w.-]+)\/([\w.-]+)$/.exec(url);
  if (shorthand) {
    const host = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org' }[shorthand[1] ?? 'github'];
    return `https://${host}/${shorthand[2]}/${shorthand[3]!.replace(/\.git$/, '')}`;
  }
  url = url.replace(/^git\+/, '').replace(/^git:\/\//, 'https://').replace(/^ssh:\/\/git@/, 'https://').replace(/^git@([^:]+):/, 'https://$1/');
  url = url.replace(/\.git$/, '').replace(/\/$/, '');
  return /^https?:\/\//.test(url) ? url : undefined;
}

function toPackage(name: string, registry: string, doc: Record<string, unknown>): NpmPackage {
  const versionsDoc = (doc.versions ?? {}) as Record<string, { deprecated?: unknown; repository?: unknown }>;
  const time = (doc.time ?? {}) as Record<string, unknown>;
  const versions: NpmVersion[] = Object.entries(versionsDoc).map(([version, manifest]) => {
    const publishedAt = time[version];
    const deprecated = manifest?.deprecated;
    return {
      version,
      ...(typeof publishedAt === 'string' ? { publishedAt } : {}),
      ...(typeof deprecated === 'string' && deprecated !== '' ? { deprecated } : {}),
    };
  });
  // Registries copy `repository` to the top level from the latest manifest; some only keep it per version.
  const latest = versionsDoc[((doc['dist-tags'] ?? {}) as Record<string, string>).latest ?? ''] as { repository?: unknown } | undefined;
  const sourceUrl = normalizeRepositoryUrl(doc.repository ?? latest?.repository);
  return {
    name,
    registry,
    versions,
    distTags: (doc['dist-tags'] ?? {}) as Record<string, string>,
    ...(sourceUrl ? { sourceUrl } : {}),
    ...(typeof doc.homepage === 'string' ? { homepage: doc.homepage } : {}),
  };
}

export function createNpmDatasource(options: NpmDatasourceOptions = {}): NpmDatasource {
  const npmOptions = npmOptionsFrom(options);
  const secrets = secretsOf(npmOptions);
  const policy = new HostPolicy(options.insecureRegistries ?? []);
  const log = options.log ?? silentLogger;

  // npm-registry-fetch has its own HTTP stack, so the host policy is checked here before each lookup.
  async function checkRegistry(registry: string): Promise<void> {
    const url = new URL(registry);
    policy.checkScheme(url);
    await resolveAllowedAddress(unbracket(url.hostname), portOf(url), policy, options.lookup ?? systemLookup);
  }

  return {
    secrets,
    options: npmOptions,
    async getPackage(name) {
      const registry = npmFetch.pickRegistry(name, npmOptions);
      await checkRegistry(registry);
      const path = `/${name.replace('/', '%2f')}`;
      try {
        const doc = await npmFetch.json(path, {
          ...npmOptions,
          registry: npmOptions.registry ?? registry,
          spec: name,
          headers: { accept: 'application/json' },
          timeout: options.timeoutMs ?? 30_000,
          retry: { retries: 2, minTimeout: 200, maxTimeout: 2000 },
          preferOnline: true,
        } as npmFetch.Options);
        return toPackage(name, registry, doc);
      } catch (err) {
        const message = redactSecrets(err instanceof Error ? err.message : String(err), secrets);
        log.debug({ depName: name, registry }, 'npm lookup failed');
        throw new Error(`npm registry ${new URL(registry).host}: ${message}`);
      }
    },
  };
}
