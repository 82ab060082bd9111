// Who is calling the simulation: app JWT (optionally signature-checked), installation token, or nobody.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Auth, InstallationToken } from './types.js';

export interface AuthConfig {
  appId: number;
  /** When set, JWTs must be RS256-signed by the matching private key. */
  publicKey: KeyObject | null;
  tokens: Map<string, InstallationToken>;
  now: () => number;
}

export type AuthResult = Auth | { kind: 'invalid'; message: string };

export function toPublicKey(pem: string | undefined): KeyObject | null {
  return pem ? createPublicKey(pem) : null;
}

export function authenticate(header: string | null, config: AuthConfig): AuthResult {
  if (!header) return { kind: 'anonymous' };
  const match = /^(bearer|token)\s+(\S+)$/i.exec(header.trim());
  if (!match) return { kind: 'invalid', message: 'Bad credentials' };
  const credential = match[2]!;
  if (credential.split('.').length === 3) return checkJwt(credential, config);
  const token = config.tokens.get(credential);
  if (!token || token.expiresAt <= config.now()) return { kind: 'invalid', message: 'Bad credentials' };
  return { kind: 'installation', installationId: token.installationId, token };
}

function checkJwt(jwt: string, config: AuthConfig): AuthResult {
  const [head, body, signature] = jwt.split('.') as [string, string, string];
  let claims: { iss?: unknown; exp?: unknown; iat?: unknown };
  let header: { alg?: unknown };
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { kind: 'invalid', message: 'A JSON web token could not be decoded' };
  }
  if (header.alg !== 'RS256') return { kind: 'invalid', message: "'alg' must be RS256" };
  if (String(claims.iss) !== String(config.appId)) {
    return { kind: 'invalid', message: `'Issuer' claim ('iss') must be an Integer; no app with id ${String(claims.iss)}` };
  }
  const nowSeconds = Math.floor(config.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) {
    return { kind: 'invalid', message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires." };
  }
  if (typeof claims.iat === 'number' && claims.exp - claims.iat > 600) {
    return { kind: 'invalid', message: "'Expiration time' claim ('exp') is too far in the future" };
  }
  if (config.publicKey) {
    const ok = verify('RSA-SHA256', Buffer.from(`${head}.${body}`), config.publicKey, Buffer.from(signature, 'base64url'));
    if (!ok) return { kind: 'invalid', message: 'A JSON web token could not be decoded' };
  }
  return { kind: 'app' };
}
