// A gosu-like tool released from a private repository of the same owner: version and checksums move, read through the installation's port, never anonymously.
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { scan } from '../../src/engine/index.js';
import { createToolPinsPlanner } from '../../src/engine/planners/tool-pins.js';
import type { FileSource } from '../../src/engine/types.js';
import { githubToolReleases } from '../../src/github/tool-releases.js';
import type { GitHub, RepoRef } from '../../src/github/types.js';
import { silentLogger } from '../../src/types.js';
import { startSimServer, type GitHubSim, type SimServer } from '../support/github-sim/index.js';
import { signedSim, simProbot } from '../support/github-sim/testing.js';
import { gosuInstall } from '../support/gosu-fixture.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const binary = (what: string) => Buffer.from(`${what} ${'x'.repeat(300)}\n`);
const dockerfile = (tool: string) => `FROM scratch\n${gosuInstall(`acme/${tool}`)}`;

let sim: GitHubSim;
let simServer: SimServer;
let gh: GitHub;
let redis: Redis;
let shop: RepoRef;
const prefix = `private-tool-pins-test-${process.pid}`;
/** Anonymous HTTP that must not be used: a private release's assets are not served without the installation's token. */
const anonymous: string[] = [];
const http = {
  request: async (url: string) => {
    anonymous.push(url);
    return { status: 404, headers: {}, body: Buffer.alloc(0) };
  },
  stream: async (url: string) => {
    anonymous.push(url);
    throw new Error('no anonymous downloads here');
  },
} as unknown as Parameters<typeof createToolPinsPlanner>[0]['http'];

beforeAll(async () => {
  sim = signedSim();
  const installation = sim.createInstallation({ account: 'acme' });
  const { id } = sim.createRepo({ owner: 'acme', name: 'shop', installationId: installation.id, private: true, files: { Dockerfile: 'FROM scratch\n' } });
  shop = { installationId: installation.id, repoId: id, owner: 'acme', repo: 'shop' };
  for (const name of ['gosu', 'gosu-nosums']) {
    sim.createRepo({ owner: 'acme', name, installationId: installation.id, private: true, files: { README: name } });
    for (const tag of ['1.17', '1.18']) {
      const amd64 = binary(`${name} ${tag} amd64`);
      const arm64 = binary(`${name} ${tag} arm64`);
      const assets: Record<string, Buffer | string> = { 'gosu-amd64': amd64, 'gosu-arm64': arm64 };
      if (name === 'gosu') assets.SHA256SUMS = `${sha256(amd64)}  gosu-amd64\n${sha256(arm64)}  gosu-arm64\n`;
      sim.createRelease('acme', name, { tag, assets });
    }
  }
  simServer = await startSimServer(sim);
  gh = (await simProbot(sim, simServer.url).auth(installation.id)) as unknown as GitHub;
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis?.disconnect();
  await simServer?.close();
});

async function planFor(tool: string, maxAssetBytes?: number) {
  const files: FileSource = { list: async () => ['Dockerfile'], read: async () => dockerfile(tool) };
  const tools = createToolPinsPlanner({ github: githubToolReleases(gh, redis, shop, { keyPrefix: prefix }), http, ...(maxAssetBytes ? { maxAssetBytes } : {}) });
  return scan(files, { images: createOciClient({}), log: silentLogger, planners: [tools] });
}

const assetReads = () => sim.requests.filter((r) => /^\/repos\/acme\/[^/]+\/releases\/assets\/\d+$/.test(r.path)).length;

it("moves the version and both checksums from the private release's SHA256SUMS, read once through the installation's client", async () => {
  sim.clearRequests();
  const result = await planFor('gosu');
  expect(result.errors).toEqual([]);
  expect(result.held).toEqual([]);
  const [update] = result.updates;
  expect(update?.to).toBe('GOSU_VERSION=1.18');
  expect(update?.newDigest).toContain(sha256(binary('gosu 1.18 amd64')));
  expect(update?.newDigest).toContain(sha256(binary('gosu 1.18 arm64')));
  expect(update?.notes?.join('\n')).toMatch(/amd64 from SHA256SUMS of release 1\.18; arm64 from SHA256SUMS of release 1\.18/);
  // One SHA256SUMS download serves both architectures; nothing went anonymous.
  expect(assetReads()).toBe(1);
  expect(anonymous).toEqual([]);
});

it('hashes the private assets through the port when the release has no checksum file, and holds the update past the hashing cap', async () => {
  sim.clearRequests();
  const hashed = await planFor('gosu-nosums');
  expect(hashed.errors).toEqual([]);
  expect(hashed.updates[0]?.newDigest).toContain(sha256(binary('gosu-nosums 1.18 amd64')));
  expect(hashed.updates[0]?.notes?.join('\n')).toContain('hashing gosu-amd64 of release 1.18');
  expect(assetReads()).toBe(2);

  sim.clearRequests();
  const capped = await planFor('gosu-nosums', 100);
  expect(capped.updates).toEqual([]);
  expect(capped.held[0]?.reason).toMatch(/gosu-amd64 of acme\/gosu-nosums 1\.18 is \d+ bytes, more than the 100 Freshen downloads to hash/);
  expect(assetReads()).toBe(0);
  expect(anonymous).toEqual([]);
});
