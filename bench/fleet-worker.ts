// One benchmark worker process: the production worker (probot clients, BullMQ worker, registry scan context) without the web role.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { Redis } from 'ioredis';
import { loadEnv } from '../src/config/env.js';
import type { Logger } from '../src/types.js';
import { createProbotApp, installationClients } from '../src/github/client.js';
import { createQueue, memoryConnectionOptions } from '../src/queue/jobs.js';
import { limitHeapGrowth } from '../src/queue/heap.js';
import { registryScanContext } from '../src/jobs/scan-context.js';
import { startWorker, stopWorker } from '../src/queue/worker.js';

const env = loadEnv();
limitHeapGrowth(env.FRESHEN_HEAP_GROWTH_PERCENT);
// Failures and warnings only, one line each, so a benchmark run shows what went wrong.
const write = (level: string) => (fields: unknown, message?: string) => {
  process.stderr.write(`[worker ${process.pid}] ${level} ${message ?? ''} ${JSON.stringify(fields)}\n`);
};
const stderrLogger: Logger = { debug: () => {}, info: () => {}, warn: write('warn'), error: write('error') };
const probot = createProbotApp({
  appId: env.APP_ID, privateKey: env.PRIVATE_KEY, webhookSecret: env.WEBHOOK_SECRET, baseUrl: env.apiBaseUrl, logLevel: 'fatal',
  // Freshen's own budget paces writes; Octokit's throttle would add its own fixed waits.
  throttle: false,
});
const prefix = env.FRESHEN_REDIS_PREFIX;
const redisUrl = process.env.REDIS_URL!;
const redis = new Redis(redisUrl, memoryConnectionOptions(prefix));
const queueConnection = new Redis(redisUrl);
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const queue = createQueue(queueConnection, prefix);
const worker = startWorker({
  connection, redis, queue, prefix, log: stderrLogger,
  github: installationClients(probot),
  scanContext: registryScanContext(env),
  concurrency: env.FRESHEN_WORKER_CONCURRENCY,
  lockDurationMs: env.FRESHEN_JOB_LOCK_SECONDS * 1000,
});
// Where the memory goes (peaks of each part, MB), printed at the end so the benchmark can say why RSS is what it is.
const peaks: Record<string, number> = {};
setInterval(() => {
  for (const [part, bytes] of Object.entries(process.memoryUsage())) peaks[part] = Math.max(peaks[part] ?? 0, Math.round(bytes / 2 ** 20));
}, 250).unref();
// FLEET_HEAP_PROFILE_DIR: sample every allocation site, including objects already collected (what churns the heap).
const heapProfileDir = process.env.FLEET_HEAP_PROFILE_DIR;
const heapSession = heapProfileDir ? new Session() : undefined;
if (heapSession) {
  heapSession.connect();
  heapSession.post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
async function writeHeapProfile(): Promise<void> {
  if (!heapSession || !heapProfileDir) return;
  const profile = await new Promise<unknown>((resolve, reject) => heapSession.post('HeapProfiler.stopSampling', (err, result) => (err ? reject(err) : resolve(result.profile))));
  writeFileSync(`${heapProfileDir}/worker-${process.pid}.heapprofile`, JSON.stringify(profile));
}
process.on('SIGTERM', () => {
  void writeHeapProfile();
  process.stderr.write(`[worker ${process.pid}] memory peaks MB ${JSON.stringify(peaks)}\n`);
  void stopWorker(worker, 10_000).then(() => process.exit(0));
});
