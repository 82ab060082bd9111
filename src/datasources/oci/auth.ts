// Registry authentication: the /v2/ challenge, basic credentials and cached bearer tokens per scope.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import type { LookupCache } from '../../cache/index.js';
import type { HttpClient } from '../../http/index.js';
import { ExternalHostError } from '../../http/index.js';
import type { RegistryCredential } from './credentials.js';
import { RegistryError, registryErrorOf } from './errors.js';
import { canonicalRegistry, type RepositoryName } from './registry-name.js';

export type Challenge =
  | { scheme: 'none' }
  | { scheme: 'basic'; realm?: string }
  | { scheme: 'bearer'; realm: string; service?: string; scope?: string; error?: string };

/** Parses `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. */
export function parseChallenge(header: string | undefined): Challenge {
  if (!header) return { scheme: 'none' };
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  const scheme = match?.[1]?.toLowerCase();
  const params: Record<string, string> = {};
  // A name starts where a word starts: tried from inside a long word, it backtracks quadratically.
  for (const m of (match?.[2] ?? '').matchAll(/(?<![\w-])([\w-]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  if (scheme === 'basic') return { scheme: 'basic', ...(params.realm ? { realm: params.realm } : {}) };
  if (scheme === 'bearer' && params.realm) {
    return {
      scheme: 'bearer',
      realm: params.realm,
      ...(params.service ? { service: params.service } : {}),
      ...(params.scope ? { scope: params.scope } : {}),
      ...(params.error ? { error: params.error } : {}),
    };
  }
  return { scheme: 'none' };
}

const tokenAnswer = z.object({
  token: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
});

/** A user and password: basic auth, or exchanged at the token service for a bearer token. */
type PasswordCredential = Extract<RegistryCredential, { username: string }>;

interface Session {
  /** https://host or http://host (insecure hosts that do not speak TLS). */
  baseUrl: string;
  challenge: Challenge;
  credential: RegistryCredential | undefined;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

function basicHeader(credential: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
}

/** One per OCI client: remembers each registry's scheme and challenge, and tokens per scope. */
export class RegistryAuth {
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly tokens = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly http: HttpClient,
    private readonly credentialFor: (registry: string) => Promise<RegistryCredential | undefined>,
    /** Shares what any caller may see across scans and workers: each registry's challenge, anonymous tokens. */
    private readonly shared?: LookupCache,
  ) {}

  session(name: RepositoryName): Promise<Session> {
    let session = this.sessions.get(name.registry);
    if (!session) {
      session = this.ping(name);
      this.sessions.set(name.registry, session);
      // A failed ping (registry down) is asked again next time rather than remembered.
      session.catch(() => this.sessions.delete(name.registry));
    }
    return session;
  }

  /** The Authorization header for pulling from this repository, or undefined when none is needed or known. */
  async authorization(name: RepositoryName, scope = pullScope(name.repository)): Promise<string | undefined> {
    const { challenge, credential } = await this.session(name);
    if (credential && 'token' in credential) return `Bearer ${credential.token}`;
    if (challenge.scheme === 'basic') return credential ? basicHeader(credential) : undefined;
    if (challenge.scheme !== 'bearer') return undefined;
    const token = await this.bearerToken(name, challenge, scope, credential);
    return `Bearer ${token.value}`;
  }

  /**
   * Called after a 401: drops the cached token and fetches one for the scope the registry now asks
   * for. Returns the header to retry with once, or undefined when retrying cannot help.
   */
  async reauthorize(name: RepositoryName, wwwAuthenticate: string | undefined): Promise<string | undefined> {
    const challenge = parseChallenge(wwwAuthenticate);
    const { credential } = await this.session(name);
    if (challenge.scheme !== 'bearer' || (credential && 'token' in credential)) return undefined;
    const scope = challenge.scope ?? pullScope(name.repository);
    this.tokens.delete(this.tokenKey(name, challenge, scope));
    const token = await this.bearerToken(name, challenge, scope, credential);
    return `Bearer ${token.value}`;
  }

  private async ping(name: RepositoryName): Promise<Session> {
    const credential = await this.credentialFor(name.registry);
    if (!this.shared) return { ...(await this.probe(name)), credential };
    // The challenge is the same for everyone, so one ping per hour serves the whole fleet.
    const probed = await this.shared.getOrLoad(`lookup:public:registry-challenge:${name.apiHost}`, 3600, () => this.probe(name));
    return { ...probed, credential };
  }

  private async probe(name: RepositoryName): Promise<Omit<Session, 'credential'>> {
    // Listed (insecure) hosts may speak plain HTTP; like Docker, try TLS first and fall back.
    const schemes = this.http.isInsecureHost(name.apiHost) ? ['https', 'http'] : ['https'];
    let lastError: unknown;
    for (const scheme of schemes) {
      const baseUrl = `${scheme}://${name.apiHost}`;
      try {
        const res = await this.http.request(`${baseUrl}/v2/`, { retries: scheme === 'https' && schemes.length > 1 ? 0 : undefined });
        const challenge = res.status === 401 ? parseChallenge(res.headers['www-authenticate']) : { scheme: 'none' as const };
        return { baseUrl, challenge };
      } catch (err) {
        lastError = err;
        if (!(err instanceof ExternalHostError) || err.status !== undefined) throw err;
      }
    }
    throw lastError;
  }

  private tokenKey(name: RepositoryName, challenge: { realm: string; service?: string }, scope: string): string {
    return `${name.registry}\n${challenge.realm}\n${challenge.service ?? ''}\n${scope}`;
  }

  private bearerToken(
    name: RepositoryName,
    challenge: { realm: string; service?: string },
    scope: string,
    credential: PasswordCredential | undefined,
  ): Promise<CachedToken> {
    const key = this.tokenKey(name, challenge, scope);
    const cached = this.tokens.get(key);
    if (cached) {
      return cached.then((token) => {
        if (token.expiresAt > Date.now()) return token;
        this.tokens.delete(key);
        return this.bearerToken(name, challenge, scope, credential);
      });
    }
    const fresh = credential || !this.shared ? this.fetchToken(name, challenge, scope, credential) : this.sharedAnonymousToken(key, name, challenge, scope);
    this.tokens.set(key, fresh);
    fresh.catch(() => this.tokens.delete(key));
    return fresh;
  }

  /** Anonymous pull tokens carry no one's rights, so workers share them until shortly before they expire. */
  private async sharedAnonymousToken(key: string, name: RepositoryName, challenge: { realm: string; service?: string }, scope: string): Promise<CachedToken> {
    const cacheKey = `lookup:public:registry-token:${createHash('sha256').update(key).digest('hex')}`;
    const token = await this.shared!.get<CachedToken>(cacheKey);
    if (token && token.expiresAt > Date.now() + 5_000) return token;
    const fresh = await this.fetchToken(name, challenge, scope, undefined);
    await this.shared!.set(cacheKey, fresh, Math.max(1, Math.floor((fresh.expiresAt - Date.now()) / 1000)));
    return fresh;
  }

  private async fetchToken(
    name: RepositoryName,
    challenge: { realm: string; service?: string },
    scope: string,
    credential: PasswordCredential | undefined,
  ): Promise<CachedToken> {
    const url = new URL(challenge.realm);
    if (challenge.service) url.searchParams.set('service', challenge.service);
    url.searchParams.append('scope', scope);
    if (credential && !credentialMayGoTo(credential, name.apiHost, url)) {
      const where = credential.hosts ? 'which is not one of the hosts its credential may be sent to' : "which is neither that registry's host nor in its domain";
      throw new RegistryError(`${name.registry} asks for its token at ${url.host}, ${where}; Freshen does not send that registry's credentials there`, name.registry, 401);
    }
    const headers: Record<string, string> = credential ? { authorization: basicHeader(credential) } : {};
    const res = await this.http.request(url.href, { headers });
    if (res.status !== 200) {
      const { code, message } = registryErrorOf(res.body);
      const refused = res.status === 401 || res.status === 403;
      const hint = refused ? (credential ? ': the credentials were refused' : ': no credentials are configured for it') : '';
      throw new RegistryError(
        `the token service of ${name.registry} answered ${res.status}${code ? ` ${code}` : ''}${message ? ` (${message})` : ''} for ${scope}${hint}`,
        name.registry,
        res.status,
        code,
      );
    }
    const parsed = tokenAnswer.safeParse(safeJson(res.body));
    const value = parsed.success ? (parsed.data.token ?? parsed.data.access_token) : undefined;
    if (!value) throw new RegistryError(`the token service of ${name.registry} answered without a token`, name.registry, res.status);
    const lifetimeS = parsed.data?.expires_in && parsed.data.expires_in > 0 ? parsed.data.expires_in : 60;
    // Renew a little early so a token does not expire between our check and the registry's.
    return { value, expiresAt: Date.now() + (lifetimeS - Math.min(30, lifetimeS / 4)) * 1000 };
  }
}

/** A credential that lists its hosts goes to those alone; one from Docker's config to the registry's host or domain. */
export function credentialMayGoTo(credential: { hosts?: readonly string[] }, registryHost: string, url: URL): boolean {
  if (!credential.hosts) return realmMayReceiveCredentials(registryHost, url);
  const host = canonicalRegistry(url.host);
  return credential.hosts.some((listed) => canonicalRegistry(listed) === host);
}

/**
 * The realm of a registry's challenge is chosen by whoever answers for that registry: its
 * credentials go only to the registry's own host or a host in its parent domain
 * (registry-1.docker.io → auth.docker.io, registry.gitlab.com → gitlab.com). The port may differ.
 */
export function realmMayReceiveCredentials(registryHost: string, realm: URL): boolean {
  const registry = registryHost.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  const realmHost = realm.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (realmHost === registry) return true;
  if (isIP(registry) || isIP(realmHost)) return false;
  const labels = registry.split('.');
  if (labels.length < 3) return realmHost.endsWith(`.${registry}`);
  const parent = labels.slice(1).join('.');
  return realmHost === parent || realmHost.endsWith(`.${parent}`);
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
