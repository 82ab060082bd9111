// The service's environment, declared once: parsed and validated at start, secrets never logged.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_RELEASE_DATA_URLS } from '../insight/end-of-life.js';
import { parseHostList, type RedisTarget } from '../cache/redis-connection.js';

const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** A registry host as image references and `.github/freshen.yml` write it: host or host:port. */
const registryHost = z.string().regex(/^[A-Za-z0-9.-]+(:\d+)?$/).transform((host) => host.toLowerCase());

/** A credential and the only hosts it may be sent to (the registry, and its token service if elsewhere). */
const registryCredential = z.union([
  z.strictObject({ hosts: z.array(registryHost).min(1), username: z.string(), password: z.string() }),
  z.strictObject({ hosts: z.array(registryHost).min(1), token: z.string() }),
]);

export type AppRegistryCredential = z.infer<typeof registryCredential>;

const CREDENTIAL_SHAPE = '{"hosts": ["registry.corp.example"], "username": "...", "password": "..."} or {"hosts": [...], "token": "..."}';

/** Each entry checked on its own, so the error names the entry (never its values). */
function parseRegistryCredentials(text: string, ctx: z.RefinementCtx): Record<string, AppRegistryCredential> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    ctx.addIssue({ code: 'custom', message: `must be a JSON object of name → ${CREDENTIAL_SHAPE}` });
    return {};
  }
  const credentials: [string, AppRegistryCredential][] = [];
  for (const [name, entry] of Object.entries(raw)) {
    const problem = credentialProblem(name, entry);
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    else credentials.push([name, registryCredential.parse(entry)]);
  }
  // fromEntries: a name such as `__proto__` stays an own entry instead of replacing the prototype.
  return Object.fromEntries(credentials);
}

function credentialProblem(name: string, entry: unknown): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return 'a credential name is letters, digits, "_" or "-"';
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return `must be ${CREDENTIAL_SHAPE}`;
  if (!('hosts' in entry)) {
    // The old format: which host gets the secret was up to each repository's config.
    return 'needs "hosts", the registry hosts this credential may be sent to (e.g. ["registry.corp.example"]); without it any repository could send it to a host of its choosing';
  }
  const hosts = z.array(registryHost).min(1).safeParse(entry.hosts);
  if (!hosts.success) return '"hosts" must be a non-empty list of host or host:port, as image references write them';
  if (!registryCredential.safeParse(entry).success) return `must be ${CREDENTIAL_SHAPE} (no other fields)`;
  return undefined;
}

/** FRESHEN_REGISTRY_CREDENTIALS on its own, for the CLI; throws EnvError naming the entry (never its values). */
export function registryCredentialsFromEnv(text: string): Record<string, AppRegistryCredential> {
  const parsed = z.string().transform(parseRegistryCredentials).safeParse(text);
  if (parsed.success) return parsed.data;
  throw new EnvError(parsed.error.issues.map((i) => `FRESHEN_REGISTRY_CREDENTIALS${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`).join('\n'));
}

