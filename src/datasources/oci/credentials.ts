// Registry credentials: Freshen's own options first, then Docker's config.json `auths`.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../types.js';
import { canonicalRegistry } from './registry-name.js';

/**
 * Either a user and password (basic, or exchanged for a bearer token) or a ready bearer token.
 * `hosts`: the only hosts it may be sent to, token services included (the app's credentials);
 * without it (Docker's config) the registry's host or its parent domain.
 */
export type RegistryCredential = ({ username: string; password: string } | { token: string }) & { hosts?: readonly string[] };

const dockerAuthEntry = z.object({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
});

const dockerConfigSchema = z.object({ auths: z.record(z.string(), dockerAuthEntry).optional() });

/** `https://index.docker.io/v1/`, `ghcr.io`, `http://127.0.0.1:5000` → the registry name. */
export function registryFromAuthKey(key: string): string {
  const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = withoutScheme.split('/')[0] ?? '';
  return canonicalRegistry(host);
}

function credentialFromEntry(entry: z.infer<typeof dockerAuthEntry>): RegistryCredential | undefined {
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  if (!entry.auth) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Reads `<dir>/config.json`; a missing file means no credentials, a broken one is logged and skipped. */
export async function readDockerConfig(dir: string, log: Logger): Promise<Map<string, RegistryCredential>> {
  const path = join(dir, 'config.json');
  const found = new Map<string, RegistryCredential>();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return found;
  }
  let parsed;
  try {
    parsed = dockerConfigSchema.safeParse(JSON.parse(text));
  } catch (err) {
    log.warn({ file: path }, `ignoring Docker config: not valid JSON (${(err as Error).message})`);
    return found;
  }
  if (!parsed.success) {
    log.warn({ file: path }, `ignoring Docker config: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}`);
    return found;
  }
  for (const [key, entry] of Object.entries(parsed.data.auths ?? {})) {
    const credential = credentialFromEntry(entry);
    if (credential) found.set(registryFromAuthKey(key), credential);
  }
  return found;
}

export interface CredentialSourceOptions {
  /** registry (docker.io, ghcr.io, host:port) → credential; wins over Docker's config. */
  credentials?: Record<string, RegistryCredential>;
  /** Directory holding Docker's config.json; defaults to ~/.docker. */
  dockerConfigDir?: string;
  log: Logger;
}

/** Looks up the credential for a registry, reading Docker's config once. */
export function credentialSource(options: CredentialSourceOptions): (registry: string) => Promise<RegistryCredential | undefined> {
  const own = new Map(Object.entries(options.credentials ?? {}).map(([k, v]) => [registryFromAuthKey(k), v]));
  let docker: Promise<Map<string, RegistryCredential>> | undefined;
  return async (registry) => {
    const key = canonicalRegistry(registry);
    const mine = own.get(key);
    if (mine) return mine;
    docker ??= readDockerConfig(options.dockerConfigDir ?? join(homedir(), '.docker'), options.log);
    return (await docker).get(key);
  };
}
