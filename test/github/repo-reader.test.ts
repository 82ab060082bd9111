// Reading a repository: one recursive tree, only the blobs a manager reads, huge files listed but not read, with a reason.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { managedPath } from '../../src/engine/index.js';
import { openTree, readDefaultBranchHead } from '../../src/github/repo-reader.js';
import type { GitHub, RepoRef } from '../../src/github/types.js';
import type { Logger } from '../../src/types.js';
import { simHandlers, type GitHubSim } from '../support/github-sim/index.js';
import { signedSim, simProbot } from '../support/github-sim/testing.js';

const server = setupServer();
let sim: GitHubSim;
let repo: RepoRef;
let gh: GitHub;
let warnings: { fields: unknown; message: string }[];

const bigCompose = `services:\n  web:\n    image: nginx:1.25\n${'# padding\n'.repeat(200)}`;

function recordingLog(): Logger {
  const noop = () => {};
  const log = { debug: noop, info: noop, error: noop, warn: (fields: unknown, message: string) => warnings.push({ fields, message }) };
  return { ...log, child: () => log } as unknown as Logger;
}

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());
beforeEach(async () => {
  warnings = [];
  sim = signedSim();
  server.resetHandlers(...simHandlers(sim));
  const installationId = sim.createInstallation({ account: 'acme' }).id;
  const files = { Dockerfile: 'FROM node:20\n', 'README.md': 'hello\n', 'src/app.ts': 'export {};\n', 'compose.yaml': bigCompose };
  const created = sim.createRepo({ owner: 'acme', name: 'web', installationId, files });
  repo = { installationId, repoId: created.id as number, owner: 'acme', repo: 'web' };
  gh = (await simProbot(sim).auth(installationId)) as unknown as GitHub;
});

const calls = (path: RegExp) => sim.requests.filter((r) => r.method === 'GET' && path.test(r.path));

describe('openTree', () => {
  it('lists only managed files; a huge one is listed (a yarn.lock counts by being there) but never fetched, and the log says why', async () => {
    const head = await readDefaultBranchHead(gh, repo);
    const source = await openTree(gh, repo, head.treeSha, { managed: managedPath, maxBlobBytes: 1024, log: recordingLog() });
    expect(await source.list()).toEqual(['Dockerfile', 'compose.yaml']);
    await expect(source.read('compose.yaml')).rejects.toThrow('file is larger than 1024 bytes; not read');
    expect(calls(/\/git\/blobs\//)).toHaveLength(0);
    expect(warnings).toEqual([{ fields: expect.objectContaining({ file: 'compose.yaml', maxBytes: 1024 }), message: expect.stringContaining('larger than the blob size cap') }]);
    expect(calls(/\/git\/trees\//)).toHaveLength(1);
  });

  it('fetches each managed blob once, and no other blob', async () => {
    const head = await readDefaultBranchHead(gh, repo);
    const source = await openTree(gh, repo, head.treeSha, { managed: managedPath, log: recordingLog() });
    expect((await source.list()).sort()).toEqual(['Dockerfile', 'compose.yaml']);
    expect(await source.read('Dockerfile')).toBe('FROM node:20\n');
    expect(await source.read('Dockerfile')).toBe('FROM node:20\n');
    expect(await source.read('compose.yaml')).toBe(bigCompose);
    expect(calls(/\/git\/blobs\//)).toHaveLength(2);
    expect(calls(/\/git\/blobs\//)).toHaveLength(2);
    // Another file is read only when named (a pip include); one not in the tree is refused.
    expect(await source.read('README.md')).toBe('hello\n');
    expect(calls(/\/git\/blobs\//)).toHaveLength(3);
    await expect(source.read('missing.txt')).rejects.toThrow(/missing\.txt: not in the scanned tree/);
    expect(warnings).toEqual([]);
  });
});
