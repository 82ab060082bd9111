// Builds the Probot instance (webhooks + app auth) and installation clients for workers.
import { Probot, ProbotOctokit } from 'probot';
import type { Logger as PinoLogger } from 'probot';
import type { GitHub } from './types.js';

export interface GitHubAppOptions {
  appId: string | number;
  privateKey: string;
  webhookSecret: string;
  /** REST API base, e.g. https://api.github.com or http://127.0.0.1:8443/api/v3 */
  baseUrl: string;
  log?: PinoLogger;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** Throttling spaces writes as GitHub asks; off in tests to keep them fast. Default on. */
  throttle?: boolean;
  /** Octokit's own retries of 5xx answers. Default on. */
  retry?: boolean;
  /** A fetch to reach GitHub through (tests: the simulation). */
  fetch?: typeof globalThis.fetch;
  /** How long one request may take before it fails (and Octokit's retry takes over). Default 30 s. */
  timeoutMs?: number;
}

/** Waits of up to this long are taken inside the request; longer ones fail so the job is delayed instead. */
const MAX_IN_REQUEST_WAIT_SECONDS = 60;

export function createProbotApp(options: GitHubAppOptions): Probot {
  const throttle = options.throttle ?? true;
  const retry = options.retry ?? true;
  // The function form is needed: Probot merges its own defaults over a plain object's throttle.
  const Octokit = ProbotOctokit.defaults((o: Record<string, any>) => ({
    ...o,
    retry: { ...o.retry, enabled: retry },
    throttle: {
      ...o.throttle,
      enabled: throttle,
      onRateLimit: (after: number, _opts: unknown, _octokit: unknown, count: number) => after <= MAX_IN_REQUEST_WAIT_SECONDS && count < 1,
      onSecondaryRateLimit: (after: number, _opts: unknown, _octokit: unknown, count: number) => after <= MAX_IN_REQUEST_WAIT_SECONDS && count < 2,
    },
  }));
  return new Probot({
    appId: options.appId,
    privateKey: options.privateKey,
    secret: options.webhookSecret,
    baseUrl: options.baseUrl,
    Octokit,
    ...(options.log ? { log: options.log } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    request: { fetch: withTimeout(options.fetch, options.timeoutMs ?? DEFAULT_TIMEOUT_MS) },
  });
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Every request ends within `ms`: a GitHub (or proxy) that accepts the connection and never answers
 * would otherwise hold the job for undici's five minutes per attempt, its lock renewed all along.
 */
export function withTimeout(fetch: typeof globalThis.fetch | undefined, ms: number): typeof globalThis.fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    // The global fetch is looked up per request: test interceptors replace it after the app is made.
    return (fetch ?? globalThis.fetch)(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
}

/** An installation-authenticated client per call; tokens are cached by Probot's auth. */
export function installationClients(probot: Probot): (installationId: number) => Promise<GitHub> {
  return async (installationId) => (await probot.auth(installationId)) as GitHub;
}
