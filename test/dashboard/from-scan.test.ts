// The dashboard's share of a scan: PR links, held updates with and without boxes, the run line that does not force a write.
import { describe, expect, it } from 'vitest';
import { dashboardSnapshot, heldByPrLimit } from '../../src/dashboard/from-scan.js';
import { renderDashboard, sameDashboard, updateKey } from '../../src/dashboard/render.js';
import type { PlannedUpdate } from '../../src/engine/types.js';
import { renderStatusSections } from '../../src/rebuild/status-issue.js';
import { exampleDashboard } from './example.js';

const update = (depName: string, to: string, updateType: PlannedUpdate['updateType'] = 'minor'): PlannedUpdate => ({
  manager: 'dockerfile', file: 'Dockerfile', line: 1, depName, from: `${depName}:1`, to, updateType, newValue: to, newDigest: null, depIndex: 0,
});

describe('dashboardSnapshot', () => {
  const minor = update('node', 'node:1.1');
  const major = update('redis', 'redis:8', 'major');
  const late = update('python', 'python:3.14');
  const groups = new Map([['container-images', [minor]], ['major-redis', [major]]]);
  const snapshot = dashboardSnapshot({
    enabled: true, dependencies: [], groups, prs: { 'container-images': 7 }, overLimit: ['major-redis'],
    held: [
      { update: late, kind: 'release-age', reason: 'minimum release age 3 days: released 2026-01-01T00:00:00.000Z (registry)', eligibleAt: '2026-01-04T00:00:00.000Z' },
      { update: update('go', 'go:2'), kind: 'schedule', reason: 'outside the schedule "before 6am on monday" (UTC)', eligibleAt: '2026-01-05T00:00:00.000Z' },
      ...heldByPrLimit(groups, ['major-redis'], 1),
    ],
    errors: [{ file: 'package-lock.json', message: 'npm update failed: E404' }], repeatability: [],
  });

  it('links pending updates to their PR and leaves over-limit groups to the held list', () => {
    expect(snapshot.updates).toEqual([{ file: 'Dockerfile', line: 1, depName: 'node', from: 'node:1', to: 'node:1.1', pr: '#7' }]);
    expect(snapshot.held.map((h) => [h.depName, h.key ?? null])).toEqual([
      ['python', null],
      ['go', updateKey(update('go', 'go:2'))],
      ['redis', updateKey(major)],
    ]);
    expect(snapshot.held[2]!.reason).toBe('prLimit: 1 Freshen PR is already open');
  });

  it('renders boxes only for what ticking may open, and the errors', () => {
    const body = renderDashboard({ ...exampleDashboard, ...snapshot });
    expect(body).toContain('- `python`: python:1 → python:3.14 — minimum release age 3 days');
    expect(body).toContain(`- [ ] <!-- freshen:open:${updateKey(major)} --> \`redis\`: redis:1 → redis:8 — prLimit: 1 Freshen PR is already open`);
    expect(body).toContain('- `package-lock.json`: npm update failed: E404');
  });
});

describe('detected dependencies', () => {
  it('say why Freshen does not update a skipped one', () => {
    const base = { manager: 'npm', datasource: 'npm', currentDigest: null };
    const snapshot = dashboardSnapshot({
      enabled: true, groups: new Map(), prs: {}, overLimit: [], held: [], errors: [], repeatability: [],
      dependencies: [
        { ...base, file: 'web/package.json', line: 5, depName: 'react', currentValue: '^18.2.0', skipReason: 'lockfile-unsupported: Freshen cannot regenerate web/yarn.lock yet, so this package.json is not edited' },
        { ...base, file: 'api/package.json', line: 5, depName: 'express', currentValue: '^4.18.2' },
      ],
    });
    const body = renderDashboard({ ...exampleDashboard, ...snapshot });
    expect(body).toContain('- `web/package.json`\n  - line 5: `react` `^18.2.0` · npm — not updated: lockfile-unsupported: Freshen cannot regenerate web/yarn.lock yet, so this package.json is not edited\n');
    expect(body).toContain('- `api/package.json`\n  - line 5: `express` `^4.18.2` · npm\n');
  });
});

describe('sameDashboard', () => {
  const body = renderDashboard(exampleDashboard);
  it('ignores only the run line', () => {
    expect(sameDashboard(body, renderDashboard({ ...exampleDashboard, lastRun: new Date('2030-01-01T00:00:00Z') }))).toBe(true);
    expect(sameDashboard(body, renderDashboard({ ...exampleDashboard, held: [] }))).toBe(false);
  });
});

describe('/freshen status', () => {
  it('says what is held back and why', () => {
    const text = renderStatusSections({ ...exampleDashboard, held: [{ depName: 'node', from: 'node:22', to: 'node:24', reason: 'blocked by pinned package oldpkg', eligibleAt: '2026-01-04T00:00:00Z' }] });
    expect(text).toContain('### Held back\n\n- `node`: node:22 → node:24 — blocked by pinned package oldpkg (from 2026-01-04T00:00:00Z)');
  });
});
