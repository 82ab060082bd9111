import { describe, expect, it } from 'vitest';
import { commentSkipReason, parseCommentEvent, shouldHandleComment } from '../../src/commands/event.js';
import { parseCommands, type Command } from '../../src/commands/parse.js';

const kinds = (body: string) => parseCommands(body).map(summary);

function summary(c: Command): string {
  switch (c.kind) {
    case 'rebuild': return c.image ? `rebuild ${c.image}` : 'rebuild';
    case 'ignore': return `ignore ${c.dependency}${c.version ? ` ${c.version}` : ''}`;
    case 'unignore': return `unignore ${c.dependency}`;
    case 'invalid': return `invalid`;
    default: return c.kind;
  }
}

describe('parseCommands', () => {
  it.each<[string, string, string[]]>([
    ['a bare command', '/rebuild', ['rebuild']],
    ['a command with an image', '/rebuild python:3.13-slim', ['rebuild python:3.13-slim']],
    ['after other text, on its own line', 'Base image has a CVE.\n/rebuild\nthanks', ['rebuild']],
    ['Windows line endings', 'hi\r\n/freshen status\r\n', ['status']],
    ['up to three spaces of indent', '   /freshen help', ['help']],
    ['several commands', '/freshen ignore lodash 4.17.21\n/freshen unignore node\n/rebuild', ['ignore lodash 4.17.21', 'unignore node', 'rebuild']],
    ['bare /freshen means help', '/freshen', ['help']],
    ['case-insensitive words', '/Rebuild', ['rebuild']],
    ['not in the middle of a line', 'please /rebuild now', []],
    ['not as part of a longer word', '/rebuilding later\n/freshened', []],
    ['not inline code', '`/rebuild`', []],
    ['not in a ``` block', '```\n/rebuild\n```', []],
    ['not in a ~~~ block with info', '~~~sh\n/rebuild\n~~~\n', []],
    ['after a closed block', '```\n/rebuild\n```\n/freshen status', ['status']],
    ['a shorter fence does not close a longer one', '````\n```\n/rebuild\n````\n/freshen help', ['help']],
    ['~~~ does not close ```', '```\n~~~\n/rebuild\n```', []],
    ['an unclosed block runs to the end', 'text\n```\n/rebuild', []],
    ['not in indented code', 'text\n\n    /rebuild', []],
    ['not in a tab-indented line', '\t/rebuild', []],
    ['not in a quote', '> /rebuild', []],
    ['not in a quote with leading spaces', '  > /rebuild\n', []],
    ['not in a lazy continuation of a quote', '> you said\n/rebuild', []],
    ['after a quote and a blank line', '> you said\n\n/rebuild', ['rebuild']],
    ['after a quote ending in an empty quote line', '> you said\n>\n/rebuild', ['rebuild']],
    ['not in an HTML comment', '<!--\n/rebuild\n-->\n/freshen status', ['status']],
  ])('%s', (_name, body, expected) => {
    expect(kinds(body)).toEqual(expected);
  });

  it('reports the line of each command', () => {
    expect(parseCommands('one\n\n/rebuild node').map((c) => c.line)).toEqual([3]);
  });

  it.each([
    ['/rebuild a b', '/rebuild [<image>]'],
    ['/freshen ignore', '/freshen ignore <dependency> [<version>]'],
    ['/freshen ignore a 1 2', '/freshen ignore <dependency> [<version>]'],
    ['/freshen unignore', '/freshen unignore <dependency>'],
    ['/freshen frobnicate', 'unknown command'],
  ])('explains a malformed %s', (body, problem) => {
    const [command] = parseCommands(body);
    expect(command?.kind).toBe('invalid');
    expect(command?.kind === 'invalid' && command.problem).toContain(problem);
  });

  it('finds nothing in an empty or missing body', () => {
    expect(parseCommands('')).toEqual([]);
    expect(parseCommands(null)).toEqual([]);
  });
});

function payload(overrides: { action?: string; login?: string; type?: string; pr?: boolean } = {}) {
  return {
    action: overrides.action ?? 'created',
    comment: { id: 7, body: '/rebuild', user: { login: overrides.login ?? 'alice', type: overrides.type ?? 'User' } },
    issue: { number: 3, ...(overrides.pr ? { pull_request: { url: 'x' } } : {}) },
    repository: { id: 42, name: 'app', owner: { login: 'acme' } },
    installation: { id: 9 },
  };
}

describe('shouldHandleComment', () => {
  it.each<[string, unknown, string, boolean]>([
    ['a new comment by a person', payload(), 'issue_comment', true],
    ['an edited comment', payload({ action: 'edited' }), 'issue_comment', false],
    ['a deleted comment', payload({ action: 'deleted' }), 'issue_comment', false],
    ['a bot by type', payload({ login: 'renovate', type: 'Bot' }), 'issue_comment', false],
    ['a bot by login', payload({ login: 'freshen[bot]' }), 'issue_comment', false],
    ['Freshen itself', payload({ login: 'Freshen[bot]', type: 'Bot' }), 'issue_comment', false],
    ['another event', payload(), 'pull_request_review_comment', false],
    ['a malformed payload', { action: 'created' }, 'issue_comment', false],
  ])('%s', (_name, body, event, expected) => {
    expect(shouldHandleComment(body, event)).toBe(expected);
  });

  it('says why a comment is skipped', () => {
    expect(commentSkipReason(payload({ action: 'edited' }))).toMatch(/edited/);
    expect(commentSkipReason(payload({ login: 'dependabot[bot]' }))).toMatch(/bot.*dependabot\[bot\]/);
  });

  it('reads the fields a command needs', () => {
    expect(parseCommentEvent(payload({ pr: true }))).toEqual({
      repo: { id: 42, owner: 'acme', name: 'app' },
      installationId: 9,
      issueNumber: 3,
      isPullRequest: true,
      commentId: 7,
      author: 'alice',
      body: '/rebuild',
    });
    expect(parseCommentEvent(payload()).isPullRequest).toBe(false);
  });
});
