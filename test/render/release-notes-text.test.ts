// Third-party text made safe for GitHub markdown: release notes (no pings, references to their source) and quoted command text.
import { describe, expect, it } from 'vitest';
import { inlineCode, neutraliseMentions } from '../../src/markdown-safe.js';
import { neutraliseReleaseNotes, sourceRepository } from '../../src/render/release-notes-text.js';

const Z = '\u200b';
const ref = (n: number) => `[up/lib#${n}](https://redirect.github.com/up/lib/issues/${n})`;

describe('neutraliseReleaseNotes', () => {
  it.each([
    ['a mention', 'thanks @octocat!', `thanks @${Z}octocat!`],
    ['a team mention and a scoped package', '@acme/core moved to @babel/core', `@${Z}acme/core moved to @${Z}babel/core`],
    ['a bare reference', 'fixes #123.', `fixes ${ref(123)}.`],
    ['GH- references, any case', 'GH-45 and gh-46', `${ref(45)} and ${ref(46)}`],
    ['a reference in brackets and at the start', '#1 (#2)', `${ref(1)} (${ref(2)})`],
    ['an email', 'mail a@b.com or <first.last@b.co.uk>', 'mail a@b.com or <first.last@b.co.uk>'],
    ['a qualified reference', 'see other/lib#9 and x#14', 'see other/lib#9 and x#14'],
    ['not a reference', '#123abc, #v2, &#123; and \\#77', '#123abc, #v2, &#123; and \\#77'],
    ['code spans', '`@x #1` and ``a ` @b #2``', '`@x #1` and ``a ` @b #2``'],
    ['an unclosed backtick is text', '`oops @u #3', `\`oops @${Z}u ${ref(3)}`],
    ['bare URLs', 'https://github.com/o/r/issues/7#issuecomment-1 www.npmjs.com/package/@s/p', 'https://github.com/o/r/issues/7#issuecomment-1 www.npmjs.com/package/@s/p'],
    ['a link keeps its target and text', '[#8](https://github.com/o/r/pull/8) [see #9][r]', '[#8](https://github.com/o/r/pull/8) [see #9][r]'],
    ['a mention in a link text', '[@x](https://x.example/@x)', `[@${Z}x](https://x.example/@x)`],
    ['an image', '![@y #4](https://img.example/a@2x.png)', `![@${Z}y #4](https://img.example/a@2x.png)`],
    ['HTML attributes', '<a href="https://h/#5" title="@z">go</a>', '<a href="https://h/#5" title="@z">go</a>'],
  ])('%s', (_name, input, expected) => {
    expect(neutraliseReleaseNotes(input, 'up/lib')).toBe(expected);
  });

  it('leaves fenced code blocks as written, backticks or tildes, indented in a list too', () => {
    const notes = ['- item @a', '  ```js', '  const x = "@x #1";', '  ```', '~~~', '@y GH-2', '~~~', 'after #3'].join('\n');
    expect(neutraliseReleaseNotes(notes, 'up/lib')).toBe(
      ['- item @\u200ba', '  ```js', '  const x = "@x #1";', '  ```', '~~~', '@y GH-2', '~~~', `after ${ref(3)}`].join('\n'),
    );
  });

  it('an unclosed fence keeps the rest as code', () => {
    expect(neutraliseReleaseNotes('@a\n```\n@b #1', 'up/lib')).toBe(`@${Z}a\n\`\`\`\n@b #1`);
  });

  it('without a known source, references link nowhere', () => {
    expect(neutraliseReleaseNotes('#1 GH-2 @a', null)).toBe(`#${Z}1 GH-${Z}2 @${Z}a`);
  });
});

describe('sourceRepository', () => {
  it.each([
    ['https://github.com/up/lib/releases', 'up/lib'],
    ['https://github.com/up/lib.js/blob/HEAD/CHANGELOG.md', 'up/lib.js'],
    ['https://github.com/up/lib', 'up/lib'],
    ['https://gitlab.com/up/lib', null],
    [undefined, null],
  ])('%s → %s', (url, expected) => {
    expect(sourceRepository(url)).toBe(expected);
  });
});

describe('inlineCode', () => {
  it.each([
    ['plain', '`plain`'],
    ['a `b` c', '``a `b` c``'],
    ['x``y', '```x``y```'],
    ['`starts', '`` `starts ``'],
    ['ends`', '`` ends` ``'],
    [' both ', '`  both  `'],
    ['two\nlines', '`two lines`'],
    ['', '` `'],
  ])('%j → %j', (text, expected) => {
    expect(inlineCode(text)).toBe(expected);
  });

  it('cuts long text', () => {
    expect(inlineCode('a'.repeat(500), 10)).toBe(`\`${'a'.repeat(9)}…\``);
  });
});

describe('neutraliseMentions', () => {
  it('breaks mentions, not emails', () => {
    expect(neutraliseMentions('@a, (@b-c) x@y.z _@d')).toBe(`@${Z}a, (@${Z}b-c) x@y.z _@d`);
  });
});
