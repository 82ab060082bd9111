// The rebuild process's config: per-image processes, the rebuild section, and the default schedules.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { Probot, ProbotOctokit } from 'probot';
import { freshenApp } from '../../src/app.js';
import { defaultNightlyCron, parseRepoConfig, repoProcess, repoSchedule } from '../../src/config/repo-config.js';
import { queuedJobs, redisNamespace, testKeys, WEBHOOK_SECRET } from '../support/app-harness.js';

function parsed(raw: unknown) {
  const result = parseRepoConfig(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

describe('process and schedule', () => {
  it('reads per-image processes and the rebuild section', () => {
    const config = parsed({ images: [{ match: 'python', process: 'rebuild' }], rebuild: { workflow: 'build.yml', cooldown: '1h' } });
    expect(config.images).toEqual([{ match: 'python', process: 'rebuild' }]);
    expect(config.rebuild).toMatchObject({ workflow: 'build.yml', cooldown: '1h', baseline: 'record' });
    expect(repoProcess(config)).toBe('mixed');
    expect(repoProcess(parsed({ process: 'rebuild' }))).toBe('rebuild');
    expect(repoProcess(parsed({ process: 'rebuild', images: [{ match: 'node', process: 'pinned' }] }))).toBe('mixed');
    expect(repoProcess(parsed({}))).toBe('pinned');
  });

  it('locates mistakes in the rebuild section', () => {
    const result = parseRepoConfig({ rebuild: { workflow: 'a.yml', event: 'b', token: 'x' }, images: [{ match: 'x', process: 'nightly' }] });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.problems.map((p) => p.path);
    expect(paths).toContain('rebuild.token');
    expect(paths).toContain('images[0].process');
  });

  it('schedules rebuild repositories nightly and pinned ones weekly, unless a cron is set', () => {
    expect(repoSchedule(parsed({}), 42)).toBeUndefined();
    expect(repoSchedule(parsed({ process: 'rebuild' }), 42)).toBe(defaultNightlyCron(42));
    expect(repoSchedule(parsed({ images: [{ match: 'x', process: 'rebuild' }] }), 42)).toBe(defaultNightlyCron(42));
    expect(repoSchedule(parsed({ process: 'rebuild', schedule: '0 3 * * 1' }), 42)).toBe('0 3 * * 1');
    expect(defaultNightlyCron(42)).toMatch(/^\d{1,2} [0-5] \* \* \*$/);
    expect(defaultNightlyCron(42)).not.toBe(defaultNightlyCron(43));
  });
});

describe('workflow_run webhook', () => {
  it('queues dispatched runs only, once per run attempt', async () => {
    const ns = redisNamespace(inject('redisUrl'));
    try {
      const probot = new Probot({
        appId: 1, privateKey: testKeys.privateKey, secret: WEBHOOK_SECRET, logLevel: 'fatal',
        Octokit: ProbotOctokit.defaults((o: Record<string, any>) => ({ ...o, retry: { enabled: false }, throttle: { ...o.throttle, enabled: false } })),
      });
      await probot.load(freshenApp({ queue: ns.queue, redis: ns.memory }));
      const deliver = (event: string, id: number) =>
        probot.receive({
          id: randomUUID(),
          name: 'workflow_run',
          payload: {
            action: 'completed', installation: { id: 9 },
            repository: { id: 501, name: 'web', owner: { login: 'acme' } },
            workflow_run: { id, run_attempt: 1, event, path: '.github/workflows/build.yml', display_title: 'x', conclusion: 'success', created_at: '2026-01-01T00:00:00Z' },
          },
        } as Parameters<Probot['receive']>[0]);
      await deliver('push', 1);
      await deliver('workflow_dispatch', 2);
      await deliver('workflow_dispatch', 2);
      await deliver('repository_dispatch', 3);
      expect((await queuedJobs(ns.queue)).map((j) => j.id)).toEqual(['workflow-run-501-2-1', 'workflow-run-501-3-1']);
    } finally {
      await ns.queue.obliterate({ force: true });
      await ns.close();
    }
  });
});
