// The webhook endpoint acts only on deliveries signed with the webhook secret, over the exact bytes received, and on each once.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DeliveryMemory } from '../../src/github/deliveries.js';
import { webhookEndpoint, type WebhookEvent } from '../../src/github/webhook-endpoint.js';
import { silentLogger } from '../../src/types.js';
import { queuedJobs, redisNamespace, sign, startWebRole, WEBHOOK_SECRET, type RedisNamespace } from '../support/app-harness.js';

const installation = { id: 78, account: { login: 'acme', id: 5, type: 'Organization' } };
const repository = (id: number, name: string) => ({ id, name, full_name: `acme/${name}`, private: true, node_id: 'x' });
const payload = (repoId: number) => JSON.stringify({ action: 'created', installation, repositories: [repository(repoId, 'site')], sender: { login: 'octo' } });

let url: string;
let web: RedisNamespace;
let webRole: Awaited<ReturnType<typeof startWebRole>>;

beforeAll(async () => {
  webRole = await startWebRole(inject('redisUrl'));
  ({ url, namespace: web } = webRole);
});
afterAll(async () => {
  await webRole?.stop();
});

const post = (body: string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'installation', 'x-github-delivery': randomUUID(), ...headers } });

function expectRefused(status: number): void {
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
}

describe('webhook signatures', () => {
  it('refuses a captured signature replayed with a modified body, and queues nothing', async () => {
    const original = payload(701);
    const tampered = payload(702);
    expectRefused((await post(tampered, { 'x-hub-signature-256': sign(original) })).status);
    // Same JSON, different bytes (whitespace): the signature covers the bytes, not the meaning.
    expectRefused((await post(` ${original}`, { 'x-hub-signature-256': sign(original) })).status);
    expect(await queuedJobs(web.queue)).toEqual([]);
  });

  it('refuses the legacy SHA-1 signature alone, a truncated signature and a wrong scheme', async () => {
    const body = payload(703);
    const sha1 = `sha1=${createHmac('sha1', WEBHOOK_SECRET).update(body).digest('hex')}`;
    expectRefused((await post(body, { 'x-hub-signature': sha1 })).status);
    expectRefused((await post(body, { 'x-hub-signature-256': sign(body).slice(0, 40) })).status);
    expectRefused((await post(body, { 'x-hub-signature-256': sign(body).replace('sha256=', 'sha1=') })).status);
    expect(await queuedJobs(web.queue)).toEqual([]);
  });

  it('accepts the same delivery once it is signed correctly (the refusals above were for the signature)', async () => {
    const body = payload(704);
    expect((await post(body, { 'x-hub-signature-256': sign(body) })).status).toBe(200);
    expect((await queuedJobs(web.queue)).filter((j) => j.name === 'scan-repo').map((j) => j.id)).toEqual(['scan-704']);
  });
});

describe('replayed deliveries', () => {
  const signedPost = (body: string, delivery: string) =>
    post(body, { 'x-github-delivery': delivery, 'x-hub-signature-256': sign(body) });
  const scans = async () => (await queuedJobs(web.queue)).filter((j) => j.name === 'scan-repo').map((j) => j.id);

  it('a redelivered (same X-GitHub-Delivery) signed delivery is acknowledged and queues nothing again', async () => {
    const body = payload(710);
    const delivery = randomUUID();
    expect((await signedPost(body, delivery)).status).toBe(200);
    expect(await scans()).toContain('scan-710');
    // The scan ran and left the queue: only the delivery memory can stop the repeat now.
    await web.queue.remove('scan-710');
    const again = await signedPost(body, delivery);
    expect(again.status).toBeGreaterThanOrEqual(200);
    expect(again.status).toBeLessThan(300);
    expect(await scans()).not.toContain('scan-710');
  });

  it('the same signed body under a new delivery id (the id is not signed) is dropped too', async () => {
    const body = payload(711);
    expect((await signedPost(body, randomUUID())).status).toBe(200);
    await web.queue.remove('scan-711');
    const replay = await signedPost(body, randomUUID());
    expect(replay.status).toBe(200);
    expect(await scans()).not.toContain('scan-711');
  });

  it('an unsigned request cannot take a delivery id: the signed delivery with that id still runs', async () => {
    const body = payload(712);
    const delivery = randomUUID();
    expectRefused((await post(body, { 'x-github-delivery': delivery })).status);
    expectRefused((await post(body, { 'x-github-delivery': delivery, 'x-hub-signature-256': sign(body, 'not-the-secret') })).status);
    expect((await signedPost(body, delivery)).status).toBe(200);
    expect(await scans()).toContain('scan-712');
  });
});

describe('a delivery whose handling failed', () => {
  it('answers 500 and runs again when GitHub redelivers it; a repeat after success is dropped', async () => {
    const ns = redisNamespace(inject('redisUrl'));
    const received: string[] = [];
    let failNext = true;
    const endpoint = webhookEndpoint({
      path: '/hooks', secret: WEBHOOK_SECRET, deliveries: new DeliveryMemory(ns.memory), log: silentLogger,
      receive: async (event: WebhookEvent) => {
        received.push(event.id);
        if (failNext) {
          failNext = false;
          throw new Error('Redis went away while queueing');
        }
      },
    });
    const server = createServer((req, res) => {
      if (!endpoint(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const body = payload(720);
      const delivery = randomUUID();
      const send = () => fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, {
        method: 'POST', body,
        headers: { 'content-type': 'application/json', 'x-github-event': 'installation', 'x-github-delivery': delivery, 'x-hub-signature-256': sign(body) },
      });
      expect((await send()).status).toBe(500);
      expect((await send()).status).toBe(200);
      expect((await send()).status).toBe(200);
      expect(received).toEqual([delivery, delivery]);
      // Remembered a day, under the deployment's key prefix.
      expect(await ns.connection.ttl(`${ns.prefix}:webhook:delivery:${delivery}`)).toBeGreaterThan(23 * 3600);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await ns.close();
    }
  });
});
