// Comment commands end to end through their ports: real Redis for the gate and the ignore list.
import { afterAll, describe, expect, it } from 'vitest';
import { handleComment, type CommandContext, type PullRequestInfo, type Reaction } from '../../src/commands/handle.js';
import { IgnoreStore, isUpdateIgnored } from '../../src/commands/ignore-store.js';
import { RefusalReplies } from '../../src/commands/refusal-replies.js';
import { parseCommands } from '../../src/commands/parse.js';
import type { CollaboratorPermission } from '../../src/commands/permission.js';
import type { ImageLookup } from '../../src/engine/types.js';
import { RebuildGate } from '../../src/rebuild/gate.js';
import { RebuildLedger } from '../../src/rebuild/ledger.js';
import { runRebuild } from '../../src/rebuild/run.js';
import { rebuildSettingsSchema, type FloatingBaseImage } from '../../src/rebuild/types.js';
import { closeAll, connect, recordingDispatcher, repo, uniquePrefix } from '../rebuild/helpers.js';

afterAll(closeAll);

const DIGEST = `sha256:${'e'.repeat(64)}`;
const images: FloatingBaseImage[] = [
  { key: 'docker.io/library/python:3.13-slim', depName: 'docker.io/library/python', tag: '3.13-slim', written: ['python:3.13-slim'], usedIn: ['Dockerfile:1'] },
  { key: 'docker.io/library/node:22', depName: 'docker.io/library/node', tag: '22', written: ['node:22'], usedIn: ['web/Dockerfile:1'] },
];
const lookup: ImageLookup = { getTags: async () => [], getDigest: async () => DIGEST };

/** A repository as GitHub would show it to the command handler, with everything it was asked to do recorded. */
function world(options: { process?: 'pinned' | 'rebuild'; permissions?: Record<string, CollaboratorPermission>; pr?: PullRequestInfo } = {}) {
  const prefix = uniquePrefix();
  const redis = connect();
  const gate = new RebuildGate(redis, { prefix });
  const ledger = new RebuildLedger(redis, { prefix });
  const ignoreStore = new IgnoreStore(redis, { prefix });
  const refusals = new RefusalReplies(redis, { prefix });
  const dispatcher = recordingDispatcher();
  const reactions: Array<{ commentId: number; content: Reaction }> = [];
  const replies: Array<{ issueNumber: number; body: string }> = [];
  const calls = { rebuildJobs: 0, scans: 0, regenerated: [] as number[] };
  const permissions = options.permissions ?? { alice: { permission: 'write', role_name: 'maintain' }, bob: { permission: 'read', role_name: 'read' } };

  function comment(author: string, body: string, at: { issueNumber: number; commentId: number; isPullRequest?: boolean }) {
    const ctx: CommandContext = {
      repo, issueNumber: at.issueNumber, isPullRequest: at.isPullRequest ?? false, commentId: at.commentId, author,
      repoProcess: options.process ?? 'rebuild', cooldownMs: 600_000, gate, ignoreStore,
      ports: {
        react: async (content) => void reactions.push({ commentId: at.commentId, content }),
        reply: async (body) => void replies.push({ issueNumber: at.issueNumber, body }),
        getPermission: async (login) => {
          const answer = permissions[login];
          if (!answer) throw Object.assign(new Error('Not Found'), { status: 404 });
          return answer;
        },
        firstRefusal: () => refusals.first(repo.id, author),
        getPullRequest: async () => options.pr ?? null,
        enqueueRebuild: async () => void calls.rebuildJobs++,
        enqueueScan: async () => void calls.scans++,
        regeneratePr: async (n) => void calls.regenerated.push(n),
        getStatus: async () => ({ repo, images: [], ignored: await ignoreStore.list(repo.id), nextRun: new Date('2026-05-02T02:00:00Z') }),
      },
    };
    return handleComment(parseCommands(body), ctx);
  }

  /** What the queued rebuild job does when a worker picks it up. */
  const rebuildJob = () =>
    runRebuild(
      { repo, trigger: 'command', defaultBranch: 'main', images, settings: rebuildSettingsSchema.parse({ workflow: 'build.yml' }) },
      {
        ledger, gate, lookup, dispatcher,
        requesters: {
          reply: async (issueNumber, body) => void replies.push({ issueNumber, body }),
          react: async (commentId, content) => void reactions.push({ commentId, content }),
        },
      },
    );

  return { comment, rebuildJob, dispatcher, reactions, replies, calls, ignoreStore, gate };
}

