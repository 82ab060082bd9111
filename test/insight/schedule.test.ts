// Schedule windows: phrase parsing table, window checks in a time zone, next opening, scan cron, the planner.
import { describe, expect, it } from 'vitest';
import type { PlannedUpdate, PlanState } from '../../src/engine/types.js';
import { isInWindow, nextWindowStart, parseScheduleEntry, scanCronFor, schedulePlanner } from '../../src/insight/schedule.js';
import { groupUpdates } from '../../src/config/groups.js';
import { defaultRepoConfig, parseRepoConfig } from '../../src/config/repo-config.js';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { silentLogger } from '../../src/types.js';

describe('schedule phrases', () => {
  it.each([
    ['before 6am on monday', [[0, 360]], [1]],
    ['on monday before 6am', [[0, 360]], [1]],
    ['after 10pm', [[1320, 1440]], null],
    ['after 10:30pm every weekday', [[1350, 1440]], [1, 2, 3, 4, 5]],
    ['every weekend', [[0, 1440]], [0, 6]],
    ['every weekday', [[0, 1440]], [1, 2, 3, 4, 5]],
    ['on monday and thursday', [[0, 1440]], [1, 4]],
    ['on tuesday, wednesday and friday', [[0, 1440]], [2, 3, 5]],
    ['on sundays', [[0, 1440]], [0]],
    ['after 10pm and before 5am every weekday', [[1320, 1440], [0, 300]], [1, 2, 3, 4, 5]],
    ['between 9am and 5pm on weekdays', [[540, 1020]], [1, 2, 3, 4, 5]],
    ['before 12pm', [[0, 720]], null],
    ['after 12am', [[0, 1440]], null],
    ['before 18:00', [[0, 1080]], null],
    ['at any time', [[0, 1440]], null],
  ])('%s', (text, ranges, days) => {
    const window = parseScheduleEntry(text);
    expect(window).toMatchObject({ kind: 'phrase', ranges, days });
  });

  it.each([
    ['whenever you like', /expected a phrase/],
    ['before 13pm', /not a time/],
    ['on funday', /"funday" is not a day/],
    ['before 6am and before 7am', /after X and before Y/],
    ['after 6am and before 6am', /empty/],
  ])('%s is refused with a reason', (text, message) => {
    expect(() => parseScheduleEntry(text)).toThrow(message);
  });

  it('reads cron entries by their hours and days', () => {
    expect(parseScheduleEntry('* 0-5 * * 1')).toMatchObject({ kind: 'cron', hours: [0, 1, 2, 3, 4, 5], daysOfWeek: [1], daysOfMonth: null });
    expect(parseScheduleEntry('0 22 * * sat,sun')).toMatchObject({ hours: [22], daysOfWeek: [0, 6] });
    expect(() => parseScheduleEntry('* 25 * * *')).toThrow(/out of range/);
  });
});

describe('windows in time', () => {
  const monday5am = new Date('2024-06-03T05:00:00Z');
  const monday7am = new Date('2024-06-03T07:00:00Z');
  const windows = [parseScheduleEntry('before 6am on monday')];

  it('checks the time in the configured zone', () => {
    expect(isInWindow(monday5am, windows, 'UTC')).toBe(true);
    expect(isInWindow(monday7am, windows, 'UTC')).toBe(false);
    // 05:00 UTC is 07:00 in Berlin (summer time): outside.
    expect(isInWindow(monday5am, windows, 'Europe/Berlin')).toBe(false);
    expect(isInWindow(new Date('2024-06-03T03:30:00Z'), windows, 'Europe/Berlin')).toBe(true);
    expect(isInWindow(monday7am, [], 'UTC')).toBe(true);
    expect(isInWindow(new Date('2024-06-03T04:00:00Z'), [parseScheduleEntry('* 0-5 * * 1')], 'UTC')).toBe(true);
  });

  it('finds when the window opens next', () => {
    expect(nextWindowStart(monday7am, windows, 'UTC')?.toISOString()).toBe('2024-06-10T00:00:00.000Z');
    expect(nextWindowStart(monday5am, windows, 'UTC')?.toISOString()).toBe(monday5am.toISOString());
    expect(nextWindowStart(monday7am, [parseScheduleEntry('after 10:30pm every weekday')], 'UTC')?.toISOString()).toBe('2024-06-03T22:30:00.000Z');
    expect(nextWindowStart(monday7am, windows, 'Europe/Berlin')?.toISOString()).toBe('2024-06-09T22:00:00.000Z');
  });

  it('turns windows into the scan scheduler cron, and leaves a cron string alone', () => {
    expect(scanCronFor(['before 6am on monday'])).toBe('0 0,1,2,3,4,5 * * 1');
    expect(scanCronFor(['after 10pm and before 2am every weekday'])).toBe('0 0,1,22,23 * * 1,2,3,4,5');
    expect(scanCronFor(['every weekend'])).toBe('0 * * * 0,6');
    expect(scanCronFor('0 4 * * 1')).toBe('0 4 * * 1');
    expect(scanCronFor(undefined)).toBeUndefined();
  });
});

