// Starts the real services once per test run and hands their addresses to tests via inject().
import type { TestProject } from 'vitest/node';
import { startRedis, type RedisInstance } from './support/redis.js';
import { startRegistry, type RegistryInstance } from './support/registry.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    registryHost: string;
  }
}

let redis: RedisInstance | undefined;
let registry: RegistryInstance | undefined;

export async function setup(project: TestProject): Promise<void> {
  [redis, registry] = await Promise.all([startRedis(), startRegistry()]);
  project.provide('redisUrl', redis.url);
  project.provide('registryHost', registry.host);
}

export async function teardown(): Promise<void> {
  await Promise.all([redis?.stop(), registry?.stop()]);
}