const envSchema = z.object({
  /** Which processes to run: the webhook server, the queue workers, or both. */
  FRESHEN_ROLE: z.enum(['web', 'worker', 'all']).default('all'),
  /** The GitHub App's numeric id. */
  APP_ID: z.string({ error: 'is required: the numeric GitHub App id' }).regex(/^\d+$/, 'must be the numeric GitHub App id'),
  /** The App's private key (PEM text, or base64 of it). Either this or PRIVATE_KEY_PATH. */
  PRIVATE_KEY: z.string().min(1).optional(),
  /** Path of the App's private key .pem file. */
  PRIVATE_KEY_PATH: z.string().min(1).optional(),
  /** The secret GitHub signs webhook deliveries with. */
  WEBHOOK_SECRET: z.string({ error: 'is required: the App webhook secret' }).min(1, 'is required: the App webhook secret'),
  /** Redis for the queue and Freshen's memory (declined updates); one of the three Redis settings is required. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** Redis Sentinel instead: sentinel host:port,... and the monitored master's name. */
  REDIS_SENTINELS: z.string().min(1).optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).default('mymaster'),
  /** Redis Cluster instead: seed nodes host:port,... (queue keys share one hash tag). */
  REDIS_CLUSTER_NODES: z.string().min(1).optional(),
  /** Password for Sentinel or Cluster nodes (a single node takes it in REDIS_URL). */
  REDIS_PASSWORD: z.string().min(1).optional(),
  /** Port of the worker role's /healthz, /readyz and /metrics. */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Both set: the queue UI at /admin/queues behind basic auth; otherwise it is not mounted. */
  ADMIN_USER: z.string().min(1).optional(),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address the web server listens on; 0.0.0.0 in containers. */
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  /** GitHub Enterprise Server (or any GitHub-compatible API): host[:port]. */
  GHE_HOST: z.string().min(1).optional(),
  GHE_PROTOCOL: z.enum(['https', 'http']).default('https'),
  /** Registries allowed over plain HTTP or on private addresses: host:port,... */
  FRESHEN_INSECURE_REGISTRIES: z.string().default(''),
  /**
   * Registry credentials the repositories' configs refer to by name, as JSON:
   * {"name": {"hosts": [...], "username": "...", "password": "..."} | {"hosts": [...], "token": "..."}}.
   * A credential is only ever sent to its `hosts`; a config naming it for another host reads that host anonymously.
   */
  FRESHEN_REGISTRY_CREDENTIALS: z.string().default('{}').transform(parseRegistryCredentials),
  /** OSV API base URL for "vulnerabilities fixed" in PRs; `off` asks nothing. */
  FRESHEN_OSV_URL: z.union([z.literal('off'), z.url({ protocol: /^https?$/ })]).default('https://api.osv.dev'),
  /** Debian's release data (distro-info-data's debian.csv), to say when an unmaintained base's Debian release loses support; `off` asks nothing. */
  FRESHEN_DEBIAN_RELEASES_URL: z.union([z.literal('off'), z.url({ protocol: /^https?$/ })]).default(DEFAULT_RELEASE_DATA_URLS.debian),
  /** Alpine's release data (releases.json), likewise; `off` asks nothing. */
  FRESHEN_ALPINE_RELEASES_URL: z.union([z.literal('off'), z.url({ protocol: /^https?$/ })]).default(DEFAULT_RELEASE_DATA_URLS.alpine),
  /**
   * The app's own npm settings (.npmrc text; `\\n` between lines allowed), merged over each
   * repository's .npmrc for lookups and lockfile regeneration: e.g. a token for a private scope.
   */
  FRESHEN_NPMRC: z.string().min(1).optional().transform((text) => text?.replace(/\\n/g, '\n')),
  /** The Python package index used when a requirements file names none (default: the public index). */
  PIP_INDEX_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Go module proxies (a comma or pipe list, as Go reads GOPROXY); `direct` and `off` entries are
   * never used: Freshen reaches modules only through a proxy, never through a VCS.
   */
  GOPROXY: z.string().min(1).optional(),
  /** Go's checksum database settings, passed to `go` as they are (GOSUMDB, GONOSUMDB, GOPRIVATE, GONOPROXY, GONOSUMCHECK). */
  GOSUMDB: z.string().min(1).optional(),
  GONOSUMDB: z.string().min(1).optional(),
  GOPRIVATE: z.string().min(1).optional(),
  GONOPROXY: z.string().min(1).optional(),
  GONOSUMCHECK: z.string().min(1).optional(),
  /** Where yarn and pnpm versions a repository's `packageManager` names are installed once (default: ~/.cache/freshen/tools). */
  FRESHEN_TOOLS_DIR: z.string().min(1).optional(),
  /** Where the ecosystem tools run in private copies of a project (default: ~/.cache/freshen/work; not the shared temp directory, whose parent folders the tools read config files from). */
  FRESHEN_WORK_DIR: z.string().min(1).optional(),
  /** Seconds a package repository's GitHub releases and changelog stay cached for release notes. */
  FRESHEN_RELEASE_NOTES_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(6 * 3600),
  /** Namespace of every Redis key Freshen writes (queue and memory). */
  FRESHEN_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('freshen'),
  /** Scan jobs one worker process runs at once. */
  FRESHEN_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Seconds a running job's lock lasts; a killed worker's job is picked up again after about this long. */
  FRESHEN_JOB_LOCK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /**
   * How far V8 lets a worker's heap grow past what its last full collection kept, in percent. Scans
   * allocate much short-lived data; V8's own default (up to 4x) leaves hundreds of MB of garbage
   * between collections. 0 keeps V8's default.
   */
  FRESHEN_HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(300).default(50),
  /** Seconds SIGTERM waits for running jobs before exiting anyway. */
  FRESHEN_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Seconds one GitHub request may take; a hung one then fails (and is retried) instead of holding its job. */
  FRESHEN_GITHUB_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  /**
   * `off` leaves write pacing to Freshen's own budget (shared by all workers in Redis); Octokit's
   * throttle (on) adds its fixed one write per second per process, across all installations.
   */
  FRESHEN_GITHUB_THROTTLE: z.enum(['on', 'off']).default('on'),
});

