// The app's tool-release port: the installation's client against the GitHub simulation, public repositories only, one read per cache period.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { githubToolReleases } from '../../src/github/tool-releases.js';
import type { GitHub } from '../../src/github/types.js';
import { startSimServer, type GitHubSim, type SimServer } from '../support/github-sim/index.js';
import { signedSim, simProbot } from '../support/github-sim/testing.js';

let sim: GitHubSim;
let simServer: SimServer;
let gh: GitHub;
let redis: Redis;
const prefix = `tool-releases-test-${process.pid}`;

beforeAll(async () => {
  sim = signedSim();
  const installation = sim.createInstallation({ account: 'acme' });
  sim.createRepo({ owner: 'acme', name: 'shop', installationId: installation.id, files: { Dockerfile: 'FROM scratch\n' } });
  sim.createRepo({ owner: 'acme', name: 'secret-tool', installationId: installation.id, files: { README: 'x' } });
  sim.createRelease('acme', 'secret-tool', { tag: 'v9.9.9' });
  sim.createRepo({ owner: 'tianon', name: 'gosu', private: false, files: { README: 'x' } });
  sim.createRelease('tianon', 'gosu', { tag: '1.17', assets: { 'gosu-amd64': 'a', SHA256SUMS: 'x' } });
  sim.createRelease('tianon', 'gosu', { tag: '1.18-rc1', prerelease: true });
  sim.createTag('tianon', 'gosu', '1.17');
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

describe('tool releases through the installation', () => {
  it("lists a public repository's releases with their assets and its tags, and reads them once per cache period", async () => {
    const source = githubToolReleases(gh, redis, { keyPrefix: prefix });
    const releases = await source.listReleases('tianon', 'gosu');
    expect(releases.map((r) => [r.tag, r.prerelease, r.assets.map((a) => a.name)])).toEqual([
      ['1.18-rc1', true, []],
      ['1.17', false, ['gosu-amd64', 'SHA256SUMS']],
    ]);
    expect(releases[1]!.assets[0]!.downloadUrl).toMatch(/\/tianon\/gosu\/releases\/download\/1\.17\/gosu-amd64$/);
    expect(await source.listTags('tianon', 'gosu')).toEqual(['1.17']);
    sim.clearRequests();
    await githubToolReleases(gh, redis, { keyPrefix: prefix }).listReleases('tianon', 'gosu');
    expect(sim.requests).toEqual([]);
  });

  it("refuses a private repository the installation can read: its versions would show in another repository's PR", async () => {
    const source = githubToolReleases(gh, redis, { keyPrefix: prefix });
    await expect(source.listReleases('acme', 'secret-tool')).rejects.toThrow(/acme\/secret-tool is not a public GitHub repository/);
    expect(sim.requests.some((r) => r.path === '/repos/acme/secret-tool/releases')).toBe(false);
  });
});
