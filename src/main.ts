// Process entry (`npm start`): the webhook server, the queue workers, or both (FRESHEN_ROLE).
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Redis } from 'ioredis';
import { createNodeMiddleware, run } from 'probot';
import { freshenApp } from './app.js';
import { EnvError, loadEnv, type ServiceEnv } from './config/env.js';
import { createProbotApp, installationClients } from './github/client.js';
import { createQueue, memoryConnectionOptions } from './queue/jobs.js';
import type { ScanContextFactory } from './queue/scan-repo.js';
import { registryScanContext } from './queue/scan-context.js';
import { startWorker, stopWorker } from './queue/worker.js';

export interface Running {
  /** Resolves once everything is stopped. */
  stop(): Promise<void>;
  /** The web server's port (web and all roles). */
  port?: number;
}

/** Starts the roles `env` asks for. `scanContext` builds the engine's registry access per job. */
export async function start(env: ServiceEnv, scanContext: ScanContextFactory): Promise<Running> {
  const probot = createProbotApp({
    appId: env.APP_ID,
    privateKey: env.PRIVATE_KEY,
    webhookSecret: env.WEBHOOK_SECRET,
    baseUrl: env.apiBaseUrl,
    logLevel: env.LOG_LEVEL === 'silent' ? 'fatal' : env.LOG_LEVEL,
  });
  await probot.ready();
  const log = probot.log;
  const prefix = env.FRESHEN_REDIS_PREFIX;
  const queueConnection = new Redis(env.REDIS_URL);
  const redis = new Redis(env.REDIS_URL, memoryConnectionOptions(prefix));
  const queue = createQueue(queueConnection, prefix);
  const stops: (() => Promise<void>)[] = [];
  let port: number | undefined;

  if (env.FRESHEN_ROLE !== 'worker') {
    const server = await startWeb(probot, freshenApp({ queue, redis }), env);
    port = (server.address() as { port: number }).port;
    log.info({ port, host: env.HOST }, 'webhook server listening');
    stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  }
  if (env.FRESHEN_ROLE !== 'web') {
    const connection = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    const worker = startWorker({
      connection, redis, queue, log, scanContext, prefix,
      github: installationClients(probot),
      concurrency: env.FRESHEN_WORKER_CONCURRENCY,
      lockDurationMs: env.FRESHEN_JOB_LOCK_SECONDS * 1000,
    });
    log.info({ concurrency: env.FRESHEN_WORKER_CONCURRENCY }, 'worker started');
    stops.push(async () => {
      const outcome = await stopWorker(worker, env.FRESHEN_SHUTDOWN_GRACE_SECONDS * 1000);
      log.info({ outcome }, 'worker stopped');
      connection.disconnect();
    });
  }
  return {
    port,
    async stop() {
      for (const stopOne of stops) await stopOne();
      await queue.close();
      queueConnection.disconnect();
      redis.disconnect();
    },
  };
}

async function startWeb(probot: ReturnType<typeof createProbotApp>, appFn: ReturnType<typeof freshenApp>, env: ServiceEnv): Promise<Server> {
  const middleware = await createNodeMiddleware(appFn, { probot });
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  return server;
}

async function main(): Promise<void> {
  // Values already in the environment win over the file.
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (process.env.FRESHEN_ROLE === 'setup') {
    // Probot's manifest flow: serves a page that registers the app from app.yml and writes .env.
    await run(() => {}, { env: { ...process.env, APP_ID: '', PRIVATE_KEY: '', PRIVATE_KEY_PATH: '' } });
    return;
  }
  let env: ServiceEnv;
  try {
    env = loadEnv();
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
  const running = await start(env, registryScanContext(env));
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: finishing the current jobs, then exiting`);
    running.stop().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void main();
}
