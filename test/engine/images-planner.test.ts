// The image planner: tags through the `docker` datasource, digests from the scan's image client, first in every scan, rate limits waited for.
import { describe, expect, it } from 'vitest';
import { defaultRepoConfig } from '../../src/config/repo-config.js';
import { scanPlanners } from '../../src/config/compose.js';
import { anonymousGitHubReleases } from '../../src/datasources/github-releases/index.js';
import { createDatasources, packageIndexes } from '../../src/datasources/index.js';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { scan } from '../../src/engine/index.js';
import { IMAGES_PLANNER, imagesPlanner } from '../../src/engine/planners/images.js';
import type { FileSource, ImageLookup, Planner } from '../../src/engine/types.js';
import { createHttpClient, RateLimitError } from '../../src/http/index.js';
import { MemoryFirstSeenStore } from '../../src/insight/index.js';
import { silentLogger, type Datasource } from '../../src/types.js';

const digestOf = (tag: string) => `sha256:${Buffer.from(tag).toString('hex').padEnd(64, '0').slice(0, 64)}`;

function memory(files: Record<string, string>): FileSource {
  return { list: async () => Object.keys(files), read: async (p) => files[p]! };
}

/** An image client that answers from a table and records what it is asked. */
function fakeImages(tags: Record<string, string[] | Error>): ImageLookup & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async getTags(depName) {
      asked.push(`tags ${depName}`);
      const found = tags[depName];
      if (found instanceof Error) throw found;
      if (!found) throw new Error(`${depName}: 404 NAME_UNKNOWN`);
      return found;
    },
    async getDigest(depName, ref) {
      asked.push(`digest ${depName}:${ref}`);
      return digestOf(ref);
    },
  };
}

const files = memory({
  Dockerfile: 'FROM example.test/app:1.0\nFROM example.test/gone:1.0\n',
  'svc/Dockerfile': 'FROM example.test/app:1.0 AS base\nFROM example.test/tool:latest\n',
});

