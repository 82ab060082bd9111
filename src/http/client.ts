// The one HTTP client: timeouts, retries with jitter, Retry-After, per-host concurrency, SSRF guard.
import type { Readable } from 'node:stream';
import { finished } from 'node:stream';
import pLimit, { type LimitFunction } from 'p-limit';
import { Agent, request } from 'undici';
import type { Logger } from '../types.js';
import { silentLogger } from '../types.js';
import { guardedConnector, HostPolicy, systemLookup, unbracket, portOf, type DnsLookup } from './address-guard.js';
import { BlockedHostError, ExternalHostError, RateLimitError } from './errors.js';
import { backoffDelay, isIdempotent, isRetryableStatus, isTransientNetworkError, parseRetryAfter, sleep } from './retry.js';

export interface HttpClientOptions {
  /** `host:port` or `host` entries that may be private and may use plain HTTP. */
  insecureHosts?: readonly string[];
  /** Per attempt: until the whole body is read (request) or until the headers arrive (stream). */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** Extra attempts after a 5xx or a network failure. */
  retries?: number;
  retryBaseMs?: number;
  /** Longest `Retry-After` waited inline; longer asks throw RateLimitError. */
  maxRetryAfterMs?: number;
  /** How many 429 answers in a row are waited out before giving up with RateLimitError. */
  rateLimitRetries?: number;
  perHostConcurrency?: number;
  /** Largest body request() buffers; use stream() for blobs. */
  maxBodyBytes?: number;
  /** Longest a stream() body may take to read in full (default 10 minutes); past it the read fails. */
  streamDeadlineMs?: number;
  maxRedirects?: number;
  lookup?: DnsLookup;
  logger?: Logger;
  userAgent?: string;
  /** Told of every attempt's answer (status) or failure ('error'), e.g. for metrics. Must not throw. */
  onResponse?: (event: HttpResponseEvent) => void;
  /** A request budget per host shared by all workers (src/budget): asked before, told after each attempt. */
  hostBudget?: {
    acquire(host: string): Promise<void>;
    observe(host: string, status: number, headers: Record<string, string>): Promise<void>;
  };
}

export interface HttpResponseEvent {
  method: string;
  /** host:port as in the URL. */
  host: string;
  status: number | 'error';
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  retries?: number;
}

export interface HttpResponse {
  status: number;
  /** Lowercased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
}

export interface HttpStreamResponse {
  status: number;
  headers: Record<string, string>;
  /** Consume or destroy it: the host's concurrency slot is held until it closes. */
  body: Readable;
  url: string;
}

/** Requests sent (attempts, including retries and redirects), per host:port. */
export interface HttpStats {
  total: number;
  byHost: Record<string, number>;
  reset(): void;
}

export interface HttpClient {
  request(url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  stream(url: string, options?: HttpRequestOptions): Promise<HttpStreamResponse>;
  /** True when `host` or `host:port` is listed as insecure (plain HTTP and private addresses allowed). */
  isInsecureHost(host: string): boolean;
  readonly stats: HttpStats;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
}

type Attempt<T extends Answer> = (url: URL, init: AttemptInit) => Promise<T>;

interface AttemptInit {
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  timeoutMs: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Scheme, host and path of a URL, never its query (presigned blob URLs carry secrets there). */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const policy = new HostPolicy(options.insecureHosts);
  const log = options.logger ?? silentLogger;
  const settings = {
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 2,
    retryBaseMs: options.retryBaseMs ?? 250,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    rateLimitRetries: options.rateLimitRetries ?? 3,
    maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    streamDeadlineMs: options.streamDeadlineMs ?? 10 * 60_000,
    maxRedirects: options.maxRedirects ?? 5,
    userAgent: options.userAgent ?? 'freshen',
  };
  const agent = new Agent({
    connect: guardedConnector(policy, options.lookup ?? systemLookup, options.connectTimeoutMs ?? 10_000),
  });
  const limits = new Map<string, LimitFunction>();
  const stats = newStats();
  const observe = (method: string, url: URL, status: number | 'error') => {
    try {
      options.onResponse?.({ method, host: url.host, status });
    } catch {
      // An observer's failure must not fail the request.
    }
  };

