// Process entry (`npm start`): the webhook server, the queue workers, or both (FRESHEN_ROLE).
import './node-version.js';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { run, type Logger as PinoLogger } from 'probot';
import { freshenApp } from './app.js';
import { EnvError, loadEnv, type ServiceEnv } from './config/env.js';
import { NpmrcError } from './datasources/npm/index.js';
import type { ReleaseNotesSource } from './engine/language/index.js';
import { createProbotApp, installationClients } from './github/client.js';
import { DeliveryMemory } from './github/deliveries.js';
import { githubReleaseNotesSource } from './github/release-notes.js';
import { githubToolReleases } from './github/tool-releases.js';
import type { GitHubReleaseSource } from './datasources/github-releases/index.js';
import type { GitHub, RepoRef } from './github/types.js';
import { webhookEndpoint } from './github/webhook-endpoint.js';
import { instrumentClients, instrumentWorker } from './observability/instrument.js';
import { createLogger, environmentSecrets } from './observability/logging.js';
import { configuredRegistryHosts } from './observability/metric-labels.js';
import { createMetrics, type FreshenMetrics } from './observability/metrics.js';
import { countedScanContext, operations } from './observability/operate.js';
import { createQueue, memoryConnectionOptions } from './queue/jobs.js';
import { limitHeapGrowth } from './queue/heap.js';
import { connectRedis, keyPrefixFor } from './cache/redis-connection.js';
import type { ScanContextFactory } from './jobs/scan-repo.js';
import { registryScanContext } from './jobs/scan-context.js';
import { startWorker, stopWorker } from './queue/worker.js';

export interface Running {
  /** Resolves once everything is stopped. */
  stop(): Promise<void>;
  /** The web server's port (web and all roles). */
  port?: number;
  /** The worker role's health port (HEALTH_PORT). */
  healthPort?: number;
}

export interface StartOptions {
  /** JSON lines on standard output with secrets redacted, unless given. */
  log?: PinoLogger;
  /** Shared with the scan context's registry counting (see main()); a new one otherwise. */
  metrics?: FreshenMetrics;
  /** Octokit's throttling of writes (default: FRESHEN_GITHUB_THROTTLE). */
  throttle?: boolean;
}

/** What a scan context may use of the running service: the installations' clients and Freshen's Redis. */
export interface ScanRuntime {
  github: (installationId: number) => Promise<GitHub>;
  redis: Redis;
}

/** A scan context that needs the running service (release notes through the installation's client). */
export interface ScanContextSetup {
  setup(runtime: ScanRuntime): ScanContextFactory;
}

/** Starts the roles `env` asks for. `scanContext` builds the engine's registry access per job. */
export async function start(env: ServiceEnv, scanContext: ScanContextFactory | ScanContextSetup, options: StartOptions = {}): Promise<Running> {
  const metrics = options.metrics ?? createMetrics({ registryHosts: configuredRegistryHosts(env) });
  const probot = createProbotApp({
    log: options.log ?? createLogger({ level: env.LOG_LEVEL, secrets: serviceSecrets(env) }),
    throttle: options.throttle ?? env.FRESHEN_GITHUB_THROTTLE === 'on',
    timeoutMs: env.FRESHEN_GITHUB_TIMEOUT_SECONDS * 1000,
    appId: env.APP_ID,
    privateKey: env.PRIVATE_KEY,
    webhookSecret: env.WEBHOOK_SECRET,
    baseUrl: env.apiBaseUrl,
    logLevel: env.LOG_LEVEL === 'silent' ? 'fatal' : env.LOG_LEVEL,
  });
  await probot.ready();
  const log = probot.log;
  const prefix = keyPrefixFor(env.redis, env.FRESHEN_REDIS_PREFIX);
  const queueConnection = connectRedis(env.redis);
  const redis = connectRedis(env.redis, memoryConnectionOptions(prefix));
  const queue = createQueue(queueConnection, prefix);
  const getApp = async () => (await probot.auth()).rest.apps.getAuthenticated();
  const ops = operations({
    metrics, queue, redis: queueConnection,
    getApp,
    adminUser: env.ADMIN_USER, adminPassword: env.ADMIN_PASSWORD,
  });
  const github = instrumentClients(installationClients(probot), metrics);
  const stops: (() => Promise<void>)[] = [];
  let port: number | undefined;
  let healthPort: number | undefined;

  if (env.FRESHEN_ROLE !== 'worker') {
    const server = await startWeb(probot, freshenApp({ queue, redis }), new DeliveryMemory(redis), env, ops.routes);
    port = (server.address() as { port: number }).port;
    log.info({ port, host: env.HOST }, 'webhook server listening');
    stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  }
  if (env.FRESHEN_ROLE !== 'web') {
    limitHeapGrowth(env.FRESHEN_HEAP_GROWTH_PERCENT);
    const connection = connectRedis(env.redis, { maxRetriesPerRequest: null });
    const factory = typeof scanContext === 'function' ? scanContext : scanContext.setup({ github, redis });
    const appLogin = await botLogin(getApp, log);
    const worker = startWorker({
      connection, redis, queue, log, prefix,
      ...(appLogin ? { appLogin } : {}),
      scanContext: countedScanContext(factory, metrics),
      github,
      concurrency: env.FRESHEN_WORKER_CONCURRENCY,
      lockDurationMs: env.FRESHEN_JOB_LOCK_SECONDS * 1000,
      secrets: serviceSecrets(env),
    });
    instrumentWorker(worker, metrics);
    log.info({ concurrency: env.FRESHEN_WORKER_CONCURRENCY }, 'worker started');
    if (env.FRESHEN_ROLE === 'worker') {
      // Several workers on one host (not in containers) share HEALTH_PORT: the first one serves it,
      // the others work on without a health server rather than refusing to start.
      const health = await ops.startHealthServer(env.HEALTH_PORT, env.HOST).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EADDRINUSE') throw err;
        log.warn({ port: env.HEALTH_PORT }, 'HEALTH_PORT is in use by another process; this worker runs without a health server');
        return null;
      });
      if (health) {
        healthPort = (health.address() as { port: number }).port;
        stops.push(() => new Promise<void>((resolve) => health.close(() => resolve())));
      }
    }
    stops.push(async () => {
      const outcome = await stopWorker(worker, env.FRESHEN_SHUTDOWN_GRACE_SECONDS * 1000);
      log.info({ outcome }, 'worker stopped');
      connection.disconnect();
    });
  }
  return {
    port,
    healthPort,
    async stop() {
      for (const stopOne of stops) await stopOne();
      await queue.close();
      queueConnection.disconnect();
      redis.disconnect();
    },
  };
}

