// A hostile sender's webhook bodies: over GitHub's 25 MB cap they are refused unread, and a refusal is logged as one short line without the body.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queuedJobs, redisNamespace, sign, testKeys, WEBHOOK_SECRET, type RedisNamespace } from '../support/app-harness.js';
import { stopProcess, waitFor } from '../support/ports.js';

const MB = 1024 * 1024;
let web: ChildProcess;
let port: number;
let ns: RedisNamespace;
const lines: string[] = [];

/** The real web role (`npm start`, FRESHEN_ROLE=web) in its own process, logging JSON lines at info. */
beforeAll(async () => {
  ns = redisNamespace(inject('redisUrl'));
  web = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      FRESHEN_ROLE: 'web', APP_ID: '1', PRIVATE_KEY: testKeys.privateKey, WEBHOOK_SECRET,
      REDIS_URL: inject('redisUrl'), FRESHEN_REDIS_PREFIX: ns.prefix, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info',
      // Nothing here asks GitHub; if something did, it would reach a closed loopback port.
      GHE_HOST: '127.0.0.1:9', GHE_PROTOCOL: 'http',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pending = '';
  web.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const complete = pending.split('\n');
    pending = complete.pop()!;
    lines.push(...complete.filter((l) => l !== ''));
  });
  await waitFor(async () => lines.some((l) => l.includes('webhook server listening')), 'the web process', 30_000);
  port = (JSON.parse(lines.find((l) => l.includes('webhook server listening'))!) as { port: number }).port;
}, 40_000);

afterAll(async () => {
  if (web) await stopProcess(web);
  await ns?.queue.obliterate({ force: true }).catch(() => undefined);
  await ns?.close();
});

/** The web process's resident memory in bytes, from /proc. */
function rss(): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${web.pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

interface Sent {
  status: number | undefined;
  /** Body bytes the client managed to write before the answer (or the closed connection) stopped it. */
  written: number;
}

/**
 * POSTs to the webhook route: a declared length writes `total` bytes after it; without one the
 * body is chunked. Writing stops when the answer arrives or the server closes the connection.
 */
function post(headers: Record<string, string>, total: number, chunk: Buffer): Promise<Sent> {
  return new Promise((resolve) => {
    let written = 0;
    let status: number | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve({ status, written });
    };
    const req = request({ host: '127.0.0.1', port, path: '/api/github/webhooks', method: 'POST', headers: { 'content-type': 'application/json', ...headers } });
    req.on('response', (res) => {
      status = res.statusCode;
      res.resume();
      res.on('end', finish);
      res.on('error', finish);
      req.destroy();
    });
    req.on('error', finish);
    req.on('close', () => setTimeout(finish, 50));
    const pump = () => {
      while (!done && status === undefined && written < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - written));
        written += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (written >= total && !req.writableEnded) req.end();
    };
    pump();
  });
}

/** Samples the web process's RSS while `run` goes on; the highest sample minus the one before. */
async function peakGrowth(run: () => Promise<Sent>): Promise<{ sent: Sent; growth: number }> {
  const before = rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 10);
  try {
    const sent = await run();
    await new Promise((r) => setTimeout(r, 200));
    peak = Math.max(peak, rss());
    return { sent, growth: peak - before };
  } finally {
    clearInterval(sampler);
  }
}