  const slotFor = (host: string): Promise<() => void> => {
    let limit = limits.get(host);
    if (!limit) {
      limit = pLimit(options.perHostConcurrency ?? 6);
      limits.set(host, limit);
    }
    return acquire(limit);
  };

  /**
   * Sends one request on its host's slot with the attempt timer running. The caller clears the
   * timer and releases the slot when it is done with the body; `fail` does both for an error.
   */
  async function open(url: URL, init: AttemptInit) {
    await options.hostBudget?.acquire(url.host);
    const release = await slotFor(url.host);
    count(stats, url.host);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), init.timeoutMs);
    const fail = (err: unknown): never => {
      clearTimeout(timer);
      release();
      if (!(err instanceof BlockedHostError)) observe(init.method, url, 'error');
      throw controller.signal.aborted ? timeoutError(init.timeoutMs, err) : err;
    };
    try {
      const res = await request(url, { ...undiciInit(init), dispatcher: agent, signal: controller.signal });
      observe(init.method, url, res.statusCode);
      const headers = flattenHeaders(res.headers);
      await options.hostBudget?.observe(url.host, res.statusCode, headers);
      return { res, headers, timer, release, fail };
    } catch (err) {
      return fail(err);
    }
  }

  const bufferedAttempt: Attempt<Omit<HttpResponse, 'url'>> = async (url, init) => {
    const { res, headers, timer, release, fail } = await open(url, init);
    try {
      const body = await readCapped(res.body, settings.maxBodyBytes, url);
      clearTimeout(timer);
      release();
      return { status: res.statusCode, headers, body };
    } catch (err) {
      return fail(err);
    }
  };

  const streamAttempt: Attempt<Omit<HttpStreamResponse, 'url'>> = async (url, init) => {
    const { res, headers, timer, release } = await open(url, init);
    // The body streams at the caller's pace: the slot is held until it is read or destroyed. Each
    // chunk has the idle timeout; the deadline stops a host that drips one chunk just before it.
    clearTimeout(timer);
    const deadline = setTimeout(() => {
      res.body.destroy(new AttemptTimeout(`reading ${describeUrl(url)} took longer than ${settings.streamDeadlineMs} ms`));
    }, settings.streamDeadlineMs);
    finished(res.body, () => {
      clearTimeout(deadline);
      release();
    });
    return { status: res.statusCode, headers, body: res.body };
  };

  async function withRetries<T extends Answer>(
    url: URL,
    init: AttemptInit,
    retries: number,
    attempt: Attempt<T>,
    discard: (answer: T) => void,
  ): Promise<T> {
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      let answer: T;
      try {
        answer = await attempt(url, init);
      } catch (err) {
        if (err instanceof BlockedHostError || err instanceof RateLimitError) throw err;
        const what = `${init.method} ${describeUrl(url)}`;
        const retryable = isTransientNetworkError(err) && isIdempotent(init.method);
        if (!retryable || failures >= retries) {
          const tries = failures + 1;
          throw new ExternalHostError(`${what} failed: ${reasonOf(err)}${tries > 1 ? ` (${tries} attempts)` : ''}`, url.host, undefined, { cause: err });
        }
        log.debug({ url: describeUrl(url), error: reasonOf(err) }, 'retrying after a network failure');
        await sleep(backoffDelay(failures++, settings.retryBaseMs));
        continue;
      }
      const retryAfter = parseRetryAfter(answer.headers['retry-after']);
      if (answer.status === 429 || (answer.status === 503 && retryAfter !== undefined)) {
        const waitMs = retryAfter ?? backoffDelay(rateLimited, settings.retryBaseMs);
        discard(answer);
        if (waitMs > settings.maxRetryAfterMs || rateLimited >= settings.rateLimitRetries) {
          throw new RateLimitError(
            `${init.method} ${describeUrl(url)}: rate limited (${answer.status}), retry after ${Math.ceil(waitMs / 1000)} s`,
            url.host,
            waitMs,
          );
        }
        log.debug({ url: describeUrl(url), waitMs }, 'waiting out a rate limit');
        rateLimited++;
        await sleep(waitMs);
        continue;
      }
      if (!isRetryableStatus(answer.status)) return answer;
      discard(answer);
      if (failures >= retries || !isIdempotent(init.method)) {
        const tries = failures + 1;
        throw new ExternalHostError(`${init.method} ${describeUrl(url)}: answered ${answer.status}${tries > 1 ? ` (${tries} attempts)` : ''}`, url.host, answer.status);
      }
      log.debug({ url: describeUrl(url), status: answer.status }, 'retrying after a server error');
      await sleep(backoffDelay(failures++, settings.retryBaseMs));
    }
  }

  async function follow<T extends Answer>(
    rawUrl: string,
    options: HttpRequestOptions,
    attempt: Attempt<T>,
    discard: (answer: T) => void,
  ): Promise<T & { url: string }> {
    let url = new URL(rawUrl);
    const init: AttemptInit = {
      method: (options.method ?? 'GET').toUpperCase(),
      headers: { 'user-agent': settings.userAgent, ...lowercaseKeys(options.headers ?? {}) },
      body: options.body,
      timeoutMs: options.timeoutMs ?? settings.timeoutMs,
    };
    for (let hops = 0; ; hops++) {
      policy.checkScheme(url);
      const answer = await withRetries(url, init, options.retries ?? settings.retries, attempt, discard);
      const location = answer.headers.location;
      if (!REDIRECTS.has(answer.status) || !location || hops >= settings.maxRedirects) return { ...answer, url: url.href };
      discard(answer);
      const next = new URL(location, url);
      // Credentials are for the host they were meant for, never for where it redirects us.
      if (next.origin !== url.origin) delete init.headers.authorization;
      if (answer.status === 303 && init.method !== 'HEAD') {
        init.method = 'GET';
        init.body = undefined;
      }
      url = next;
    }
  }

  return {
    stats,
    request: (url, opts = {}) => follow(url, opts, bufferedAttempt, () => {}),
    stream: (url, opts = {}) => follow(url, opts, streamAttempt, (answer) => answer.body.destroy()),
    isInsecureHost(host) {
      const url = new URL(`http://${host}/`);
      return policy.isListed(unbracket(url.hostname), portOf(url));
    },
    close: () => agent.close(),
  };
}

