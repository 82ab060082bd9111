// Structured JSON logs (pino): the job's installation, repo and id on every line, secrets never written.
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { npmOptionsFrom, secretsOf } from '../datasources/npm/index.js';
import { withoutUserInfoIn } from '../http/url.js';

/** What identifies the job a log line was written for. */
export interface JobFields {
  installation?: number;
  repo?: string;
  job?: string;
  jobName?: string;
}

const currentJob = new AsyncLocalStorage<JobFields>();

/** Runs `fn` so that every line logged while it runs (any logger made here) carries `fields`. */
export function withJobFields<T>(fields: JobFields, fn: () => Promise<T>): Promise<T> {
  return currentJob.run({ ...currentJob.getStore(), ...fields }, fn);
}

/** Structured fields that hold secrets, wherever they appear one or two levels down. */
export const REDACTED_FIELDS = [
  'authorization', 'token', 'password', 'privateKey', 'private_key', 'secret', 'webhookSecret', 'clientSecret', 'jwt',
  'PRIVATE_KEY', 'WEBHOOK_SECRET', 'ADMIN_PASSWORD', 'REDIS_PASSWORD', 'FRESHEN_REGISTRY_CREDENTIALS', 'FRESHEN_NPMRC',
].flatMap((name) => [name, `*.${name}`, `*.headers.${name}`, `*.*.${name}`]);

const REDACTED = '[redacted]';

/** Shapes of secrets that may hide inside free text (error messages, URLs, bodies). */
const SECRET_PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED],
  [/\b(?:gh[pousr]_[A-Za-z0-9_-]{16,}|github_pat_[A-Za-z0-9_]{20,})/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{12,}/gi, `$1 ${REDACTED}`],
  // npmrc credentials as text (`//host/:_authToken=…`) or as a JSON field; the value stops at a quote so the line stays JSON.
  [/(:_authToken|:_auth|:_password)(\\?"?\s*[=:]\s*\\?"?)[^\s"\\,}]+/g, `$1$2${REDACTED}`],
];

/** Replaces known secret values and secret-shaped text; applied to each serialized line. */
export function scrubSecrets(line: string, knownSecrets: readonly string[] = []): string {
  let text = line;
  for (const secret of knownSecrets) {
    if (secret.length < 6) continue;
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) text = text.split(form).join(REDACTED);
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) text = text.replace(pattern, replacement);
  return withoutUserInfoIn(text);
}

export interface LoggerOptions {
  level?: Level | 'silent';
  /** Values never to print as they are: the app's private key, webhook secret, registry passwords... */
  secrets?: readonly string[];
  /** Where lines go; standard output by default. */
  destination?: { write(line: string): unknown };
}

/** The service's logger: JSON lines, job fields mixed in, secret fields and values redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  const target = options.destination ?? process.stdout;
  const destination: DestinationStream = { write: (line: string) => void target.write(scrubSecrets(line, secrets)) };
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'freshen' },
      // Probot attaches the whole webhook payload to a failed handler's error (err.event).
      redact: { paths: [...REDACTED_FIELDS, 'err.event'], censor: REDACTED },
      mixin: () => ({ ...currentJob.getStore() }),
    },
    destination,
  );
}

/** What environmentSecrets() reads; fields of the parsed ServiceEnv. */
export interface SecretEnv {
  PRIVATE_KEY?: string | undefined;
  WEBHOOK_SECRET?: string | undefined;
  ADMIN_PASSWORD?: string | undefined;
  REDIS_URL?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
  PIP_INDEX_URL?: string | undefined;
  /** Go module proxies, comma or pipe separated; each may carry `user:password@`. */
  GOPROXY?: string | undefined;
  FRESHEN_NPMRC?: string | undefined;
  /** Every `password` and `token` of every entry, whatever other fields an entry has. */
  FRESHEN_REGISTRY_CREDENTIALS?: Record<string, { password?: unknown; token?: unknown }>;
}

/** Every secret value in the service's environment, for the scrubber. */
export function environmentSecrets(env: SecretEnv): string[] {
  const values: unknown[] = [env.PRIVATE_KEY, env.WEBHOOK_SECRET, env.ADMIN_PASSWORD, env.REDIS_PASSWORD];
  for (const credential of Object.values(env.FRESHEN_REGISTRY_CREDENTIALS ?? {})) values.push(credential.password, credential.token);
  values.push(...urlSecrets(env.REDIS_URL), ...urlSecrets(env.PIP_INDEX_URL));
  for (const proxy of (env.GOPROXY ?? '').split(/[,|]/)) values.push(...urlSecrets(proxy.trim()));
  if (env.FRESHEN_NPMRC) values.push(...secretsOf(npmOptionsFrom({ appNpmrc: env.FRESHEN_NPMRC })));
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length > 0))];
}

/** A URL's password (as written and decoded), or its user when that is all it has (`https://TOKEN@host`). */
function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const secret = parsed.password || parsed.username;
  if (!secret) return [];
  // As the parser normalized it, as written in the variable, and decoded (what a client sends).
  const written = /^[^:/]+:\/\/([^/?#]*)@/.exec(url)?.[1] ?? '';
  const forms = [secret, parsed.password ? written.slice(written.indexOf(':') + 1) : written];
  for (const form of [...forms]) {
    try {
      forms.push(decodeURIComponent(form));
    } catch {
      // Not valid percent-encoding: only the forms above can be printed.
    }
  }
  return forms;
}
