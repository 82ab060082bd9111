// A GitHub that accepts a request and never answers: the request fails after the timeout instead of holding the job.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProbotApp } from '../../src/github/client.js';
import { appKeys } from '../support/github-sim/testing.js';

let server: Server;
let requests = 0;

beforeAll(async () => {
  server = createServer(() => {
    requests += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

it('gives up on a request GitHub never answers after timeoutMs', async () => {
  const { port } = server.address() as AddressInfo;
  const probot = createProbotApp({ appId: 1, privateKey: appKeys().privateKey, webhookSecret: 'x', baseUrl: `http://127.0.0.1:${port}`, retry: false, throttle: false, timeoutMs: 300 });
  const started = Date.now();
  const octokit = await probot.auth();
  const error = await octokit.rest.apps.getAuthenticated().then(() => null, (err: unknown) => err as { status?: number; message: string });
  expect(error?.status).toBe(500);
  expect(error?.message).toMatch(/timeout|aborted/i);
  expect(requests).toBe(1);
  // Generous: the point is seconds, not undici's five minutes.
  expect(Date.now() - started).toBeLessThan(10_000);
});