function undiciInit(init: AttemptInit) {
  return {
    method: init.method as 'GET',
    headers: init.headers,
    body: init.body,
    headersTimeout: init.timeoutMs,
    bodyTimeout: init.timeoutMs,
  };
}

/** Waits for a free slot of the limiter and returns the function that gives it back. */
function acquire(limit: LimitFunction): Promise<() => void> {
  return new Promise((resolve) => {
    void limit(() => new Promise<void>((release) => resolve(release)));
  });
}

function newStats(): HttpStats {
  const stats: HttpStats = {
    total: 0,
    byHost: {},
    reset() {
      stats.total = 0;
      stats.byHost = {};
    },
  };
  return stats;
}

function count(stats: HttpStats, host: string): void {
  stats.total++;
  stats.byHost[host] = (stats.byHost[host] ?? 0) + 1;
}

async function readCapped(body: Readable, maxBytes: number, url: URL): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.destroy();
      throw new Error(`the response of ${describeUrl(url)} is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function lowercaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Our own per-attempt deadline; transient like the network's own ETIMEDOUT. */
class AttemptTimeout extends Error {
  readonly code = 'ETIMEDOUT';
}

function timeoutError(timeoutMs: number, cause: unknown): Error {
  return new AttemptTimeout(`timed out after ${timeoutMs} ms`, { cause });
}

function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err instanceof AttemptTimeout) return err.message;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}
