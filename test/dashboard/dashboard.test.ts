// The dashboard issue: rendering, ticked boxes, permission, one issue per repository, README example in sync.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { upsertDashboard } from '../../src/dashboard/issue.js';
import { checkboxMarker, renderDashboard, updateKey } from '../../src/dashboard/render.js';
import { handleDashboardEdit, newlyTicked, tickedKeys } from '../../src/dashboard/ticks.js';
import { STATUS_MARKER, type StatusIssuePort } from '../../src/rebuild/status-issue.js';
import { exampleDashboard } from './example.js';

const body = renderDashboard(exampleDashboard);
const redisKey = updateKey(exampleDashboard.updates[1]!);

describe('renderDashboard', () => {
  it('carries the status marker and every section', () => {
    expect(body.startsWith(STATUS_MARKER)).toBe(true);
    for (const heading of ['Pending updates', 'Held back', 'Errors', 'Images and rebuilds', 'Detected dependencies', 'Ignored dependencies', 'Repeatability']) {
      expect(body).toContain(`### ${heading}`);
    }
  });

  it('gives a checkbox to each update without a PR, and links the PR of the others', () => {
    expect(body).toContain(`- [ ] ${checkboxMarker(redisKey)} \`docker.io/library/redis\`: redis:7.2 → redis:7.4@sha256:… (\`compose.yaml:4\`)`);
    expect(body).toMatch(/`docker.io\/library\/node`: .* — #17/);
    expect([...body.matchAll(/- \[ \]/g)]).toHaveLength(1);
  });

  it('says why updates are held, where errors are, and the repeatability findings with file:line', () => {
    expect(body).toContain('— prLimit: 5 Freshen PRs are already open');
    expect(body).toContain('- `worker/Dockerfile:7` `registry.internal:5000/tools`: registry answered 401');
    expect(body).toContain('| `worker/Dockerfile:2` | Installs `curl` without a version');
    expect(body).toContain('| `worker/Dockerfile:4` | ARG PYPI_TOKEN looks like a secret');
    expect(body).toMatch(/- `compose.yaml`\n  - line 4: `docker.io\/library\/redis` `7.2` · compose/);
  });

  it('is the example README shows', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const shown = /<!-- dashboard-example:start -->\n([\s\S]*?)\n<!-- dashboard-example:end -->/.exec(readme)?.[1];
    expect(shown, 'README has a dashboard example between the markers').toBeDefined();
    expect(shown).toBe(body.replace(STATUS_MARKER, '<!-- freshen:status (hidden marker) -->'));
  });
});

describe('ticked boxes', () => {
  const ticked = body.replace('- [ ] <!--', '- [x] <!--');
  it.each<[string, string, string, string[]]>([
    ['ticking a box', body, ticked, [redisKey]],
    ['a box already ticked', ticked, ticked, []],
    ['unticking', ticked, body, []],
    ['upper-case X', body, body.replace('- [ ] <!--', '- [X] <!--'), [redisKey]],
    ['a hand-written box', body, `${body}\n- [x] ship it`, []],
  ])('%s', (_name, before, after, expected) => {
    expect(newlyTicked(before, after)).toEqual(expected);
  });
  it('reads keys only from Freshen checkboxes', () => {
    expect(tickedKeys(`- [x] ${checkboxMarker('0123456789ab')} a\n- [x] <!-- other -->`)).toEqual(new Set(['0123456789ab']));
  });
});

describe('handleDashboardEdit', () => {
  const ticked = body.replace('- [ ] <!--', '- [x] <!--');
  const bot = { login: 'freshen[bot]', type: 'Bot' };
  const alice = { login: 'alice', type: 'User' };
  const run = async (edit: Partial<Parameters<typeof handleDashboardEdit>[0]>, role = 'write') => {
    const queued: string[][] = [];
    const outcome = await handleDashboardEdit(
      { body: ticked, previousBody: body, author: bot, appSlug: 'freshen', editor: alice, ...edit },
      { permission: async () => ({ permission: role, role_name: role }), enqueue: async (keys) => void queued.push(keys) },
    );
    return { outcome, queued };
  };

  it('queues the ticked update for someone with write access', async () => {
    expect(await run({})).toEqual({ outcome: { action: 'queued', keys: [redisKey] }, queued: [[redisKey]] });
  });
  it.each([['read'], ['triage']])('refuses %s and queues nothing', async (role) => {
    expect(await run({}, role)).toEqual({ outcome: { action: 'refused', login: 'alice', role, keys: [redisKey] }, queued: [] });
  });
  it.each<[string, Partial<Parameters<typeof handleDashboardEdit>[0]>]>([
    ['an issue without the marker', { body: 'hello', previousBody: 'hi' }],
    ['the marker copied into a human issue', { author: alice }],
    ['another app’s issue', { author: { login: 'other[bot]', type: 'Bot' } }],
    ['Freshen refreshing its own issue', { editor: bot }],
    ['a title-only edit', { previousBody: undefined }],
  ])('ignores %s', async (_name, edit) => {
    const { outcome, queued } = await run(edit);
    expect(outcome.action).toBe('none');
    expect(queued).toEqual([]);
  });
});

describe('upsertDashboard', () => {
  function memoryPort() {
    const issues: { number: number; title: string; body: string }[] = [{ number: 1, title: 'human', body: 'not ours' }];
    const port: StatusIssuePort = {
      findByMarker: async (marker) => issues.find((i) => i.body.includes(marker)) ?? null,
      create: async (title, text) => {
        await new Promise((r) => setTimeout(r, 5));
        issues.push({ number: issues.length + 1, title, body: text });
        return { number: issues.length };
      },
      update: async (n, text) => void (issues.find((i) => i.number === n)!.body = text),
    };
    return { port, issues };
  }
  const serial = () => {
    let chain: Promise<unknown> = Promise.resolve();
    return <T>(fn: () => Promise<T>) => (chain = chain.then(fn, fn)) as Promise<T>;
  };

  it('creates one issue, edits it in place, and leaves it when nothing changed', async () => {
    const { port, issues } = memoryPort();
    const lock = serial();
    const results = await Promise.all([upsertDashboard(port, exampleDashboard, { enabled: true, lock }), upsertDashboard(port, exampleDashboard, { enabled: true, lock })]);
    expect(results.map((r) => r?.action)).toEqual(['created', 'unchanged']);
    const later = { ...exampleDashboard, held: [] };
    expect(await upsertDashboard(port, later, { enabled: true, lock })).toEqual({ number: 2, action: 'updated' });
    expect(issues.filter((i) => i.body.includes(STATUS_MARKER))).toHaveLength(1);
    expect(issues[1]!.title).toBe('Freshen dashboard');
  });

  it('turns an existing rebuild status issue into the dashboard', async () => {
    const { port, issues } = memoryPort();
    issues.push({ number: 2, title: 'Freshen status', body: `${STATUS_MARKER}\nold status` });
    expect(await upsertDashboard(port, exampleDashboard, { enabled: true })).toEqual({ number: 2, action: 'updated' });
    expect(issues).toHaveLength(2);
  });

  it('writes nothing when the repository opts out', async () => {
    const { port, issues } = memoryPort();
    expect(await upsertDashboard(port, exampleDashboard, { enabled: false })).toBeNull();
    expect(issues).toHaveLength(1);
  });
});
