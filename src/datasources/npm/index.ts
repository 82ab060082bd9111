// npm package versions from the registry the repository uses, through npm-registry-fetch (npm's own client).
import npmFetch from 'npm-registry-fetch';
import { HostPolicy, resolveAllowedAddress, systemLookup, unbracket, portOf, type DnsLookup } from '../../http/address-guard.js';
import { BlockedHostError } from '../../http/errors.js';
import { withoutUserInfo } from '../../http/url.js';
import type { Logger } from '../../types.js';
import { silentLogger } from '../../types.js';
import { npmOptionsFrom, redactSecrets, secretsOf, type NpmOptions, type NpmrcInput } from './config.js';
import { guardedNpmAgent } from './guard.js';

export { NpmrcError, npmOptionsFrom, redactSecrets, secretsOf, sendsCredentials, toNpmrc, type NpmOptions, type NpmrcInput } from './config.js';

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
  /** The registry answering, without any credentials its URL carried (this value is cached and shown). */
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
  /** Largest packument read (default 64 MiB); a registry sending more is refused. */
  maxBodyBytes?: number;
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
    registry: withoutUserInfo(registry),
    versions,
    distTags: (doc['dist-tags'] ?? {}) as Record<string, string>,
    ...(sourceUrl ? { sourceUrl } : {}),
    ...(typeof doc.homepage === 'string' ? { homepage: doc.homepage } : {}),
  };
}

/** The registry npm asks about `name` (its scope's registry, else the default one). */
export function registryOf(name: string, options: NpmOptions): string {
  return npmFetch.pickRegistry(name, options);
}

/** A packument's path under its registry: a scoped name keeps its `@` and has its slash escaped. */
const packumentPath = (name: string): string => `/${name.replace('/', '%2f')}`;

/** The packument's URL, joined as npm-registry-fetch joins the registry and the path. */
export function packumentUrl(registry: string, name: string): string {
  return registry.trim().replace(/\/?$/, '') + packumentPath(name);
}

export function createNpmDatasource(options: NpmDatasourceOptions = {}): NpmDatasource {
  const npmOptions = npmOptionsFrom(options);
  const secrets = secretsOf(npmOptions);
  const policy = new HostPolicy(options.insecureRegistries ?? []);
  const log = options.log ?? silentLogger;
  const lookup = options.lookup ?? systemLookup;
  // npm-registry-fetch has its own HTTP stack: the registry is checked up front (a clear error), and
  // its agent checks every connection again, redirects included, on the address it connects to.
  const agent = guardedNpmAgent(policy, lookup);
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;

  async function checkRegistry(registry: string): Promise<void> {
    const url = new URL(registry);
    policy.checkScheme(url);
    await resolveAllowedAddress(unbracket(url.hostname), portOf(url), policy, lookup);
  }

  return {
    secrets,
    options: npmOptions,
    async getPackage(name) {
      const registry = registryOf(name, npmOptions);
      await checkRegistry(registry);
      try {
        const res = await npmFetch(packumentPath(name), {
          ...npmOptions,
          registry: npmOptions.registry ?? registry,
          spec: name,
          headers: { accept: 'application/json' },
          timeout: options.timeoutMs ?? 30_000,
          retry: { retries: 2, minTimeout: 200, maxTimeout: 2000 },
          preferOnline: true,
          // minipass-fetch asks a function agent per URL; the typings only know a fixed Agent.
          agent: agent as unknown as npmFetch.Options['agent'],
        } as npmFetch.Options);
        const doc = JSON.parse(await readCapped(res.body, maxBodyBytes)) as Record<string, unknown>;
        return toPackage(name, registry, doc);
      } catch (err) {
        if (err instanceof BlockedHostError) throw err;
        const blocked = blockedCause(err);
        if (blocked) throw blocked;
        const message = redactSecrets(err instanceof Error ? err.message : String(err), secrets);
        log.debug({ depName: name, registry }, 'npm lookup failed');
        throw new Error(`npm registry ${new URL(registry).host}: ${message}`);
      }
    },
  };
}

/** The packument text, refused past `maxBytes` (a registry may not exhaust the worker's memory). */
async function readCapped(body: AsyncIterable<Buffer | string>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > maxBytes) throw new Error(`the package document is larger than ${maxBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The host policy's refusal inside npm's wrapped error (FetchError keeps it as the reason). */
function blockedCause(err: unknown): BlockedHostError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof BlockedHostError) return e;
    const { cause, reason } = e as { cause?: unknown; reason?: unknown };
    e = cause ?? reason;
  }
  return undefined;
}