describe('/rebuild in a rebuild repository', () => {
  it('an allowed user gets 👀 at once, one dispatch, then a reply saying what was dispatched and 👍', async () => {
    const w = world();
    await w.comment('alice', 'The base has a fix.\n/rebuild', { issueNumber: 5, commentId: 50 });
    expect(w.reactions).toEqual([{ commentId: 50, content: 'eyes' }]);
    expect(w.calls.rebuildJobs).toBe(1);

    await w.rebuildJob();
    expect(w.dispatcher.sent).toHaveLength(1);
    expect(JSON.parse(String(w.dispatcher.sent[0]!.payload['base_images']))).toEqual({ 'python:3.13-slim': DIGEST, 'node:22': DIGEST });
    expect(w.replies).toHaveLength(1);
    expect(w.replies[0]!.body).toMatch(/^@alice Dispatched workflow `build.yml` on `main`/);
    expect(w.reactions).toContainEqual({ commentId: 50, content: '+1' });
  });

  it('two /rebuild in a row make one dispatch, and both people hear about it', async () => {
    const w = world();
    await w.comment('alice', '/rebuild', { issueNumber: 5, commentId: 50 });
    await w.comment('alice', '/rebuild', { issueNumber: 6, commentId: 60 });
    expect(w.calls.rebuildJobs).toBe(1);
    await w.rebuildJob();
    expect(w.dispatcher.sent).toHaveLength(1);
    expect(w.replies.map((r) => r.issueNumber).sort()).toEqual([5, 6]);
    expect(w.reactions.filter((r) => r.content === '+1').map((r) => r.commentId).sort()).toEqual([50, 60]);
  });

  it('/rebuild <image> limits the dispatch to that image', async () => {
    const w = world();
    await w.comment('alice', '/rebuild node', { issueNumber: 5, commentId: 50 });
    await w.rebuildJob();
    expect(JSON.parse(String(w.dispatcher.sent[0]!.payload['base_images']))).toEqual({ 'node:22': DIGEST });
  });

  it('an image that is not there dispatches nothing and says so', async () => {
    const w = world();
    await w.comment('alice', '/rebuild ruby', { issueNumber: 5, commentId: 50 });
    await w.rebuildJob();
    expect(w.dispatcher.sent).toHaveLength(0);
    expect(w.replies[0]!.body).toMatch(/No floating base image matches `ruby`/);
    expect(w.reactions).toContainEqual({ commentId: 50, content: 'confused' });
  });

  it('a forced rebuild right after a dispatch is refused with a reason', async () => {
    const w = world();
    await w.comment('alice', '/rebuild', { issueNumber: 5, commentId: 50 });
    await w.rebuildJob();
    await w.comment('alice', '/rebuild', { issueNumber: 5, commentId: 51 });
    expect(w.calls.rebuildJobs).toBe(1);
    expect(w.dispatcher.sent).toHaveLength(1);
    expect(w.replies.at(-1)!.body).toMatch(/forced rebuilds wait 10 minutes between dispatches\. Please try again in 10 minutes/);
    expect(w.reactions.at(-1)).toEqual({ commentId: 51, content: 'confused' });
  });

  it('a read-only user gets one polite refusal and nothing is dispatched', async () => {
    const w = world();
    await w.comment('bob', '/rebuild\n/freshen ignore node', { issueNumber: 5, commentId: 50 });
    expect(w.calls.rebuildJobs).toBe(0);
    expect(await w.gate.isBusy(repo.id)).toBe(false);
    expect(await w.ignoreStore.list(repo.id)).toEqual([]);
    expect(w.replies).toHaveLength(1);
    expect(w.replies[0]!.body).toMatch(/@bob.*write, maintain or admin/);
    expect(w.reactions).toEqual([{ commentId: 50, content: 'confused' }]);
  });

  it('a refused user is told once an hour; later refusals get a reaction only', async () => {
    const w = world();
    for (let i = 0; i < 3; i++) await w.comment('bob', '/rebuild', { issueNumber: 5, commentId: 50 + i });
    await w.comment('mallory', '/rebuild', { issueNumber: 5, commentId: 60 });
    expect(w.replies.map((r) => r.body.match(/@\w+/)![0])).toEqual(['@bob', '@mallory']);
    expect(w.reactions).toEqual([50, 51, 52, 60].map((commentId) => ({ commentId, content: 'confused' })));
  });

  it('someone who is not a collaborator at all is refused too', async () => {
    const w = world();
    await w.comment('mallory', '/rebuild', { issueNumber: 5, commentId: 50 });
    expect(w.calls.rebuildJobs).toBe(0);
    expect(w.replies[0]!.body).toMatch(/@mallory/);
  });

  it('a command inside a code block does nothing at all', async () => {
    const w = world();
    const outcome = await w.comment('alice', 'Run this:\n```\n/rebuild\n```', { issueNumber: 5, commentId: 50 });
    expect(outcome.outcomes).toEqual([]);
    expect(w.reactions).toEqual([]);
    expect(w.calls.rebuildJobs).toBe(0);
  });
});

