// Comment commands from people who may not run them cost one reply an hour, and command text quoted back cannot break its code span.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { startAppStack, type AppStack } from '../support/app-stack.js';
import { OWNER, REPO, RepoUnderTest } from '../e2e/rebuild-support.js';

let stack: AppStack;
let repo: RepoUnderTest;
let issueNumber: number;

beforeEach(async () => {
  stack = await startAppStack({ redisUrl: inject('redisUrl'), registryHost: inject('registryHost') });
  repo = new RepoUnderTest(stack);
  // A private repository with nothing to update: only the commands matter.
  await repo.install({ 'README.md': 'app\n' });
  issueNumber = Number(stack.sim.openIssue(OWNER, REPO, { user: 'alice', title: 'please rebuild' })['number']);
});
afterEach(async () => {
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
});

/** Everything Freshen's bot wrote as comments in a repository, on any issue. */
function botComments(repoName: string): string[] {
  return [...stack.sim.issues(OWNER, repoName), ...stack.sim.pulls(OWNER, repoName)]
    .flatMap((i) => stack.sim.comments(OWNER, repoName, i.number))
    .filter((c) => c.user === stack.sim.botLogin)
    .map((c) => c.body);
}

describe('a person without permission', () => {
  it('typing ten commands in an hour gets exactly one reply and one reaction per comment', async () => {
    stack.sim.clearRequests();
    const comments: number[] = [];
    for (let i = 0; i < 10; i++) comments.push(await repo.comment(issueNumber, 'mallory', i % 2 ? '/rebuild' : '/freshen status'));
    const replies = botComments(REPO);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^Thanks @mallory! Freshen commands can only be run by people with write, maintain or admin permission/);
    for (const id of comments) expect(repo.reactions(id)).toEqual(['confused']);
    // One comment and ten reactions: all the writes the ten comments cost the installation.
    expect(stack.sim.contentCreatingRequests(repo.installationId)).toBe(11);
    // The marker lasts an hour, then the person is told again.
    const ttl = await stack.ns.memory.ttl(`freshen:refused:${repo.repoId}:mallory`);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('is counted per person and per repository', async () => {
    const other = Number(stack.sim.createRepo({ owner: OWNER, name: 'other', installationId: repo.installationId, files: { 'README.md': 'x\n' } }).id);
    const otherIssue = Number(stack.sim.openIssue(OWNER, 'other', { user: 'alice', title: 'x' })['number']);
    stack.sim.setPermission(OWNER, REPO, 'bob', 'triage');
    await repo.comment(issueNumber, 'mallory', '/rebuild');
    await repo.comment(issueNumber, 'bob', '/rebuild');
    await repo.comment(issueNumber, 'bob', '/rebuild');
    // The same person in another repository of the installation.
    const comment = stack.sim.comment(OWNER, 'other', otherIssue, 'mallory', '/rebuild');
    await stack.deliver('issue_comment', {
      action: 'created',
      installation: { id: repo.installationId },
      repository: { id: other, name: 'other', full_name: `${OWNER}/other`, owner: { login: OWNER, type: 'Organization' } },
      issue: { number: otherIssue, title: 'x' },
      comment: { id: comment.id, body: '/rebuild', user: { login: 'mallory', type: 'User' } },
      sender: { login: 'mallory', type: 'User' },
    });
    await stack.settle();
    expect(botComments(REPO).map((b) => b.match(/^Thanks (@\w+)/)?.[1])).toEqual(['@mallory', '@bob']);
    expect(botComments('other').map((b) => b.match(/^Thanks (@\w+)/)?.[1])).toEqual(['@mallory']);
  });
});

describe('command text quoted back', () => {
  beforeEach(() => {
    stack.sim.setPermission(OWNER, REPO, 'alice', 'write');
  });

  it('an unknown command with backticks and a mention stays inside its code spans', async () => {
    const comment = await repo.comment(issueNumber, 'alice', '/freshen frob`` ` @someone');
    expect(repo.repliesOn(issueNumber)).toEqual([
      'I did not understand ```/freshen frob`` ` @someone```: unknown command ``` /freshen frob`` ```; try `/freshen help`.',
    ]);
    expect(repo.reactions(comment)).toEqual(['confused', 'eyes']);
  });

  it('an ignored dependency named with backticks is quoted safely in the reply and on the status issue', async () => {
    await repo.comment(issueNumber, 'alice', '/freshen ignore ``x``<b>hi</b> @someone');
    expect(repo.repliesOn(issueNumber).at(-1)).toBe(
      'Freshen will no longer propose ``` ``x``<b>hi</b> ``` version `@someone`. Undo with ```/freshen unignore ``x``<b>hi</b>```.',
    );
    expect(repo.statusIssues()[0]!.body).toContain('- ``` ``x``<b>hi</b> ``` version `@someone` — by @alice');
  });
});