function update(depName: string, updateType: PlannedUpdate['updateType'], extra?: Record<string, unknown>): PlannedUpdate {
  return { manager: 'dockerfile', file: 'Dockerfile', line: 1, depName, from: `${depName}:1`, to: `${depName}:2`, updateType, newValue: '2', newDigest: null, depIndex: 0, ...(extra ? { extra } : {}) };
}

describe('the schedule planner', () => {
  const state = (): PlanState => ({
    dependencies: [], texts: new Map(), held: [], errors: [], options: {},
    updates: [update('docker.io/library/node', 'minor'), update('docker.io/library/debian', 'digest', { security: true })],
  });
  const ctx = { images: createOciClient(), log: silentLogger };

  it('holds updates outside the window (not errors), with when it opens; security fixes go through', async () => {
    const s = state();
    await schedulePlanner({ schedule: ['before 6am on monday'], timezone: 'UTC', now: () => new Date('2024-06-04T12:00:00Z') }).plan(s, ctx);
    expect(s.updates.map((u) => u.depName)).toEqual(['docker.io/library/debian']);
    expect(s.held).toEqual([{ kind: 'schedule', update: expect.objectContaining({ depName: 'docker.io/library/node' }), reason: 'outside the schedule "before 6am on monday" (UTC)', eligibleAt: '2024-06-10T00:00:00.000Z' }]);
    expect(s.errors).toEqual([]);
  });

  it('holds security fixes too when bypassSchedule is off, and nothing inside the window', async () => {
    const s = state();
    await schedulePlanner({ schedule: ['before 6am on monday'], timezone: 'UTC', bypassForSecurity: false, now: () => new Date('2024-06-04T12:00:00Z') }).plan(s, ctx);
    expect(s.updates).toEqual([]);
    const inside = state();
    await schedulePlanner({ schedule: ['before 6am on monday'], timezone: 'UTC', now: () => new Date('2024-06-03T01:00:00Z') }).plan(inside, ctx);
    expect(inside.held).toEqual([]);
  });
});

describe('config', () => {
  it('accepts window lists and the new fields, and locates mistakes', () => {
    const ok = parseRepoConfig({ schedule: ['before 6am on monday', '* 22-23 * * 5'], minimumReleaseAge: '3 days', platforms: ['linux/amd64', 'linux/arm64'], security: { bypassSchedule: false } });
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.config.security).toEqual({ bypassSchedule: false, bypassReleaseAge: true });
    expect(defaultRepoConfig).toMatchObject({ ignoreUnchangedPlatforms: true, platforms: [], security: { bypassSchedule: true, bypassReleaseAge: true } });
    const bad = parseRepoConfig({ schedule: ['before 6am on monday', 'on funday'], minimumReleaseAge: 'soon', platforms: ['amd64'] });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const byPath = Object.fromEntries(bad.problems.map((p) => [p.path, p.message]));
    expect(byPath['schedule[1]']).toMatch(/"funday" is not a day/);
    expect(byPath['minimumReleaseAge']).toMatch(/duration/);
    expect(byPath['platforms[0]']).toMatch(/os\/arch/);
  });

  it('groups by update type as well as by name', () => {
    const config = { ...defaultRepoConfig, groups: [{ name: 'digests', matchUpdateTypes: ['digest' as const, 'pin' as const], includeMajor: false }] };
    const groups = groupUpdates([update('docker.io/library/node', 'minor'), update('docker.io/library/debian', 'digest'), update('docker.io/library/alpine', 'pin')], config);
    expect([...groups].map(([k, v]) => [k, v.map((u) => u.depName)])).toEqual([
      ['digests', ['docker.io/library/debian', 'docker.io/library/alpine']],
      ['container-images', ['docker.io/library/node']],
    ]);
    expect(parseRepoConfig({ groups: [{ name: 'x' }] }).ok).toBe(false);
  });
});
