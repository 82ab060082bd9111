// pip end to end on a loopback index (JSON and simple APIs), and release notes from the GitHub simulation, cached in Redis.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPypiDatasource } from '../../../src/datasources/pypi/index.js';
import { applyUpdatesWithArtifacts } from '../../../src/engine/artifacts.js';
import { directorySource } from '../../../src/engine/directory-source.js';
import { releaseNotesPlanner } from '../../../src/engine/language/index.js';
import { scan } from '../../../src/engine/index.js';
import { pipPlanner } from '../../../src/engine/planners/pip.js';
import type { ImageLookup } from '../../../src/engine/types.js';
import { githubReleaseNotesSource } from '../../../src/github/release-notes.js';
import type { GitHub } from '../../../src/github/types.js';
import { createHttpClient } from '../../../src/http/index.js';
import { silentLogger } from '../../../src/types.js';
import { GitHubSim, startSimServer, type SimServer } from '../../support/github-sim/index.js';
import { signedSim, simProbot } from '../../support/github-sim/testing.js';
import { fileHash, startPypiIndex, type PypiIndex } from '../../support/pypi-index.js';

const noImages: ImageLookup = { getTags: () => Promise.reject(new Error('none')), getDigest: () => Promise.reject(new Error('none')) };
const sha = (file: string) => `sha256:${fileHash(file)}`;

