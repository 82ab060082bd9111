// Release notes across the trust boundary: a private source's notes never reach another installation (even from the
// cache) nor a public repository of their own; third-party notes are pasted without pings or links into the user's repo.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { notesScope, type RepositoryFacts } from '../../src/github/release-notes.js';
import { installationCreated, type AppStack } from '../support/app-stack.js';
import { startPypiIndex, type PypiIndex } from '../support/pypi-index.js';
import { startProductionStack } from '../e2e/dashboard-support.js';

const SECRET = 'SECRET-NOTES: the signing key moved to vault/acme-release';
const HOSTILE_NOTES = [
  'Thanks @octocat and @evil-org/everyone for #123 and GH-45.',
  'Questions: a@b.com. Details in https://github.com/upstream/pubtool/pull/9 and [#10](https://github.com/upstream/pubtool/issues/10).',
  '',
  '```js',
  "// @x keeps its #7 here",
  '```',
].join('\n');

let index: PypiIndex;
let stack: AppStack;

beforeAll(async () => {
  index = await startPypiIndex([
    // An internal package whose metadata names the private repository it is built from.
    { name: 'internal-lib', projectUrls: { Source: 'https://github.com/acme/secret-lib' }, releases: [{ version: '1.0.0', files: ['internal_lib-1.0.0.tar.gz'] }, { version: '1.1.0', files: ['internal_lib-1.1.0.tar.gz'] }] },
    { name: 'pubtool', projectUrls: { Source: 'https://github.com/upstream/pubtool' }, releases: [{ version: '2.0.0', files: ['pubtool-2.0.0.tar.gz'] }, { version: '2.1.0', files: ['pubtool-2.1.0.tar.gz'] }] },
  ]);
});
afterAll(async () => {
  await index?.close();
});
beforeEach(async () => {
  stack = await startProductionStack({ redisUrl: inject('redisUrl'), registryHost: inject('registryHost'), insecure: [index.host] });
  stack.sim.createRepo({ owner: 'upstream', name: 'pubtool', private: false, files: { 'README.md': 'pubtool\n' } });
  stack.sim.createRelease('upstream', 'pubtool', { tag: 'v2.1.0', body: HOSTILE_NOTES });
});
afterEach(async () => {
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
});

const requirements = () => `--index-url ${index.url}\ninternal-lib==1.0.0\npubtool==2.0.0\n`;

/** The app installed on `owner` with these repositories (name → public?), as the installation webhook says; waits for the scans. */
async function install(owner: string, repos: Record<string, boolean>): Promise<number> {
  const inst = stack.sim.createInstallation({ account: owner });
  const created = Object.entries(repos).map(([name, isPublic]) => ({
    id: Number(stack.sim.createRepo({ owner, name, installationId: inst.id, private: !isPublic, files: { 'requirements.txt': requirements() } }).id),
    name,
    owner,
  }));
  await stack.deliver('installation', installationCreated(stack.sim, inst.id, created));
  await stack.settle(60_000);
  return inst.id;
}

/** The private package repository acme's installation can read. */
function createSecretLib(installationId: number): void {
  stack.sim.createRepo({ owner: 'acme', name: 'secret-lib', installationId, files: { 'CHANGELOG.md': `# Changelog\n\n## 1.1.0\n\n- ${SECRET} (changelog)\n` } });
  stack.sim.createRelease('acme', 'secret-lib', { tag: 'v1.1.0', body: SECRET });
}

function bodyOf(owner: string, repo: string): string {
  const bodies = stack.sim.pulls(owner, repo).filter((p) => p.state === 'open').map((p) => p.body ?? '').filter((b) => b.includes('Release notes of `internal-lib`'));
  expect(bodies).toHaveLength(1);
  return bodies[0]!;
}

function sourceReads(installationId: number, repoPath: string): string[] {
  return stack.sim.requests.filter((r) => r.installation === installationId && r.path.startsWith(`/repos/${repoPath}/`)).map((r) => r.path);
}

