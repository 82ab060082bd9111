// The app's tool-release port: the installation's client against the GitHub simulation; public repositories read once per fleet,
// private ones only into private repositories of the same owner and cached per installation.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { githubToolReleases } from '../../src/github/tool-releases.js';
import type { GitHub, RepoRef } from '../../src/github/types.js';
import { startSimServer, type GitHubSim, type SimServer } from '../support/github-sim/index.js';
import { signedSim, simProbot } from '../support/github-sim/testing.js';

let sim: GitHubSim;
let simServer: SimServer;
let gh: GitHub;
let otherGh: GitHub;
let redis: Redis;
let shop: RepoRef;
let site: RepoRef;
let foreign: RepoRef;
let otherApp: RepoRef;
const prefix = `tool-releases-test-${process.pid}`;

beforeAll(async () => {
  sim = signedSim();
  const installation = sim.createInstallation({ account: 'acme' });
  const other = sim.createInstallation({ account: 'globex' });
  const repoRef = (owner: string, name: string, installationId: number, priv: boolean): RepoRef => {
    const { id } = sim.createRepo({ owner, name, installationId, private: priv, files: { Dockerfile: 'FROM scratch\n' } });
    return { installationId, repoId: id, owner, repo: name };
  };
  shop = repoRef('acme', 'shop', installation.id, true);
  site = repoRef('acme', 'site', installation.id, false);
  otherApp = repoRef('globex', 'app', other.id, true);
  // A repository of another owner scanned with this installation's client (an installation covers one account, so GitHub shows it nothing).
  foreign = { ...otherApp, installationId: installation.id };
  sim.createRepo({ owner: 'acme', name: 'secret-tool', installationId: installation.id, files: { README: 'x' } });
  sim.createRelease('acme', 'secret-tool', { tag: 'v9.9.9', assets: { 'tool-amd64': 'private bytes', SHA256SUMS: 'abc  tool-amd64\n' } });
  sim.createRepo({ owner: 'tianon', name: 'gosu', private: false, files: { README: 'x' } });
  sim.createRelease('tianon', 'gosu', { tag: '1.17', assets: { 'gosu-amd64': 'a', SHA256SUMS: 'x' } });
  sim.createRelease('tianon', 'gosu', { tag: '1.18-rc1', prerelease: true });
  sim.createTag('tianon', 'gosu', '1.17');
  simServer = await startSimServer(sim);
  gh = (await simProbot(sim, simServer.url).auth(installation.id)) as unknown as GitHub;
  otherGh = (await simProbot(sim, simServer.url).auth(other.id)) as unknown as GitHub;
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
    const source = githubToolReleases(gh, redis, shop, { keyPrefix: prefix });
    const releases = await source.listReleases('tianon', 'gosu');
    expect(releases.map((r) => [r.tag, r.prerelease, r.assets.map((a) => a.name)])).toEqual([
      ['1.18-rc1', true, []],
      ['1.17', false, ['gosu-amd64', 'SHA256SUMS']],
    ]);
    expect(releases[1]!.assets[0]!.downloadUrl).toMatch(/\/tianon\/gosu\/releases\/download\/1\.17\/gosu-amd64$/);
    expect(await source.listTags('tianon', 'gosu')).toEqual(['1.17']);
    sim.clearRequests();
    await githubToolReleases(gh, redis, shop, { keyPrefix: prefix }).listReleases('tianon', 'gosu');
    expect(sim.requests).toEqual([]);
  });

  it('reads a private repository of the same owner into a private repository, marked private and cached for the installation only', async () => {
    const source = githubToolReleases(gh, redis, shop, { keyPrefix: prefix });
    const releases = await source.listReleases('acme', 'secret-tool');
    expect(releases.map((r) => [r.tag, r.private, r.assets.map((a) => a.name)])).toEqual([['v9.9.9', { owner: 'acme', repo: 'secret-tool' }, ['tool-amd64', 'SHA256SUMS']]]);
    expect(await redis.exists(`${prefix}:installation:${shop.installationId}:releases:acme/secret-tool`)).toBe(1);
    expect(await redis.exists(`${prefix}:releases:acme/secret-tool`)).toBe(0);
    sim.clearRequests();
    expect(await githubToolReleases(gh, redis, shop, { keyPrefix: prefix }).listReleases('acme', 'secret-tool')).toEqual(releases);
    expect(sim.requests).toEqual([]);
    const sums = releases[0]!.assets.find((a) => a.name === 'SHA256SUMS')!;
    const chunks: Uint8Array[] = [];
    for await (const chunk of await source.downloadAsset('acme', 'secret-tool', sums)) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString('utf8')).toBe('abc  tool-amd64\n');
  });

  it("refuses a private repository's releases for a public repository of the same owner or a repository of another owner, saying why", async () => {
    sim.clearRequests();
    await expect(githubToolReleases(gh, redis, site, { keyPrefix: prefix }).listReleases('acme', 'secret-tool')).rejects.toThrow(
      /acme\/secret-tool is private and acme\/site is public; .*only into private repositories of the same owner/,
    );
    await expect(githubToolReleases(gh, redis, foreign, { keyPrefix: prefix }).listTags('acme', 'secret-tool')).rejects.toThrow(
      /acme\/secret-tool is private and globex\/app belongs to another owner/,
    );
    const sums = { name: 'SHA256SUMS', downloadUrl: 'https://github.com/acme/secret-tool/releases/download/v9.9.9/SHA256SUMS', size: 16, id: 1 };
    await expect(githubToolReleases(gh, redis, site, { keyPrefix: prefix }).downloadAsset('acme', 'secret-tool', sums)).rejects.toThrow(/acme\/site is public/);
    expect(sim.requests.filter((r) => r.path.startsWith('/repos/acme/secret-tool/')).map((r) => r.path)).toEqual([]);
  });

  it("never gives another installation the private answer another one cached: GitHub tells it the repository is not there", async () => {
    await githubToolReleases(gh, redis, shop, { keyPrefix: prefix }).listReleases('acme', 'secret-tool');
    sim.clearRequests();
    const source = githubToolReleases(otherGh, redis, otherApp, { keyPrefix: prefix });
    await expect(source.listReleases('acme', 'secret-tool')).rejects.toThrow(/acme\/secret-tool is not a GitHub repository this installation can read/);
    expect(sim.requests.some((r) => r.path === '/repos/acme/secret-tool')).toBe(true);
    const [release] = await githubToolReleases(gh, redis, shop, { keyPrefix: prefix }).listReleases('acme', 'secret-tool');
    const asset = release!.assets.find((a) => a.name === 'tool-amd64')!;
    await expect(source.downloadAsset('acme', 'secret-tool', asset)).rejects.toThrow(/not a GitHub repository this installation can read/);
    // The simulation's own access check, without Freshen's: the other installation's token gets a 404 for the asset.
    await expect(otherGh.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', { owner: 'acme', repo: 'secret-tool', asset_id: asset.id!, headers: { accept: 'application/octet-stream' } })).rejects.toMatchObject({ status: 404 });
  });
});
