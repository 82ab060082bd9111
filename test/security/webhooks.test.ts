// The webhook endpoint acts only on deliveries signed with the webhook secret, over the exact bytes received.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queuedJobs, sign, startWebRole, WEBHOOK_SECRET, type RedisNamespace } from '../support/app-harness.js';

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