export type ServiceEnv = Omit<z.infer<typeof envSchema>, 'PRIVATE_KEY' | 'PRIVATE_KEY_PATH' | 'FRESHEN_INSECURE_REGISTRIES'> & {
  PRIVATE_KEY: string;
  /** Where Redis is: single node, Sentinel or Cluster. */
  redis: RedisTarget;
  FRESHEN_INSECURE_REGISTRIES: string[];
  /** The REST API base Octokit uses. */
  apiBaseUrl: string;
};

export class EnvError extends Error {
  override name = 'EnvError';
}

/** Validates the environment; throws EnvError listing every problem (names only, never values). */
export function loadEnv(env: NodeJS.ProcessEnv = process.env): ServiceEnv {
  const input = emptyToUndefined(env);
  const parsed = envSchema.safeParse(input);
  const redis = redisProblems(input);
  if (!parsed.success || redis.length > 0) {
    const issues = parsed.success ? [] : parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    const lines = [...issues, ...redis.filter((line) => !issues.includes(line))];
    throw new EnvError(`Invalid environment (see .env.example):\n${lines.join('\n')}`);
  }
  const { PRIVATE_KEY: inlineKey, PRIVATE_KEY_PATH: keyPath, ...rest } = parsed.data;
  return {
    ...rest,
    redis: redisTarget(rest),
    PRIVATE_KEY: readPrivateKey(inlineKey, keyPath),
    FRESHEN_INSECURE_REGISTRIES: rest.FRESHEN_INSECURE_REGISTRIES.split(',').map((h) => h.trim()).filter(Boolean),
    apiBaseUrl: rest.GHE_HOST ? `${rest.GHE_PROTOCOL}://${rest.GHE_HOST}/api/v3` : 'https://api.github.com',
  };
}

function emptyToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
}

function readPrivateKey(inline: string | undefined, path: string | undefined): string {
  if (inline) return decodeKey(inline, 'PRIVATE_KEY');
  if (!path) throw new EnvError('Invalid environment (see .env.example):\n  PRIVATE_KEY: set PRIVATE_KEY or PRIVATE_KEY_PATH');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new EnvError(`Invalid environment:\n  PRIVATE_KEY_PATH: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return decodeKey(text, 'PRIVATE_KEY_PATH');
}

function decodeKey(value: string, name: string): string {
  const text = value.includes('-----BEGIN') ? value : Buffer.from(value, 'base64').toString('utf8');
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(text)) {
    throw new EnvError(`Invalid environment:\n  ${name}: is not a PEM private key (nor base64 of one)`);
  }
  return text.replace(/\\n/g, '\n');
}

/** Exactly one of the three Redis settings, and host lists that parse. */
function redisProblems(env: Record<string, string | undefined>): string[] {
  const names = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const;
  const given = names.filter((name) => env[name]);
  if (given.length === 0) return ['  REDIS_URL: is required: a redis:// URL (or REDIS_SENTINELS, or REDIS_CLUSTER_NODES)'];
  if (given.length > 1) return [`  REDIS_URL: set only one of ${given.join(', ')}`];
  const problems: string[] = [];
  for (const name of ['REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const) {
    try {
      if (env[name]) parseHostList(env[name], name);
    } catch (err) {
      problems.push(`  ${(err as Error).message}`);
    }
  }
  return problems;
}

/** Which Redis to use; redisProblems() has checked that exactly one is set and the lists parse. */
function redisTarget(env: { REDIS_URL?: string | undefined; REDIS_SENTINELS?: string | undefined; REDIS_SENTINEL_NAME: string; REDIS_CLUSTER_NODES?: string | undefined; REDIS_PASSWORD?: string | undefined }): RedisTarget {
  if (env.REDIS_SENTINELS) return { kind: 'sentinel', sentinels: parseHostList(env.REDIS_SENTINELS, 'REDIS_SENTINELS'), name: env.REDIS_SENTINEL_NAME, password: env.REDIS_PASSWORD };
  if (env.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: parseHostList(env.REDIS_CLUSTER_NODES, 'REDIS_CLUSTER_NODES'), password: env.REDIS_PASSWORD };
  return { kind: 'single', url: env.REDIS_URL! };
}