describe('/rebuild elsewhere', () => {
  it('on a Freshen pull request regenerates its branch', async () => {
    const w = world({ pr: { number: 12, headRef: 'freshen/non-major', body: 'Pins' } });
    await w.comment('alice', '/rebuild', { issueNumber: 12, commentId: 120, isPullRequest: true });
    expect(w.calls.regenerated).toEqual([12]);
    expect(w.calls.rebuildJobs).toBe(0);
    expect(w.replies[0]!.body).toMatch(/regenerating this pull request/i);
    expect(w.reactions.map((r) => r.content)).toEqual(['eyes', '+1']);
  });

  it('on someone else\'s pull request in a rebuild repository dispatches the build', async () => {
    const w = world({ pr: { number: 13, headRef: 'feature/x', body: null } });
    await w.comment('alice', '/rebuild', { issueNumber: 13, commentId: 130, isPullRequest: true });
    expect(w.calls.regenerated).toEqual([]);
    expect(w.calls.rebuildJobs).toBe(1);
  });

  it('in a pinned repository scans now', async () => {
    const w = world({ process: 'pinned' });
    await w.comment('alice', '/rebuild', { issueNumber: 5, commentId: 50 });
    expect(w.calls.scans).toBe(1);
    expect(w.calls.rebuildJobs).toBe(0);
    expect(w.replies[0]!.body).toMatch(/Scanning this repository now/);
  });
});

describe('/freshen commands', () => {
  it('ignore and unignore persist per repository and show in the status', async () => {
    const w = world();
    await w.comment('alice', '/freshen ignore node 23', { issueNumber: 5, commentId: 50 });
    await w.comment('alice', '/freshen ignore lodash', { issueNumber: 5, commentId: 51 });
    expect((await w.ignoreStore.list(repo.id)).map((e) => [e.dependency, e.version, e.by])).toEqual([
      ['lodash', null, 'alice'],
      ['node', '23', 'alice'],
    ]);
    const entries = await w.ignoreStore.list(repo.id);
    expect(isUpdateIgnored({ depName: 'docker.io/library/node', newValue: '23.1-alpine' }, entries)).toBe(true);
    expect(isUpdateIgnored({ depName: 'docker.io/library/node', newValue: '24' }, entries)).toBe(false);
    expect(isUpdateIgnored({ depName: 'docker.io/library/node', newValue: '230' }, entries)).toBe(false);
    expect(isUpdateIgnored({ depName: 'lodash', newValue: '5.0.0' }, entries)).toBe(true);

    await w.comment('alice', '/freshen status', { issueNumber: 5, commentId: 52 });
    expect(w.replies.at(-1)!.body).toMatch(/`node` version `23` — by @alice/);
    expect(w.replies.at(-1)!.body).toMatch(/Next scheduled run:\*\* 2026-05-02T02:00:00Z/);

    await w.comment('alice', '/freshen unignore node', { issueNumber: 5, commentId: 53 });
    expect((await w.ignoreStore.list(repo.id)).map((e) => e.dependency)).toEqual(['lodash']);
    await w.comment('alice', '/freshen unignore node', { issueNumber: 5, commentId: 54 });
    expect(w.replies.at(-1)!.body).toMatch(/was not ignored/);
  });

  it('help lists the commands; a malformed command gets an explanation and 😕', async () => {
    const w = world();
    await w.comment('alice', '/freshen help', { issueNumber: 5, commentId: 50 });
    expect(w.replies[0]!.body).toContain('/freshen ignore <dependency> [<version>]');
    await w.comment('alice', '/freshen ignore', { issueNumber: 5, commentId: 51 });
    expect(w.replies[1]!.body).toMatch(/did not understand `\/freshen ignore`/);
    expect(w.reactions.at(-1)).toEqual({ commentId: 51, content: 'confused' });
  });

  it('several commands in one comment get one reply', async () => {
    const w = world();
    await w.comment('alice', '/freshen ignore a\n/freshen ignore b\n/freshen ignore a', { issueNumber: 5, commentId: 50 });
    expect(w.replies).toHaveLength(1);
    expect(w.replies[0]!.body.match(/no longer propose/g)).toHaveLength(2);
  });
});
