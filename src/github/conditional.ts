// Cheap GitHub reads: git objects by SHA never change (kept), other GETs are revalidated with If-None-Match (a 304 costs no rate limit).
import { createHash } from 'node:crypto';
import type { LookupCache } from '../cache/index.js';
import type { GitHub } from './types.js';

/** Answers larger than this are not kept (a huge tree or PR list would crowd Redis). */
const MAX_KEPT_CHARS = 512 * 1024;
/** Revalidation data lives this long; a weekly sweep finds last week's ETags. */
const ETAG_KEEP_SECONDS = 10 * 24 * 3600;
const OBJECT_KEEP_SECONDS = 30 * 24 * 3600;

/** Git objects by SHA, and file contents at a commit SHA: what they answer (even 404) never changes. */
const IMMUTABLE = /\/repos\/[^/]+\/[^/]+\/(git\/(commits|trees|blobs)\/[0-9a-f]{40}(\?|$)|contents\/[^?]*\?(.*&)?ref=[0-9a-f]{40}(&|$))/;
/**
 * A missing `.github` config of an organisation (probot's config fallback) is asked by every
 * repository of a sweep; its absence is remembered this long for the whole installation.
 */
const ORG_CONFIG_ABSENT_SECONDS = 5 * 60;
const ORG_CONFIG = /\/repos\/[^/]+\/\.github\/contents\//;

interface Kept {
  /** The answer was 404. */
  notFound?: boolean;
  etag?: string;
  headers: Record<string, string>;
  data: unknown;
}

interface OctokitResponse {
  status: number;
  url: string;
  headers: Record<string, unknown>;
  data: unknown;
}

/**
 * Installs the read layer on one installation client. Everything is keyed by installation: a
 * private repository's contents never answer another installation's request.
 */
export function conditionalReads(gh: GitHub, installationId: number, store: LookupCache): GitHub {
  const pending = new WeakMap<object, { key: string; url: string; kept: Kept | undefined; immutable: boolean }>();
  const hook = gh.hook as unknown as {
    before(name: 'request', fn: (options: Record<string, unknown>) => Promise<void>): void;
    after(name: 'request', fn: (res: OctokitResponse, options: Record<string, unknown>) => Promise<void>): void;
    error(name: 'request', fn: (err: unknown, options: Record<string, unknown>) => Promise<OctokitResponse>): void;
  };
  hook.before('request', async (options) => {
    if (String(options.method ?? 'GET').toUpperCase() !== 'GET') return;
    const parsed = gh.request.endpoint.parse(options as never) as { url: string; headers: Record<string, string> };
    const key = `gh:inst-${installationId}:${createHash('sha256').update(`${parsed.url}\n${parsed.headers.accept ?? ''}`).digest('hex')}`;
    const kept = await store.get<Kept>(key);
    const immutable = IMMUTABLE.test(parsed.url);
    pending.set(options, { key, url: parsed.url, kept, immutable });
    if (kept?.notFound) throw Object.assign(new Error(`Not Found (remembered): GET ${parsed.url}`), { status: 404, keptNotFound: true });
    if (immutable && kept) {
      // Answered from what we kept, without asking: the error hook turns this into the response.
      throw Object.assign(new Error('kept git object'), { keptAnswer: true });
    }
    if (kept?.etag) options.headers = { ...(options.headers as Record<string, string> | undefined), 'if-none-match': kept.etag };
  });
  hook.after('request', async (res, options) => {
    const entry = pending.get(options);
    if (!entry) return;
    if (entry.immutable) await keep(store, entry.key, { headers: plainHeaders(res.headers), data: res.data }, OBJECT_KEEP_SECONDS);
    else await remember(store, entry.key, res);
  });
  hook.error('request', async (err, options) => {
    const entry = pending.get(options);
    const status = (err as { status?: number }).status;
    if (entry && status === 404 && !(err as { keptNotFound?: boolean }).keptNotFound) await rememberNotFound(store, entry);
    const usable = entry?.kept && ((err as { keptAnswer?: boolean }).keptAnswer === true || (status === 304 && entry.kept.etag));
    if (!entry || !usable) throw err;
    return { status: 200, url: entry.url, headers: { ...entry.kept!.headers }, data: entry.kept!.data };
  });
  return gh;
}

async function rememberNotFound(store: LookupCache, entry: { key: string; url: string; immutable: boolean }): Promise<void> {
  if (entry.immutable) await store.set(entry.key, { notFound: true, headers: {}, data: null } satisfies Kept, OBJECT_KEEP_SECONDS);
  else if (ORG_CONFIG.test(entry.url)) await store.set(entry.key, { notFound: true, headers: {}, data: null } satisfies Kept, ORG_CONFIG_ABSENT_SECONDS);
}

async function remember(store: LookupCache, key: string, res: OctokitResponse): Promise<void> {
  const etag = res.headers.etag;
  if (typeof etag !== 'string') return;
  await keep(store, key, { etag, headers: plainHeaders(res.headers), data: res.data }, ETAG_KEEP_SECONDS);
}

async function keep(store: LookupCache, key: string, value: Kept, ttlSeconds: number): Promise<void> {
  if (JSON.stringify(value.data).length > MAX_KEPT_CHARS) return;
  await store.set(key, value, ttlSeconds);
}

/** Only what callers read back (pagination links, ETag); rate headers of an old answer would mislead. */
function plainHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['etag', 'link', 'content-type']) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}
