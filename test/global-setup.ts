// Starts the real services once per test run and hands their addresses to tests via inject().
import type { TestProject } from 'vitest/node';
import { startRedis, type RedisInstance } from './support/redis.js';
import { startRegistry, type RegistryInstance } from './support/registry.js';
import { startBasicAuthRegistry, startTokenAuthRegistry, type BasicAuthRegistry, type TokenAuthRegistry } from './support/auth-registries.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    registryHost: string;
    /** A registry with htpasswd basic auth and its one user. */
    basicAuthRegistry: { host: string; username: string; password: string };
    /** A registry with bearer-token auth; the token server runs on loopback too. */
    tokenAuthRegistry: { host: string; tokenServerUrl: string; realm: string; service: string; username: string; password: string };
  }
}

let redis: RedisInstance | undefined;
let registry: RegistryInstance | undefined;
let basicAuth: BasicAuthRegistry | undefined;
let tokenAuth: TokenAuthRegistry | undefined;

export async function setup(project: TestProject): Promise<void> {
  [redis, registry, basicAuth, tokenAuth] = await Promise.all([startRedis(), startRegistry(), startBasicAuthRegistry(), startTokenAuthRegistry()]);
  project.provide('redisUrl', redis.url);
  project.provide('registryHost', registry.host);
  project.provide('basicAuthRegistry', { host: basicAuth.registry.host, ...basicAuth.user });
  const { tokenServer } = tokenAuth;
  project.provide('tokenAuthRegistry', {
    host: tokenAuth.registry.host,
    tokenServerUrl: tokenServer.url,
    realm: tokenServer.realm,
    service: tokenServer.service,
    ...tokenAuth.user,
  });
}

export async function teardown(): Promise<void> {
  await Promise.all([redis?.stop(), registry?.stop(), basicAuth?.stop(), tokenAuth?.stop()]);
}
