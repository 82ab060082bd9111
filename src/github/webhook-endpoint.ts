// The webhook route: a body over GitHub's cap is refused unread, the signature is checked over the bytes, each delivery runs once.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../types.js';
import type { Delivery, DeliveryMemory } from './deliveries.js';

/** GitHub caps webhook payloads at 25 MB and drops larger ones, so anything bigger did not come from GitHub. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export interface WebhookEvent {
  id: string;
  name: string;
  payload: unknown;
}

export interface WebhookEndpointOptions {
  /** The route, e.g. /api/github/webhooks. */
  path: string;
  secret: string;
  deliveries: DeliveryMemory;
  /** Runs the app's handlers (Probot's receive); a throw answers 500 and the delivery may be redelivered. */
  receive: (event: WebhookEvent) => Promise<void>;
  log: Logger;
  maxBytes?: number;
}

const JSON_TYPE = /^\s*application\/json\s*(;|$)/i;
/** GitHub's delivery ids are GUIDs; anything else is not used as a Redis key. */
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Handles requests to the webhook route (true), or leaves them to the next route (false). */
export function webhookEndpoint(options: WebhookEndpointOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const maxBytes = options.maxBytes ?? MAX_WEBHOOK_BYTES;
  return (req, res) => {
    if (pathOf(req.url) !== options.path) return false;
    void handle(req, res, options, maxBytes).catch((err: unknown) => {
      options.log.error({ err: errorText(err), ...headerFields(req) }, 'webhook delivery failed');
      if (!res.headersSent) answer(res, 500, 'error');
    });
    return true;
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: WebhookEndpointOptions, maxBytes: number): Promise<void> {
  // Refusals before the body is read close the connection instead of reading what follows. A 413
  // is the exception: closing while the sender still writes makes the kernel reset the connection,
  // and the sender may lose the answer; Node discards (never keeps) the rest of the body instead.
  const refuse = (status: number, reason: string, fields: Record<string, unknown> = {}) => {
    options.log.warn({ status, reason, ...headerFields(req), ...fields }, 'webhook refused');
    answer(res, status, reason, status === 413 ? {} : { connection: 'close' });
    if (status === 413) req.resume();
  };
  if (req.method !== 'POST') return refuse(405, 'only POST');
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) return refuse(413, `body over ${maxBytes} bytes`, { bytes: declared });
  if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) return refuse(415, 'content-type must be application/json');
  const name = header(req, 'x-github-event');
  const id = header(req, 'x-github-delivery');
  const signature = header(req, 'x-hub-signature-256');
  if (!name || !id || !DELIVERY_ID.test(id)) return refuse(400, 'missing or malformed X-GitHub-Event or X-GitHub-Delivery');
  if (!signature) return refuse(401, 'unsigned (no X-Hub-Signature-256)');

  const body = await readCapped(req, maxBytes);
  if (body === 'aborted') return void options.log.warn({ ...headerFields(req) }, 'webhook sender closed the connection before the body was complete');
  if (body === 'too large') return refuse(413, `body over ${maxBytes} bytes`);
  if (!signatureMatches(options.secret, body, signature)) return refuse(401, 'signature does not match the body', { bytes: body.length });
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return refuse(400, 'signed body is not JSON', { bytes: body.length });
  }

  // Remembered only once signed, so unsigned junk cannot fill the set or block a real delivery's id.
  const delivery: Delivery = { id, bodyDigest: createHash('sha256').update(body).digest('hex') };
  if (!(await options.deliveries.claim(delivery))) {
    options.log.info({ delivery: id, event: name }, 'webhook delivery already received; dropped');
    return answer(res, 200, 'duplicate delivery ignored');
  }
  try {
    await options.receive({ id, name, payload });
  } catch (err) {
    await options.deliveries.forget(delivery);
    throw err;
  }
  answer(res, 200, 'ok');
}

/**
 * The body, or 'too large' as soon as it passes `maxBytes` (a chunked body declares no length):
 * what arrives after that is discarded, never kept.
 */
function readCapped(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too large' | 'aborted'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.on('data', () => {});
      chunks.length = 0;
      resolve('too large');
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) resolve('aborted');
    });
  });
}

function signatureMatches(secret: string, body: Buffer, signature: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(`${text}\n`);
}

function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0]!;
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** What identifies a delivery in a log line; header values are clipped, since anyone can send them. */
function headerFields(req: IncomingMessage): Record<string, string> {
  const fields: Record<string, string> = {};
  const id = header(req, 'x-github-delivery');
  const name = header(req, 'x-github-event');
  if (id) fields.delivery = id.slice(0, 100);
  if (name) fields.event = name.slice(0, 60);
  return fields;
}

function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.slice(0, 500);
}
