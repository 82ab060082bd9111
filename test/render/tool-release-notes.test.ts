// Tool updates get release notes in the PR like npm/pip updates: a GitHub tool's own repository, an installed package's source repository.
import { describe, expect, it } from 'vitest';
import { createOciClient } from '../../src/datasources/oci/index.js';
import type { GitHubRelease, GitHubReleaseSource } from '../../src/datasources/github-releases/index.js';
import { releaseNotesPlanner, type ReleaseNotesSource } from '../../src/engine/language/index.js';
import { scan } from '../../src/engine/index.js';
import { createToolPinsPlanner } from '../../src/engine/planners/tool-pins.js';
import type { FileSource } from '../../src/engine/types.js';
import { createHttpClient } from '../../src/http/index.js';
import { renderBody, toProposed } from '../../src/render/pr.js';
import { silentLogger } from '../../src/types.js';

const DOCKERFILE = `FROM scratch
ARG TINI_VERSION=v0.19.0
RUN curl -fsSLo /tini "https://github.com/krallin/tini/releases/download/\${TINI_VERSION}/tini" && chmod +x /tini
RUN pip install --no-cache-dir black==24.1.0
`;

const files: FileSource = { list: async () => ['Dockerfile'], read: async () => DOCKERFILE };

function githubRelease(tag: string): GitHubRelease {
  return { tag, draft: false, prerelease: false, publishedAt: null, url: `https://github.com/krallin/tini/releases/tag/${tag}`, assets: [] };
}

/** The repositories' releases as GitHub lists them, with notes; records which repositories were read. */
const NOTES: Record<string, { tag: string; body: string }[]> = {
  'krallin/tini': [
    { tag: 'v0.21.0-rc1', body: 'a release candidate' },
    { tag: 'v0.20.0', body: 'tini twenty: reaps zombies faster' },
    { tag: 'v0.19.5', body: 'tini nineteen five: arm64 fix' },
    { tag: 'v0.19.0', body: 'tini nineteen: already in use' },
  ],
  'psf/black': [
    { tag: '24.4.2', body: 'black four two: faster formatting' },
    { tag: '24.1.0', body: 'black one zero: already in use' },
  ],
};

describe('release notes for tool updates', () => {
  it('renders the releases between the two versions, from the tool repository or the package source', async () => {
    const read: string[] = [];
    const notesSource: ReleaseNotesSource = {
      async listReleases(owner, repo) {
        read.push(`${owner}/${repo}`);
        return (NOTES[`${owner}/${repo}`] ?? []).map((r) => ({ tag: r.tag, name: r.tag, body: r.body, url: `https://github.com/${owner}/${repo}/releases/tag/${r.tag}` }));
      },
      readFile: async () => null,
    };
    const github: GitHubReleaseSource = {
      listReleases: async (owner, repo) => (owner === 'krallin' && repo === 'tini' ? ['v0.19.0', 'v0.19.5', 'v0.20.0'].map(githubRelease) : []),
      listTags: async () => [],
    };
    const tools = createToolPinsPlanner({
      github,
      http: createHttpClient({}),
      pypiVersions: async (name) => (name === 'black' ? { versions: ['24.1.0', '24.4.2'], sourceUrl: 'https://github.com/psf/black' } : { versions: [] }),
    });
    const result = await scan(files, { images: createOciClient({}), log: silentLogger, planners: [tools, releaseNotesPlanner(notesSource)] });
    expect(result.errors).toEqual([]);
    expect(result.updates.map((u) => `${u.from} -> ${u.to}`)).toEqual(['TINI_VERSION=v0.19.0 -> TINI_VERSION=v0.20.0', 'black==24.1.0 -> black==24.4.2']);
    expect(read.sort()).toEqual(['krallin/tini', 'psf/black']);

    const body = renderBody('container-images', result.updates.map(toProposed), result.updates);
    const section = (name: string) => {
      const start = body.indexOf(`### Release notes of \`${name}\``);
      expect(start, name).toBeGreaterThanOrEqual(0);
      return body.slice(start, body.indexOf('</details>', start));
    };
    const tini = section('krallin/tini');
    expect(tini).toContain('→ `v0.20.0` (`Dockerfile`)');
    expect(tini).toContain('tini twenty: reaps zombies faster');
    expect(tini).toContain('tini nineteen five: arm64 fix');
    expect(tini).not.toContain('already in use');
    expect(tini).not.toContain('release candidate');
    expect(tini).toContain('[Compare](https://github.com/krallin/tini/compare/v0.19.0...v0.20.0)');
    const black = section('black');
    expect(black).toContain('black four two: faster formatting');
    expect(black).not.toContain('already in use');
    expect(black).toContain('[Source](https://github.com/psf/black/releases)');
  });
});
