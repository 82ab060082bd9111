// A package's metadata names any public repository as its source: its changelog (up to GitHub's 1 MB) is read in linear time.
import { describe, expect, it } from 'vitest';
import { changelogSections, findReleaseNotes, type ReleaseNotesSource } from '../../src/engine/language/release-notes.js';

const facts = { datasource: 'npm' as const, name: 'left-padder', fromVersion: '1.0.0', toVersion: '2.0.0', sourceUrl: 'https://github.com/attacker/left-padder' };
const MB = 1024 * 1024;

function changelogSource(changelog: string): ReleaseNotesSource {
  return {
    listReleases: async () => [],
    readFile: async (_owner, _repo, path) => (path === 'CHANGELOG.md' ? changelog : null),
  };
}

async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('hostile changelogs', () => {
  it('a megabyte of headings naming versions in range: sections found in one pass, gathered up to a cap', async () => {
    const changelog = '# 1.5.0\n'.repeat(MB / 8);
    const { value, ms } = await timed(() => findReleaseNotes(facts, changelogSource(changelog)));
    expect(ms).toBeLessThan(2000);
    expect(value.markdown.startsWith('# 1.5.0\n\n# 1.5.0')).toBe(true);
    expect(value.markdown.length).toBeLessThan(128 * 1024);
  });

  it('a heading of a megabyte of digits is read in linear time', async () => {
    const heading = `# ${'1'.repeat(MB / 2)}.${'1'.repeat(MB / 2)}_\n\n## 1.5.0\n\n- the real entry\n`;
    const { value, ms } = await timed(() => changelogSections(heading, facts));
    expect(ms).toBeLessThan(2000);
    expect(value).toEqual(['## 1.5.0\n\n- the real entry']);
  });

  it('versions in headings are read as before: trailing dots cut, suffixes kept', () => {
    const text = '## v1.2.0.\n\n- a\n\n## 1.3.0-beta.1 (2024-01-01)\n\n- b\n\n## 2.1.0\n\n- c\n';
    expect(changelogSections(text, facts)).toEqual(['## v1.2.0.\n\n- a', '## 1.3.0-beta.1 (2024-01-01)\n\n- b']);
  });
});
