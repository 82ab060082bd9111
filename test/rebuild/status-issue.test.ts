import { afterAll, describe, expect, it } from 'vitest';
import { RebuildLedger } from '../../src/rebuild/ledger.js';
import { redisLock } from '../../src/cache/lock.js';
import { rebuildStatusImages } from '../../src/rebuild/status.js';
import { renderStatusIssue, STATUS_MARKER, upsertStatusIssue, type RepoStatus, type StatusIssuePort } from '../../src/rebuild/status-issue.js';
import type { FloatingBaseImage } from '../../src/rebuild/types.js';
import { closeAll, connect, repo, uniquePrefix } from './helpers.js';

afterAll(closeAll);

/** Issues in memory, found the way the app finds them: by the marker in the body. Slow on purpose, to expose races. */
function issueTracker(existing: Array<{ number: number; title: string; body: string }> = []) {
  const issues = [...existing];
  const pause = () => new Promise((r) => setTimeout(r, 20));
  const port: StatusIssuePort = {
    async findByMarker(marker) {
      await pause();
      return issues.find((i) => i.body.includes(marker)) ?? null;
    },
    async create(title, body) {
      await pause();
      const issue = { number: issues.length + 1, title, body };
      issues.push(issue);
      return issue;
    },
    async update(number, body) {
      issues.find((i) => i.number === number)!.body = body;
    },
  };
  return { issues, port };
}

const status = (nextRun: string): RepoStatus => ({
  repo,
  images: [
    { reference: 'python:3.13-slim', process: 'rebuild', currentDigest: `sha256:${'a'.repeat(64)}`, builtDigest: `sha256:${'b'.repeat(64)}`, lastRebuild: { at: '2026-05-01T02:00:00.000Z', result: 'failure', conclusion: 'failure', url: 'https://github.example/runs/9' } },
    { reference: 'node:22@sha256:' + 'c'.repeat(64), process: 'pinned' },
  ],
  pendingUpdates: [{ depName: 'docker.io/library/node', from: '22', to: '24', pr: '#7' }],
  ignored: [{ dependency: 'lodash', version: null, by: 'alice', at: '2026-04-01T00:00:00.000Z' }],
  lastRun: new Date('2026-05-01T02:00:00Z'),
  nextRun: new Date(nextRun),
});

describe('status issue', () => {
  it('shows each image, its process, digests, last rebuild, next run and what is ignored', () => {
    const body = renderStatusIssue(status('2026-05-02T02:00:00Z'));
    expect(body.startsWith(STATUS_MARKER)).toBe(true);
    expect(body).toContain('| `python:3.13-slim` | rebuild | `sha256:aaaaaaaaaaaa` | `sha256:bbbbbbbbbbbb` | [2026-05-01T02:00:00Z ❌ failure](https://github.example/runs/9) |');
    expect(body).toMatch(/\| `node:22@sha256:c+` \| pinned \|/);
    expect(body).toContain('**Next scheduled run:** 2026-05-02T02:00:00Z');
    expect(body).toContain('- `docker.io/library/node`: 22 → 24 (#7)');
    expect(body).toContain('- `lodash` (all versions) — by @alice');
  });

  it('is created once, then found again by its marker and edited in place', async () => {
    const { issues, port } = issueTracker([{ number: 1, title: 'Unrelated', body: 'hello' }]);
    expect(await upsertStatusIssue(port, status('2026-05-02T02:00:00Z'))).toEqual({ number: 2, action: 'created' });
    expect(await upsertStatusIssue(port, status('2026-05-02T02:00:00Z'))).toEqual({ number: 2, action: 'unchanged' });
    expect(await upsertStatusIssue(port, status('2026-05-03T02:00:00Z'))).toEqual({ number: 2, action: 'updated' });
    expect(issues).toHaveLength(2);
    expect(issues[1]!.body).toContain('2026-05-03T02:00:00Z');
    expect(issues[0]!.body).toBe('hello');
  });

  it('two workers updating at once still make one issue (with the Redis lock)', async () => {
    const { issues, port } = issueTracker();
    const redis = connect();
    const lock = redisLock(redis, `${uniquePrefix()}status-lock:${repo.id}`);
    await Promise.all([
      upsertStatusIssue(port, status('2026-05-02T02:00:00Z'), lock),
      upsertStatusIssue(port, status('2026-05-03T02:00:00Z'), lock),
    ]);
    expect(issues).toHaveLength(1);
  });

  it('takes the rebuild rows from the ledger', async () => {
    const ledger = new RebuildLedger(connect(), { prefix: uniquePrefix() });
    const image: FloatingBaseImage = { key: 'docker.io/library/python:3.13-slim', depName: 'docker.io/library/python', tag: '3.13-slim', written: ['python:3.13-slim'], usedIn: ['Dockerfile:1'] };
    const old = `sha256:${'1'.repeat(64)}`;
    const moved = `sha256:${'2'.repeat(64)}`;
    await ledger.recordBaseline(repo.id, image.key, old, new Date('2026-04-01T00:00:00Z'));
    await ledger.recordDispatch(repo.id, { id: 'x', at: '2026-05-01T02:00:00.000Z', trigger: 'workflow_dispatch', target: 'build.yml', images: { [image.key]: moved }, reason: 'r', forced: false, result: 'pending' });
    await ledger.completeDispatch(repo.id, 'x', { conclusion: 'failure', runUrl: 'https://github.example/runs/3', at: new Date() });

    const { images } = await rebuildStatusImages(ledger, repo.id, [image], new Map([[image.key, moved]]));
    expect(images).toEqual([
      {
        reference: 'python:3.13-slim', process: 'rebuild', usedIn: ['Dockerfile:1'], currentDigest: moved, builtDigest: old,
        lastRebuild: { at: '2026-05-01T02:00:00.000Z', result: 'failure', url: 'https://github.example/runs/3', conclusion: 'failure' },
        problem: 'last build failed; the next run dispatches again',
      },
    ]);
  });
});