describe('image planner', () => {
  it('reads tags through the docker datasource it is given and digests from the scan\'s client, each once per scan', async () => {
    const images = fakeImages({});
    const asked: string[] = [];
    const docker: Datasource = {
      name: 'docker', defaultVersioning: 'docker',
      async getReleases(name) {
        asked.push(name);
        if (name !== 'example.test/app') throw new Error(`${name}: 404 NAME_UNKNOWN`);
        return { name, releases: ['1.0', '1.1', '2.0'].map((version) => ({ version })) };
      },
    };
    const result = await scan(files, { images, log: silentLogger, planners: [imagesPlanner({ docker })] });
    expect(result.updates.map((u) => [u.file, u.line, u.depIndex, u.updateType, u.to])).toEqual([
      ['Dockerfile', 1, 0, 'minor', `example.test/app:1.1@${digestOf('1.1')}`],
      ['Dockerfile', 1, 0, 'major', `example.test/app:2.0@${digestOf('2.0')}`],
      ['svc/Dockerfile', 1, 0, 'minor', `example.test/app:1.1@${digestOf('1.1')}`],
      ['svc/Dockerfile', 1, 0, 'major', `example.test/app:2.0@${digestOf('2.0')}`],
      ['svc/Dockerfile', 2, 1, 'pin', `example.test/tool:latest@${digestOf('latest')}`],
    ]);
    // One located error for the image the registry does not know; the others are planned.
    expect(result.errors).toEqual([{ file: 'Dockerfile', line: 2, depName: 'example.test/gone', message: 'example.test/gone: 404 NAME_UNKNOWN' }]);
    expect(asked.sort()).toEqual(['example.test/app', 'example.test/gone']);
    expect(images.asked.sort()).toEqual(['digest example.test/app:1.1', 'digest example.test/app:2.0', 'digest example.test/tool:latest']);
  });

  it('is put first when a context names no image planner, reading tags from the context\'s client', async () => {
    const images = fakeImages({ 'example.test/app': ['1.0', '1.1'], 'example.test/gone': ['1.0'], 'example.test/tool': ['latest'] });
    const seen: number[] = [];
    const counting: Planner = { name: 'counting', async plan(state) { seen.push(state.updates.length); } };
    const result = await scan(files, { images, log: silentLogger, planners: [counting] });
    expect(seen).toEqual([4]);
    expect(result.updates.map((u) => [u.file, u.line, u.updateType])).toEqual([
      ['Dockerfile', 1, 'minor'], ['Dockerfile', 2, 'pin'], ['svc/Dockerfile', 1, 'minor'], ['svc/Dockerfile', 2, 'pin'],
    ]);
    expect(images.asked.filter((a) => a.startsWith('tags')).sort()).toEqual(['tags example.test/app', 'tags example.test/gone']);
  });

  it('keeps the process, ignore and pinDigests options', async () => {
    const images = fakeImages({ 'example.test/app': ['1.0', '1.1'], 'example.test/gone': ['1.0'] });
    const result = await scan(files, { images, log: silentLogger }, {
      ignore: ['example.test/gone'],
      processFor: (dep) => (dep.depName === 'example.test/tool' ? 'rebuild' : 'pinned'),
    });
    expect(result.errors).toEqual([]);
    expect(result.updates.map((u) => [u.file, u.updateType, u.newDigest !== null])).toEqual([['Dockerfile', 'minor', true], ['svc/Dockerfile', 'minor', true]]);
    const unpinned = await scan(files, { images, log: silentLogger }, { ignore: ['example.test/gone'], pinDigests: false });
    expect(unpinned.updates.map((u) => [u.file, u.to])).toEqual([['Dockerfile', 'example.test/app:1.1'], ['svc/Dockerfile', 'example.test/app:1.1']]);
  });

  it('with throwOnRateLimit, the registry\'s RateLimitError fails the scan before later planners run; without, it is a located error', async () => {
    const limited = new RateLimitError('too many requests', 'example.test', 60_000);
    const images = fakeImages({ 'example.test/app': ['1.0'], 'example.test/gone': limited, 'example.test/tool': ['latest'] });
    const ran: string[] = [];
    const later: Planner = { name: 'later', async plan() { ran.push('later'); } };
    await expect(scan(files, { images, log: silentLogger, planners: [later] }, { throwOnRateLimit: true })).rejects.toBe(limited);
    expect(ran).toEqual([]);
    const reported = await scan(files, { images, log: silentLogger, planners: [later] });
    expect(ran).toEqual(['later']);
    expect(reported.errors).toEqual([{ file: 'Dockerfile', line: 2, depName: 'example.test/gone', message: 'too many requests' }]);
  });
});

describe('composition', () => {
  it('the CLI and the app get the image planner first, over the registry\'s docker datasource', async () => {
    const http = createHttpClient({ insecureHosts: [] });
    const planners = scanPlanners(defaultRepoConfig, {
      settings: {}, insecureRegistries: [], http, images: createOciClient({ http }), indexes: packageIndexes(http),
      toolReleases: anonymousGitHubReleases(http),
      insight: { firstSeen: new MemoryFirstSeenStore(), skipWhatChanged: true },
    });
    expect(planners[0]!.name).toBe(IMAGES_PLANNER);
    expect(planners.filter((p) => p.name === IMAGES_PLANNER)).toHaveLength(1);
    const images = fakeImages({ 'example.test/app': ['1.0', '1.1'] });
    const docker = createDatasources({ http, settings: {}, insecureRegistries: [], images }).get('docker')!;
    expect((await docker.getReleases('example.test/app')).releases).toEqual([{ version: '1.0' }, { version: '1.1' }]);
    await expect(createDatasources({ http, settings: {}, insecureRegistries: [] }).get('docker')!.getReleases('example.test/app')).rejects.toThrow(/no image registry client/);
  });
});