describe('a private source repository', () => {
  it("its notes reach a private repository of its own installation and owner, never another installation's PR, even once cached", async () => {
    const inst = stack.sim.createInstallation({ account: 'acme' });
    createSecretLib(inst.id);
    const shop = Number(stack.sim.createRepo({ owner: 'acme', name: 'shop', installationId: inst.id, files: { 'requirements.txt': requirements() } }).id);
    await stack.deliver('installation', installationCreated(stack.sim, inst.id, [{ id: shop, name: 'shop', owner: 'acme' }]));
    await stack.settle(60_000);
    expect(bodyOf('acme', 'shop')).toContain(SECRET);
    // Cached, but under acme's installation only.
    const cachedKeys = (await stack.ns.connection.keys(`${stack.ns.prefix}:release-notes:*secret-lib*`)).map((k) => k.slice(stack.ns.prefix.length + 1));
    expect(cachedKeys).toContain(`release-notes:installation:${inst.id}:releases:acme/secret-lib`);
    expect(cachedKeys.filter((k) => k.includes(':public:') && k.includes('releases'))).toEqual([]);

    // Another account names the same source in its package metadata.
    const evil = await install('evil', { shop: false });
    const evilBody = bodyOf('evil', 'shop');
    expect(evilBody).not.toContain('SECRET-NOTES');
    expect(evilBody).toContain('No release notes found for 1.0.0 → 1.1.0 in https://github.com/acme/secret-lib');
    // It asked GitHub what the repository is (404 to its token), and read nothing of it.
    expect(sourceReads(evil, 'acme/secret-lib')).toEqual([]);
    expect(stack.sim.requests.filter((r) => r.installation === evil && r.path === '/repos/acme/secret-lib').map((r) => r.status)).toEqual([404]);
  }, 120_000);

  it('within one installation, its notes never go into a public repository of the same owner', async () => {
    const inst = stack.sim.createInstallation({ account: 'acme' });
    createSecretLib(inst.id);
    const repos = [
      { id: Number(stack.sim.createRepo({ owner: 'acme', name: 'site', private: false, installationId: inst.id, files: { 'requirements.txt': requirements() } }).id), name: 'site', owner: 'acme' },
      { id: Number(stack.sim.createRepo({ owner: 'acme', name: 'billing', installationId: inst.id, files: { 'requirements.txt': requirements() } }).id), name: 'billing', owner: 'acme' },
    ];
    await stack.deliver('installation', installationCreated(stack.sim, inst.id, repos));
    await stack.settle(60_000);
    const site = bodyOf('acme', 'site');
    expect(site).not.toContain('SECRET-NOTES');
    expect(site).toContain('No release notes found for 1.0.0 → 1.1.0 in https://github.com/acme/secret-lib');
    expect(bodyOf('acme', 'billing')).toContain(SECRET);
  }, 120_000);
});

describe('a public source repository', () => {
  it('is read once for every installation, and pasted without pings or references into the reader’s repository', async () => {
    const first = await install('acme', { shop: false });
    const second = await install('other', { shop: false });
    expect(sourceReads(first, 'upstream/pubtool')).toContain('/repos/upstream/pubtool/releases');
    // The second installation got the shared answer: neither the repository nor its releases were asked again.
    expect(sourceReads(second, 'upstream/pubtool')).toEqual([]);
    for (const [owner, repo] of [['acme', 'shop'], ['other', 'shop']] as const) {
      const body = stack.sim.pulls(owner, repo).find((p) => (p.body ?? '').includes('Release notes of `pubtool`'))!.body!;
      expect(body).toContain([
        '#### [v2.1.0](https://github.com/upstream/pubtool/releases/tag/v2.1.0)',
        '',
        'Thanks @\u200boctocat and @\u200bevil-org/everyone for [upstream/pubtool#123](https://redirect.github.com/upstream/pubtool/issues/123) and [upstream/pubtool#45](https://redirect.github.com/upstream/pubtool/issues/45).',
        'Questions: a@b.com. Details in https://github.com/upstream/pubtool/pull/9 and [#10](https://github.com/upstream/pubtool/issues/10).',
        '',
        '```js',
        '// @x keeps its #7 here',
        '```',
      ].join('\n'));
      // Nothing left that GitHub would turn into a ping or a link into this repository.
      expect(body).not.toMatch(/(?<!\w)@octocat|(?<![\w/])#123\b|\bGH-45\b/);
    }
  }, 120_000);
});

describe('which notes may go where', () => {
  const facts = (visibility: RepositoryFacts['visibility'], owner: string | null = 'acme'): RepositoryFacts => ({ visibility, owner });
  it.each([
    ['public source → any repository, shared', facts('public', 'upstream'), facts('public'), 'public'],
    ['private source → private repository of the same owner', facts('private'), facts('private'), 'installation'],
    ['private source → public repository of the same owner', facts('private'), facts('public'), null],
    ['private source → internal repository of the same owner', facts('private'), facts('internal'), null],
    ['internal source → internal repository of the same owner', facts('internal'), facts('internal'), 'installation'],
    ['internal source → public repository', facts('internal'), facts('public'), null],
    ['private source of another owner', facts('private', 'other'), facts('private'), null],
    ['a source the installation cannot read', facts('unreadable', null), facts('private'), null],
  ] as const)('%s', (_name, source, target, scope) => {
    expect(notesScope(source, target)).toBe(scope);
  });
});