const webhookHeaders = (delivery: string) => ({ 'x-github-event': 'installation', 'x-github-delivery': delivery, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` });
const linesFor = (delivery: string) => lines.filter((l) => l.includes(delivery));

function expectRefused(status: number): void {
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
}

describe('webhook bodies over 25 MB', () => {
  it('refuses a declared 26 MB body with 413 before reading it, and logs one line', async () => {
    const delivery = randomUUID();
    const { sent, growth } = await peakGrowth(() => post({ ...webhookHeaders(delivery), 'content-length': String(26 * MB) }, 26 * MB, Buffer.alloc(MB, 0x61)));
    expect(sent.status).toBe(413);
    expect(sent.written).toBeLessThan(26 * MB);
    expect(growth).toBeLessThan(20 * MB);
    await waitFor(async () => linesFor(delivery).length > 0, 'the refusal log line');
    expect(linesFor(delivery)).toHaveLength(1);
    expect(JSON.parse(linesFor(delivery)[0]!)).toMatchObject({ status: 413, delivery, msg: 'webhook refused' });
  });

  it('cuts a chunked body streaming 200 MB at the cap with 413; the process does not grow by the body', async () => {
    const delivery = randomUUID();
    const { sent, growth } = await peakGrowth(() => post(webhookHeaders(delivery), 200 * MB, Buffer.alloc(MB, 0x62)));
    expect(sent.status).toBe(413);
    expect(sent.written).toBeGreaterThan(25 * MB);
    expect(sent.written).toBeLessThan(200 * MB);
    // Up to the 25 MB cap is held while reading; the generous bound allows GC lag on a loaded machine.
    expect(growth).toBeLessThan(100 * MB);
    await waitFor(async () => linesFor(delivery).length > 0, 'the refusal log line');
    expect(linesFor(delivery)).toHaveLength(1);
    expect(JSON.parse(linesFor(delivery)[0]!)).toMatchObject({ status: 413, delivery });
  }, 60_000);

  it('still takes a signed delivery just under the cap, and the server is up after the refusals', async () => {
    const filler = 'x'.repeat(24 * MB);
    const body = JSON.stringify({ action: 'created', installation: { id: 91, account: { login: 'acme', id: 5, type: 'Organization' } }, repositories: [{ id: 911, name: 'big', full_name: 'acme/big' }], sender: { login: 'octo' }, filler });
    const res = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'installation', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(body) },
    });
    expect(res.status).toBe(200);
    expect((await queuedJobs(ns.queue)).filter((j) => j.name === 'scan-repo').map((j) => j.id)).toEqual(['scan-911']);
  }, 30_000);
});

describe('logs of refused deliveries', () => {
  const marker = `BODY-MARKER-${randomBytes(6).toString('hex')}`;
  const body = JSON.stringify({ action: 'created', installation: { id: 92 }, note: marker, padding: marker.repeat(2000) });

  it('a badly signed delivery is one short line naming the delivery, without the body', async () => {
    const delivery = randomUUID();
    const res = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'installation', 'x-github-delivery': delivery, 'x-hub-signature-256': sign(body, 'not-the-secret') },
    });
    expectRefused(res.status);
    await waitFor(async () => linesFor(delivery).length > 0, 'the refusal log line');
    await new Promise((r) => setTimeout(r, 200));
    const logged = linesFor(delivery);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.length).toBeLessThan(400);
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: 40, status: 401, delivery, event: 'installation', msg: 'webhook refused' });
    expect(lines.join('\n')).not.toContain(marker);
  });

  it('an unsigned delivery is refused unread: one line, no body, nothing queued', async () => {
    const delivery = randomUUID();
    const res = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'installation', 'x-github-delivery': delivery, authorization: `Bearer ghp_${marker}` },
    });
    expectRefused(res.status);
    await waitFor(async () => linesFor(delivery).length > 0, 'the refusal log line');
    expect(linesFor(delivery)).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(marker);
    expect((await queuedJobs(ns.queue)).filter((j) => j.id === 'scan-92')).toEqual([]);
  });

  it('a signed delivery whose handler throws answers 500 and its payload is not logged', async () => {
    const delivery = randomUUID();
    // Repositories without full_name: the handler fails on them.
    const failing = JSON.stringify({ action: 'created', installation: { id: 93, account: { login: 'acme', id: 5, type: 'Organization' } }, repositories: [{ id: 931, note: marker }], sender: { login: 'octo' } });
    const res = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: 'POST', body: failing,
      headers: { 'content-type': 'application/json', 'x-github-event': 'installation', 'x-github-delivery': delivery, 'x-hub-signature-256': sign(failing) },
    });
    expect(res.status).toBe(500);
    await waitFor(async () => linesFor(delivery).length > 0, 'the failure log line');
    await new Promise((r) => setTimeout(r, 200));
    expect(lines.join('\n')).not.toContain(marker);
  });
});
