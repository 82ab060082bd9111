import { afterEach, describe, expect, it } from 'vitest';
import { BlockedHostError, createHttpClient, ExternalHostError, RateLimitError, type HttpClient, type HttpClientOptions } from '../../src/http/index.js';
import { send, startLoopbackServer, type Handler, type LoopbackServer } from './loopback-server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function server(handler: Handler): Promise<LoopbackServer> {
  const s = await startLoopbackServer(handler);
  cleanups.push(() => s.close());
  return s;
}

function client(options: HttpClientOptions): HttpClient {
  const c = createHttpClient({ retryBaseMs: 10, ...options });
  cleanups.push(() => c.close());
  return c;
}

describe('http client: answers and retries', () => {
  it('returns status, lowercased headers, body and url', async () => {
    const s = await server((_req, res) => send(res, 200, 'hello', { 'X-Thing': 'yes' }));
    const http = client({ insecureHosts: [s.host] });
    const res = await http.request(`${s.url}/a`);
    expect(res.status).toBe(200);
    expect(res.headers['x-thing']).toBe('yes');
    expect(res.body.toString()).toBe('hello');
    expect(res.url).toBe(`${s.url}/a`);
    expect(http.stats.byHost[s.host]).toBe(1);
  });

  it('retries 5xx with backoff and succeeds', async () => {
    const s = await server((_req, res, i) => send(res, i < 2 ? 502 : 200, i < 2 ? 'bad gateway' : 'ok'));
    const http = client({ insecureHosts: [s.host], retries: 2 });
    const res = await http.request(`${s.url}/x`);
    expect(res.body.toString()).toBe('ok');
    expect(s.requests).toHaveLength(3);
    expect(http.stats.total).toBe(3);
  });

  it('gives up after the bounded retries with an ExternalHostError naming the status', async () => {
    const s = await server((_req, res) => send(res, 503, 'down'));
    const http = client({ insecureHosts: [s.host], retries: 1 });
    const err = await http.request(`${s.url}/x`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalHostError);
    expect((err as ExternalHostError).status).toBe(503);
    expect((err as Error).message).toMatch(/answered 503 \(2 attempts\)/);
    expect(s.requests).toHaveLength(2);
  });

  it('does not retry a POST after a server error', async () => {
    const s = await server((_req, res) => send(res, 500));
    const http = client({ insecureHosts: [s.host], retries: 3 });
    await expect(http.request(`${s.url}/x`, { method: 'POST', body: 'x' })).rejects.toBeInstanceOf(ExternalHostError);
    expect(s.requests).toHaveLength(1);
  });

  it('honours Retry-After in seconds on 429, then succeeds', async () => {
    const s = await server((_req, res, i) => (i === 0 ? send(res, 429, '', { 'retry-after': '1' }) : send(res, 200, 'ok')));
    const http = client({ insecureHosts: [s.host] });
    const started = Date.now();
    const res = await http.request(`${s.url}/x`);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(s.requests).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP date on 503', async () => {
    const s = await server((_req, res, i) =>
      i === 0 ? send(res, 503, '', { 'retry-after': new Date(Date.now() + 1500).toUTCString() }) : send(res, 200, 'ok'),
    );
    const http = client({ insecureHosts: [s.host], retries: 0 });
    const started = Date.now();
    expect((await http.request(`${s.url}/x`)).status).toBe(200);
    // HTTP dates have whole seconds, so the wait is somewhere in (0.5 s, 1.5 s].
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('throws RateLimitError with the wait when Retry-After exceeds the cap', async () => {
    const s = await server((_req, res) => send(res, 429, '', { 'retry-after': '120' }));
    const http = client({ insecureHosts: [s.host], maxRetryAfterMs: 5_000 });
    const started = Date.now();
    const err = await http.request(`${s.url}/x`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfterMs).toBe(120_000);
    // Not waited out: far below the 120 s, generous for a loaded machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(s.requests).toHaveLength(1);
  });

  it('times out on a host that never answers, with a clear error', async () => {
    const s = await server(() => {
      /* never answers */
    });
    const http = client({ insecureHosts: [s.host], timeoutMs: 300, retries: 1 });
    const started = Date.now();
    const err = await http.request(`${s.url}/hang`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalHostError);
    expect((err as Error).message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/hang failed: timed out after 300 ms \(2 attempts\)/);
    // Two 300 ms attempts, not a hang (the bound is generous for a loaded machine).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(s.requests).toHaveLength(2);
  });

  it('limits concurrent requests per host', async () => {
    let inFlight = 0;
    let most = 0;
    const s = await server(async (_req, res) => {
      most = Math.max(most, ++inFlight);
      // Answers wait until two were in flight once, so the count does not depend on how fast they arrive.
      for (const deadline = Date.now() + 5_000; most < 2 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      send(res, 200, 'ok');
    });
    const http = client({ insecureHosts: [s.host], perHostConcurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => http.request(`${s.url}/${i}`)));
    expect(most).toBe(2);
    expect(s.requests).toHaveLength(8);
  });

  it('streams a body and frees the slot when it is read', async () => {
    const s = await server((_req, res) => send(res, 200, Buffer.alloc(100_000, 7)));
    const http = client({ insecureHosts: [s.host], perHostConcurrency: 1 });
    for (let i = 0; i < 3; i++) {
      const res = await http.stream(`${s.url}/blob`);
      let size = 0;
      for await (const chunk of res.body) size += (chunk as Buffer).length;
      expect(size).toBe(100_000);
    }
  });

  it('fails a streamed body that drips past the whole-body deadline, and frees the slot', async () => {
    const s = await server((req, res) => {
      if (req.url === '/ok') return send(res, 200, 'fine');
      res.writeHead(200, { 'content-length': '1000' });
      // One byte every 50 ms: never idle long enough for the per-chunk timeout.
      const drip = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(drip));
    });
    const http = client({ insecureHosts: [s.host], perHostConcurrency: 1, timeoutMs: 300, streamDeadlineMs: 600 });
    const res = await http.stream(`${s.url}/drip`);
    const started = Date.now();
    let read = 0;
    await expect((async () => {
      for await (const chunk of res.body) read += (chunk as Buffer).length;
    })()).rejects.toThrow(/took longer than 600 ms/);
    // Stopped at the deadline, not after the 50 s drip (generous for a loaded machine).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(read).toBeGreaterThan(0);
    expect((await http.request(`${s.url}/ok`)).body.toString()).toBe('fine');
  });

  it('follows redirects and drops Authorization when the origin changes', async () => {
    const target = await server((_req, res) => send(res, 200, 'blob'));
    const origin = await server((_req, res) => send(res, 307, '', { location: `${target.url}/data?sig=secret` }));
    const http = client({ insecureHosts: [origin.host, target.host] });
    const res = await http.request(`${origin.url}/v2/x/blobs/sha256:1`, { headers: { Authorization: 'Bearer abc' } });
    expect(res.body.toString()).toBe('blob');
    expect(res.url).toBe(`${target.url}/data?sig=secret`);
    expect(origin.requests[0]!.headers.authorization).toBe('Bearer abc');
    expect(target.requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe('http client: SSRF guard', () => {
  it('refuses plain HTTP to a host that is not listed', async () => {
    const s = await server((_req, res) => send(res, 200));
    const http = client({});
    await expect(http.request(`${s.url}/`)).rejects.toThrow(/only https is allowed unless the host is listed as insecure/);
    expect(s.connections).toBe(0);
  });

  it('refuses a loopback address over https before connecting', async () => {
    const s = await server((_req, res) => send(res, 200));
    const http = client({});
    const err = await http.request(`https://127.0.0.1:${s.port}/`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlockedHostError);
    expect((err as Error).message).toMatch(/resolves to 127\.0\.0\.1, a private, loopback or otherwise non-public address/);
    expect(s.connections).toBe(0);
  });

  it('checks the address DNS gives for a name, and connects to exactly that address when listed', async () => {
    const s = await server((_req, res) => send(res, 200, 'reached'));
    const lookup = async (name: string) => (name === 'registry.internal.test' ? [{ address: '127.0.0.1', family: 4 }] : []);
    const refused = client({ lookup });
    await expect(refused.request(`https://registry.internal.test:${s.port}/`)).rejects.toThrow(/registry\.internal\.test:\d+: it resolves to 127\.0\.0\.1/);
    const listed = client({ lookup, insecureHosts: [`registry.internal.test:${s.port}`] });
    const res = await listed.request(`http://registry.internal.test:${s.port}/`);
    expect(res.body.toString()).toBe('reached');
    expect(s.requests[0]!.headers.host).toBe(`registry.internal.test:${s.port}`);
  });

  it('refuses a name when any of its addresses is private', async () => {
    const lookup = async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.1.2.3', family: 4 }];
    const http = client({ lookup });
    await expect(http.request('https://mixed.example.test/')).rejects.toThrow(/resolves to 10\.1\.2\.3/);
  });

  it('refuses a redirect from a listed host to an unlisted private one', async () => {
    const inner = await server((_req, res) => send(res, 200, 'metadata'));
    const outer = await server((_req, res) => send(res, 302, '', { location: `https://127.0.0.1:${inner.port}/latest` }));
    const http = client({ insecureHosts: [outer.host] });
    await expect(http.request(`${outer.url}/`)).rejects.toBeInstanceOf(BlockedHostError);
    expect(inner.connections).toBe(0);
  });

  it('matches listed hosts by host:port or by bare host', () => {
    const http = client({ insecureHosts: ['127.0.0.1:5000', 'registry.lan'] });
    expect(http.isInsecureHost('127.0.0.1:5000')).toBe(true);
    expect(http.isInsecureHost('127.0.0.1:5001')).toBe(false);
    expect(http.isInsecureHost('registry.lan:8443')).toBe(true);
    expect(http.isInsecureHost('other.lan')).toBe(false);
  });
});