/** The app's bot login (`slug[bot]`), to know its own workflow runs; unknown (and said) when GitHub does not answer. */
async function botLogin(getApp: () => Promise<{ data: { slug?: string } | null }>, log: PinoLogger): Promise<string | undefined> {
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000).unref());
  const slug = await Promise.race([getApp().then((r) => r.data?.slug, () => undefined), timeout]);
  if (!slug) log.warn('could not read the app slug; workflow runs are matched to any bot dispatcher');
  return slug ? `${slug}[bot]` : undefined;
}

/** The service's secrets for the log scrubber; a FRESHEN_NPMRC line that cannot be read stops the start, at its line. */
function serviceSecrets(env: ServiceEnv): string[] {
  try {
    return environmentSecrets(env);
  } catch (err) {
    if (err instanceof NpmrcError) throw new Error(`${err.file} line ${err.line}: ${err.message}`);
    throw err;
  }
}

/** Tool releases through the installation's own client (created on first use): public ones cached for the fleet, private ones for the installation. */
export function installationToolReleases(runtime: ScanRuntime, ttlSeconds: number): (repo: RepoRef) => GitHubReleaseSource {
  return (repo) => {
    let source: Promise<Required<GitHubReleaseSource>> | undefined;
    const get = () => (source ??= runtime.github(repo.installationId).then((gh) => githubToolReleases(gh, runtime.redis, repo, { ttlSeconds })));
    return {
      listReleases: async (owner, name) => (await get()).listReleases(owner, name),
      listTags: async (owner, name) => (await get()).listTags(owner, name),
      downloadAsset: async (owner, name, asset) => (await get()).downloadAsset(owner, name, asset),
    };
  };
}

/** Release notes through the installation's own client (created on first use), cached in Redis across repositories. */
export function installationReleaseNotes(runtime: ScanRuntime, ttlSeconds: number): (repo: RepoRef) => ReleaseNotesSource {
  return (repo) => {
    let source: Promise<ReleaseNotesSource> | undefined;
    const get = () => (source ??= runtime.github(repo.installationId).then((gh) => githubReleaseNotesSource(gh, runtime.redis, repo, { ttlSeconds })));
    return {
      listReleases: async (owner, name) => (await get()).listReleases(owner, name),
      readFile: async (owner, name, path) => (await get()).readFile(owner, name, path),
    };
  };
}

async function startWeb(
  probot: ReturnType<typeof createProbotApp>,
  appFn: ReturnType<typeof freshenApp>,
  deliveries: DeliveryMemory,
  env: ServiceEnv,
  routes: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<Server> {
  await probot.load(appFn);
  // Our own route rather than Probot's middleware, which reads any body whole before checking the signature.
  const webhooks = webhookEndpoint({
    path: probot.webhookPath,
    secret: env.WEBHOOK_SECRET,
    deliveries,
    receive: (event) => probot.receive(event as Parameters<typeof probot.receive>[0]),
    log: probot.log,
  });
  const server = createServer((req, res) => {
    if (routes(req, res) || webhooks(req, res)) return;
    res.writeHead(404).end();
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
  const metrics = createMetrics({ registryHosts: configuredRegistryHosts(env) });
  const scanContext: ScanContextSetup = {
    setup: (runtime) =>
      registryScanContext(env, {
        onResponse: (event) => metrics.registryResponse(event.host, event.status),
        releaseNotes: installationReleaseNotes(runtime, env.FRESHEN_RELEASE_NOTES_TTL_SECONDS),
        toolReleases: installationToolReleases(runtime, env.FRESHEN_RELEASE_NOTES_TTL_SECONDS),
      }),
  };
  const running = await start(env, scanContext, { metrics });
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
