// A loopback bearer-token server issuing RS256 JWTs that the CNCF distribution registry accepts.
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';

export interface TokenServerOptions {
  /** Directory for the key and the self-signed certificate (the registry's rootcertbundle). */
  dir: string;
  port: number;
  /** user → password; these users get every action they ask for. */
  users: Record<string, string>;
  /** Repositories anonymous callers may pull. */
  anonymousPull?: string[];
  service?: string;
  issuer?: string;
  /** Seconds a token lives. */
  expiresIn?: number;
}

export interface IssuedToken {
  user: string | null;
  scopes: string[];
  granted: { name: string; actions: string[] }[];
}

export interface TokenServer {
  url: string;
  realm: string;
  service: string;
  issuer: string;
  certPath: string;
  /** The registry's `auth.token` block, indented to go under `auth:`. */
  registryAuthYaml: string;
  issued: IssuedToken[];
  stop(): Promise<void>;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Docker's libtrust key id: sha256 of the SPKI DER, first 240 bits, base32, groups of 4 joined by ':'. */
export function libtrustKeyId(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  const encoded = base32(createHash('sha256').update(der).digest().subarray(0, 30));
  return encoded.match(/.{4}/g)!.join(':');
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Makes an RSA key and a self-signed certificate for it with the openssl CLI. */
function makeKeyAndCert(dir: string): { keyPath: string; certPath: string } {
  const keyPath = join(dir, 'token-key.pem');
  const certPath = join(dir, 'token-cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '2', '-subj', '/CN=freshen-test-token-server',
  ], { stdio: 'ignore' });
  return { keyPath, certPath };
}

function userOf(req: IncomingMessage, users: Record<string, string>): string | null | 'refused' {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (!match) return 'refused';
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && users[user] === decoded.slice(colon + 1) ? user : 'refused';
}

/** `repository:team/app:pull,push` → { name, actions }. */
function parseScope(scope: string): { name: string; actions: string[] } | undefined {
  const match = /^repository:(.+):([a-z*,]+)$/.exec(scope);
  return match ? { name: match[1]!, actions: match[2]!.split(',') } : undefined;
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const { keyPath, certPath } = makeKeyAndCert(options.dir);
  const privateKey = readFileSync(keyPath, 'utf8');
  const kid = libtrustKeyId(readFileSync(certPath, 'utf8'));
  const service = options.service ?? 'freshen-test-registry';
  const issuer = options.issuer ?? 'freshen-test-token-server';
  const issued: IssuedToken[] = [];

  const signToken = (user: string | null, access: { name: string; actions: string[] }[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', kid };
    const claims = {
      iss: issuer, sub: user ?? '', aud: service, iat: now, nbf: now - 5, exp: now + (options.expiresIn ?? 300),
      jti: randomUUID(), access: access.map((a) => ({ type: 'repository', ...a })),
    };
    const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    return `${unsigned}.${base64url(sign('sha256', Buffer.from(unsigned), privateKey))}`;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    if (url.pathname === '/log') return json(res, 200, issued);
    if (url.pathname !== '/token') return json(res, 404, { error: 'not found' });
    const user = userOf(req, options.users);
    if (user === 'refused') return json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'wrong user or password' }] });
    const scopes = url.searchParams.getAll('scope');
    const granted = scopes.flatMap((scope) => {
      const asked = parseScope(scope);
      if (!asked) return [];
      if (user !== null) return [asked];
      const pull = (options.anonymousPull ?? []).includes(asked.name) && asked.actions.includes('pull');
      return pull ? [{ name: asked.name, actions: ['pull'] }] : [];
    });
    issued.push({ user, scopes, granted });
    const token = signToken(user, granted);
    // Real token services answer with either field; send both like Docker Hub does.
    json(res, 200, { token, access_token: token, expires_in: options.expiresIn ?? 300, issued_at: new Date().toISOString() });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${options.port}`;
  const registryAuthYaml = [
    '  token:',
    `    realm: ${url}/token`,
    `    service: ${service}`,
    `    issuer: ${issuer}`,
    `    rootcertbundle: ${certPath}`,
  ].join('\n');
  return {
    url,
    realm: `${url}/token`,
    service,
    issuer,
    certPath,
    registryAuthYaml,
    issued,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Asks a token service for a token (e.g. with push rights, for test setup). */
export async function requestToken(realm: string, service: string, scope: string, user?: { username: string; password: string }): Promise<string> {
  const url = new URL(realm);
  url.searchParams.set('service', service);
  url.searchParams.set('scope', scope);
  const headers: Record<string, string> = user ? { authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}` } : {};
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`token request for ${scope} answered ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}
