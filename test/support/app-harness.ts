// Test helpers for the app: a key pair, unique Redis namespaces, queue inspection, webhook signing.
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadEnv } from '../../src/config/env.js';
import { start } from '../../src/main.js';
import { createQueue, memoryConnectionOptions, type FreshenQueue } from '../../src/queue/jobs.js';

export const testKeys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

export const WEBHOOK_SECRET = 'test-webhook-secret';

export function sign(body: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface RedisNamespace {
  prefix: string;
  /** For BullMQ (no keyPrefix). */
  connection: Redis;
  /** For Freshen's memory keys (keyPrefix). */
  memory: Redis;
  queue: FreshenQueue;
  close(): Promise<void>;
}

/** A fresh key namespace in the shared test Redis, so test files never see each other's jobs. */
export function redisNamespace(redisUrl: string): RedisNamespace {
  const prefix = `t${randomBytes(5).toString('hex')}`;
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const memory = new Redis(redisUrl, memoryConnectionOptions(prefix));
  const queue = createQueue(connection, prefix);
  return {
    prefix,
    connection,
    memory,
    queue,
    async close() {
      await queue.close();
      connection.disconnect();
      memory.disconnect();
    },
  };
}

/** Jobs currently waiting or delayed, as `name id` strings, sorted. */
export async function queuedJobs(queue: FreshenQueue): Promise<{ name: string; id: string; data: unknown }[]> {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
  return jobs
    .filter((j) => j !== undefined)
    .map((j) => ({ name: j.name, id: j.id ?? '', data: j.data }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Starts the web role alone (webhooks only) on a free port with its own Redis namespace. */
export async function startWebRole(redisUrl: string): Promise<{ url: string; namespace: RedisNamespace; stop(): Promise<void> }> {
  const namespace = redisNamespace(redisUrl);
  const env = loadEnv({
    FRESHEN_ROLE: 'web', APP_ID: '1', PRIVATE_KEY: testKeys.privateKey, WEBHOOK_SECRET,
    REDIS_URL: redisUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'fatal', FRESHEN_REDIS_PREFIX: namespace.prefix,
  });
  const running = await start(env, () => {
    throw new Error('the web role never scans');
  });
  return {
    url: `http://127.0.0.1:${running.port}/api/github/webhooks`,
    namespace,
    async stop() {
      await running.stop();
      await namespace.close();
    },
  };
}
