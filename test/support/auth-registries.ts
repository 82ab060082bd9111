// Registries that need credentials: one with htpasswd basic auth, one with bearer tokens from a token server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { freePort } from './ports.js';
import { startRegistry, type RegistryInstance } from './registry.js';
import { startTokenServer, type TokenServer } from './token-server.js';

export interface TestUser {
  username: string;
  password: string;
}

export interface BasicAuthRegistry {
  registry: RegistryInstance;
  user: TestUser;
  stop(): Promise<void>;
}

export interface TokenAuthRegistry {
  registry: RegistryInstance;
  tokenServer: TokenServer;
  user: TestUser;
  stop(): Promise<void>;
}

export async function startBasicAuthRegistry(user: TestUser = { username: 'freshen', password: 'basic-secret' }): Promise<BasicAuthRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'freshen-htpasswd-'));
  const htpasswd = join(dir, 'htpasswd');
  writeFileSync(htpasswd, `${user.username}:${bcrypt.hashSync(user.password, 8)}\n`);
  const registry = await startRegistry({ authYaml: ['  htpasswd:', '    realm: freshen-test', `    path: ${htpasswd}`].join('\n') });
  return {
    registry,
    user,
    async stop() {
      await registry.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Anonymous callers may pull `public/*` repositories listed in `anonymousPull`; the user may do anything. */
export async function startTokenAuthRegistry(
  user: TestUser = { username: 'freshen', password: 'token-secret' },
  anonymousPull: string[] = ['public/open'],
): Promise<TokenAuthRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'freshen-token-'));
  const tokenServer = await startTokenServer({ dir, port: await freePort(), users: { [user.username]: user.password }, anonymousPull });
  const registry = await startRegistry({ authYaml: tokenServer.registryAuthYaml });
  return {
    registry,
    tokenServer,
    user,
    async stop() {
      await Promise.all([registry.stop(), tokenServer.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
