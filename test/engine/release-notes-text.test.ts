// Changelog sections (Markdown and reStructuredText headings) and the size trim of release notes.
import { describe, expect, it } from 'vitest';
import { changelogSections, findReleaseNotes, trimNotes, type ReleaseNotesSource } from '../../src/engine/language/release-notes.js';

const facts = { datasource: 'pypi' as const, name: 'pkg', fromVersion: '1.0.0', toVersion: '1.2.0' };

describe('changelogSections', () => {
  it('reads CHANGES.rst-style underlined headings, only the versions in between', () => {
    const rst = ['Changes', '=======', '', '1.3.0', '-----', '- later', '', '1.2.0 (2024-02-01)', '------------------', '- two', '', '1.1.0', '-----', '- one', '', '1.0.0', '-----', '- old', ''].join('\n');
    expect(changelogSections(rst, facts)).toEqual(['1.2.0 (2024-02-01)\n------------------\n- two', '1.1.0\n-----\n- one']);
  });

  it('keeps sub-headings without a version inside their section', () => {
    const md = '# History\n\n## v1.1.0\n\n### Fixes\n\n- a\n\n## v1.0.0\n\n- b\n';
    expect(changelogSections(md, facts)).toEqual(['## v1.1.0\n\n### Fixes\n\n- a']);
  });
});

describe('trimNotes', () => {
  it('leaves short notes alone', () => expect(trimNotes('short', undefined)).toBe('short'));

  it('cuts at a line end and says where the full notes are', () => {
    const text = Array.from({ length: 50 }, (_, i) => `- change ${i}`).join('\n');
    const trimmed = trimNotes(text, 'https://github.com/o/r/releases', 200);
    expect(trimmed.length).toBeLessThan(text.length);
    expect(trimmed).toMatch(/^- change 0\n[\s\S]*- change \d+\n\n… trimmed; the full notes are at https:\/\/github\.com\/o\/r\/releases\.$/);
  });
});

describe('findReleaseNotes', () => {
  it.each([
    ['https://github.com/acme/..'],
    ['https://github.com/acme/%2e%2e%2fother'],
    ['https://github.com/../repos'],
  ])('asks GitHub nothing for a source that is not a repository name: %s', async (sourceUrl) => {
    const asked: string[] = [];
    const source: ReleaseNotesSource = {
      listReleases: async (owner, repo) => (asked.push(`${owner}/${repo}`), []),
      readFile: async (owner, repo) => (asked.push(`${owner}/${repo}`), null),
    };
    const notes = await findReleaseNotes({ ...facts, sourceUrl }, source);
    expect(asked).toEqual([]);
    expect(notes.markdown).toMatch(/^No release notes found/);
  });

  it('reads a repository named with dots and a .git suffix', async () => {
    const asked: string[] = [];
    const source: ReleaseNotesSource = {
      listReleases: async (owner, repo) => (asked.push(`${owner}/${repo}`), []),
      readFile: async () => null,
    };
    await findReleaseNotes({ ...facts, sourceUrl: 'https://github.com/acme/lib.js.git' }, source);
    expect(asked).toEqual(['acme/lib.js']);
  });
});