let index: PypiIndex;
let sim: GitHubSim;
let simServer: SimServer;
let gh: GitHub;
let installationId: number;
let redis: Redis;
let dir: string;
const prefix = `release-notes-test-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  index = await startPypiIndex([
    {
      name: 'attrs',
      projectUrls: { Source: 'https://github.com/python-attrs/attrs' },
      releases: [
        { version: '23.1.0', files: ['attrs-23.1.0-py3-none-any.whl', 'attrs-23.1.0.tar.gz'] },
        { version: '23.2.0', files: ['attrs-23.2.0-py3-none-any.whl', 'attrs-23.2.0.tar.gz', 'attrs-23.2.0-py2.py3-none-any.whl'] },
        { version: '23.3.0rc1', files: ['attrs-23.3.0rc1.tar.gz'] },
        { version: '24.1.0', files: ['attrs-24.1.0.tar.gz'], yanked: true },
      ],
    },
    {
      name: 'Flask',
      projectUrls: { Homepage: 'https://palletsprojects.com', Source: 'https://github.com/pallets/flask' },
      releases: [
        { version: '2.3.3', files: ['flask-2.3.3.tar.gz'] },
        { version: '3.0.0', files: ['flask-3.0.0-py3-none-any.whl', 'flask-3.0.0.tar.gz'] },
      ],
    },
    { name: 'numpy', simpleOnly: true, releases: [{ version: '1.26.2', files: ['numpy-1.26.2.tar.gz'] }, { version: '1.26.4', files: ['numpy-1.26.4.tar.gz'] }] },
  ]);
  sim = signedSim();
  const installation = sim.createInstallation({ account: 'acme' });
  sim.createRepo({ owner: 'python-attrs', name: 'attrs', private: false, files: {
    'CHANGELOG.md': '# Changelog\n\n## 24.1.0\n\n- yanked later\n\n## 23.2.0 (2023-12-31)\n\n- `attrs.define` gains `unsafe_hash`.\n\n### Deprecations\n\n- Old API warns.\n\n## 23.1.0\n\n- Older change.\n',
  } });
  sim.createRepo({ owner: 'pallets', name: 'flask', private: false, files: { 'README.md': 'flask\n' } });
  sim.createRelease('pallets', 'flask', { tag: '2.3.3', body: 'Old fixes.' });
  sim.createRelease('pallets', 'flask', { tag: '3.0.0', name: 'Flask 3.0.0', body: 'Drops Python 3.7.' });
  simServer = await startSimServer(sim);
  installationId = installation.id;
  gh = (await simProbot(sim, simServer.url).auth(installation.id)) as unknown as GitHub;
  redis = new Redis(inject('redisUrl'));

  dir = mkdtempSync(join(tmpdir(), 'freshen-pip-'));
  const files: Record<string, string> = {
    'requirements.txt': [
      `--index-url ${index.url}`,
      '-r requirements/base.txt',
      'attrs==23.1.0 \\',
      `    --hash=${sha('attrs-23.1.0-py3-none-any.whl')} \\`,
      `    --hash=${sha('attrs-23.1.0.tar.gz')}`,
      'Flask[async]==2.3.3 ; python_version >= "3.8"  # web',
      'requests>=2',
      '',
    ].join('\n'),
    'requirements/base.txt': 'numpy==1.26.2\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
});

afterAll(async () => {
  await index?.close();
  await simServer?.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis?.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

function planners() {
  const pypi = createPypiDatasource({ http: createHttpClient({ insecureHosts: [index.host] }) });
  return [pipPlanner({ pypi }), releaseNotesPlanner(githubReleaseNotesSource(gh, redis, { installationId, repoId: 1, owner: 'acme', repo: 'shop' }, { keyPrefix: prefix }))];
}

describe('pip planning on a loopback index', () => {
  it('proposes the newest stable, non-yanked release; -r includes use the including file’s index', async () => {
    const result = await scan(directorySource(dir), { images: noImages, log: silentLogger, planners: planners() });
    expect(result.errors).toEqual([]);
    expect(result.updates.map((u) => [u.file, u.depName, u.from, u.to, u.updateType])).toEqual([
      ['requirements.txt', 'attrs', '23.1.0', '23.2.0', 'minor'],
      ['requirements.txt', 'flask', '2.3.3', '3.0.0', 'major'],
      ['requirements/base.txt', 'numpy', '1.26.2', '1.26.4', 'patch'],
    ]);
    expect(index.requests).toContain('/simple/numpy/');
    // Hashes only where the pin had them: every file of the new release.
    expect(result.updates.map((u) => u.newDigest)).toEqual([
      ['attrs-23.2.0-py2.py3-none-any.whl', 'attrs-23.2.0-py3-none-any.whl', 'attrs-23.2.0.tar.gz'].map(sha).join(','),
      null,
      null,
    ]);
  });

  it('writes the pins with the new hashes in the same continuation layout, markers and extras kept', async () => {
    const source = directorySource(dir);
    const { updates } = await scan(source, { images: noImages, log: silentLogger, planners: planners() });
    const texts = new Map([['requirements.txt', await source.read('requirements.txt')], ['requirements/base.txt', await source.read('requirements/base.txt')]]);
    const result = await applyUpdatesWithArtifacts(texts, updates, { readFile: (p) => source.read(p) });
    expect(result.errors).toEqual([]);
    expect(result.files.get('requirements.txt')).toBe([
      `--index-url ${index.url}`,
      '-r requirements/base.txt',
      'attrs==23.2.0 \\',
      `    --hash=${sha('attrs-23.2.0-py2.py3-none-any.whl')} \\`,
      `    --hash=${sha('attrs-23.2.0-py3-none-any.whl')} \\`,
      `    --hash=${sha('attrs-23.2.0.tar.gz')}`,
      'Flask[async]==3.0.0 ; python_version >= "3.8"  # web',
      'requests>=2',
      '',
    ].join('\n'));
    expect(result.files.get('requirements/base.txt')).toBe('numpy==1.26.4\n');
  });
});

describe('release notes from GitHub', () => {
  it('uses releases between the versions, else the changelog section; says when there are none', async () => {
    const { updates } = await scan(directorySource(dir), { images: noImages, log: silentLogger, planners: planners() });
    const notes = Object.fromEntries(updates.map((u) => [u.depName, u.extra?.releaseNotes]));
    expect(notes.flask).toEqual({
      markdown: expect.stringContaining('Drops Python 3.7.'),
      sourceUrl: 'https://github.com/pallets/flask/releases',
      compareUrl: 'https://github.com/pallets/flask/compare/2.3.3...3.0.0',
    });
    expect(notes.flask!.markdown).not.toContain('Old fixes.');
    expect(notes.attrs).toEqual({
      markdown: '## 23.2.0 (2023-12-31)\n\n- `attrs.define` gains `unsafe_hash`.\n\n### Deprecations\n\n- Old API warns.',
      sourceUrl: 'https://github.com/python-attrs/attrs/blob/HEAD/CHANGELOG.md',
    });
    expect(notes.numpy!.markdown).toBe('No release notes found: the package lists no source repository.');
  });

  it('is cached in Redis across repositories: a second scan asks GitHub nothing', async () => {
    const before = sim.requests.filter((r) => r.path.includes('/releases') || r.path.includes('/contents/')).length;
    await scan(directorySource(dir), { images: noImages, log: silentLogger, planners: planners() });
    const after = sim.requests.filter((r) => r.path.includes('/releases') || r.path.includes('/contents/')).length;
    expect(before).toBeGreaterThan(0);
    expect(after).toBe(before);
  });
});
