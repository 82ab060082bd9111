// Time windows for opening PRs: Renovate-style phrases ("before 6am on monday") or cron, and a planner.
import type { PlannedUpdate, Planner, PlanState, ScanContext } from '../engine/types.js';

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_MINUTES = 24 * 60;

/** One entry of `schedule`: the minutes of the day it allows, on which weekdays (0 = Sunday). */
export interface PhraseWindow {
  kind: 'phrase';
  text: string;
  /** Half-open [start, end) minute-of-day ranges. */
  ranges: [number, number][];
  /** null: every day. */
  days: number[] | null;
}

/** A cron entry allows every minute of each hour it matches (its minute field is ignored). */
export interface CronWindow {
  kind: 'cron';
  text: string;
  hours: number[];
  daysOfMonth: number[] | null;
  months: number[] | null;
  daysOfWeek: number[] | null;
}

export type ScheduleWindow = PhraseWindow | CronWindow;

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

const TIME = String.raw`(\d{1,2})(?::(\d\d))?\s*(am|pm)?`;

/** `6am` → 360, `10:30pm` → 1350, `18:00` → 1080. */
function parseTime(hour: string, minute: string | undefined, half: string | undefined, text: string): number {
  let h = Number(hour);
  const m = minute ? Number(minute) : 0;
  if (half) {
    if (h < 1 || h > 12) throw new ScheduleError(`"${text}": ${hour}${half} is not a time`);
    h = (h % 12) + (half === 'pm' ? 12 : 0);
  }
  if (h > 24 || m > 59 || (h === 24 && m > 0)) throw new ScheduleError(`"${text}": ${hour}:${minute ?? '00'} is not a time`);
  return h * 60 + m;
}

function parseTimeRanges(clause: string, text: string): [number, number][] {
  const between = new RegExp(`^between ${TIME} and ${TIME}$`).exec(clause);
  const pair = new RegExp(`^(before|after) ${TIME}(?: and (before|after) ${TIME})?$`).exec(clause);
  let after = 0;
  let before = DAY_MINUTES;
  if (between) {
    after = parseTime(between[1]!, between[2], between[3], text);
    before = parseTime(between[4]!, between[5], between[6], text);
  } else if (pair) {
    const bounds = [[pair[1], parseTime(pair[2]!, pair[3], pair[4], text)], ...(pair[5] ? [[pair[5], parseTime(pair[6]!, pair[7], pair[8], text)]] : [])];
    if (pair[5] === pair[1]) throw new ScheduleError(`"${text}": say "after X and before Y"`);
    for (const [word, minute] of bounds) {
      if (word === 'after') after = minute as number;
      else before = minute as number;
    }
  } else {
    throw new ScheduleError(`"${text}": expected "before 6am", "after 10pm", "after 10pm and before 5am" or "between 9am and 5pm"`);
  }
  if (after === before) throw new ScheduleError(`"${text}": the window is empty`);
  // "after 10pm and before 5am" wraps around midnight.
  return after < before ? [[after, before]] : [[after, DAY_MINUTES], [0, before]];
}

function parseDays(clause: string, text: string): number[] | null {
  const m = /^(?:on|every)\s+(.+)$/.exec(clause);
  if (!m) throw new ScheduleError(`"${text}": expected "on monday", "every weekday" or "every weekend", not "${clause}"`);
  const days = new Set<number>();
  for (const word of m[1]!.split(/\s*(?:,|\band\b|\bor\b)\s*/).filter(Boolean)) {
    const name = word.replace(/s$/, '');
    if (name === 'day') return null;
    if (name === 'weekday') [1, 2, 3, 4, 5].forEach((d) => days.add(d));
    else if (name === 'weekend') [0, 6].forEach((d) => days.add(d));
    else {
      const index = DAY_NAMES.findIndex((d) => d === name || (name.length >= 3 && d.startsWith(name)));
      if (index < 0) throw new ScheduleError(`"${text}": "${word}" is not a day`);
      days.add(index);
    }
  }
  return [...days].sort();
}

/** One phrase: a time clause, a day clause, or both in either order; or "at any time". */
export function parsePhrase(text: string): PhraseWindow {
  const phrase = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (phrase === 'at any time' || phrase === 'any time') return { kind: 'phrase', text, ranges: [[0, DAY_MINUTES]], days: null };
  const timeAt = phrase.search(/\b(before|after|between) /);
  const dayAt = phrase.search(/\b(on|every) /);
  let timeClause = '';
  let dayClause = '';
  if (timeAt >= 0 && dayAt > timeAt) [timeClause, dayClause] = [phrase.slice(timeAt, dayAt), phrase.slice(dayAt)];
  else if (dayAt >= 0 && timeAt > dayAt) [dayClause, timeClause] = [phrase.slice(dayAt, timeAt), phrase.slice(timeAt)];
  else if (timeAt >= 0) timeClause = phrase.slice(timeAt);
  else if (dayAt >= 0) dayClause = phrase.slice(dayAt);
  const leading = phrase.slice(0, Math.min(...[timeAt, dayAt].filter((i) => i >= 0), phrase.length)).trim();
  if (leading || (!timeClause && !dayClause)) throw new ScheduleError(`"${text}": expected a phrase such as "before 6am on monday" or a 5-field cron`);
  return {
    kind: 'phrase',
    text,
    ranges: timeClause ? parseTimeRanges(timeClause.trim(), text) : [[0, DAY_MINUTES]],
    days: dayClause ? parseDays(dayClause.trim(), text) : null,
  };
}

function parseCronField(field: string, min: number, max: number, names: string[], text: string): number[] | null {
  if (field === '*') return null;
  const value = (v: string) => {
    const named = names.indexOf(v.slice(0, 3));
    const n = named >= 0 && /^[a-z]/.test(v) ? named + min : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new ScheduleError(`"${text}": "${v}" is out of range ${min}-${max}`);
    return n;
  };
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|[a-z0-9]+)(?:-([a-z0-9]+))?(?:\/(\d+))?$/.exec(part);
    if (!m) throw new ScheduleError(`"${text}": cannot read cron field "${field}"`);
    const from = m[1] === '*' ? min : value(m[1]!);
    const to = m[2] ? value(m[2]) : m[1] === '*' || m[3] ? max : from;
    const step = m[3] ? Number(m[3]) : 1;
    if (step < 1) throw new ScheduleError(`"${text}": step 0`);
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

export function parseCronWindow(text: string): CronWindow {
  const fields = text.trim().toLowerCase().split(/\s+/);
  if (fields.length !== 5) throw new ScheduleError(`"${text}": a cron window has 5 fields`);
  const [, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const daysOfWeek = parseCronField(dow, 0, 7, DAY_NAMES.map((d) => d.slice(0, 3)), text);
  return {
    kind: 'cron',
    text,
    hours: parseCronField(hour, 0, 23, [], text) ?? [...Array(24).keys()],
    daysOfMonth: parseCronField(dom, 1, 31, [], text),
    months: parseCronField(month, 1, 12, MONTH_NAMES, text),
    daysOfWeek: daysOfWeek && [...new Set(daysOfWeek.map((d) => d % 7))].sort(),
  };
}

const looksLikeCron = (text: string) => /^[\d*,/a-z-]+(\s+[\d*,/a-z-]+){4}$/i.test(text.trim()) && /^[\d*]/.test(text.trim());

export function parseScheduleEntry(text: string): ScheduleWindow {
  return looksLikeCron(text) ? parseCronWindow(text) : parsePhrase(text);
}

interface LocalTime {
  weekday: number;
  day: number;
  month: number;
  minuteOfDay: number;
}

function localClock(timezone: string): (date: Date) => LocalTime {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone, hourCycle: 'h23', weekday: 'short', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
  });
  return (date) => {
    const parts = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
    return {
      weekday: DAY_NAMES.findIndex((d) => d.startsWith(String(parts.weekday).toLowerCase())),
      day: Number(parts.day),
      month: Number(parts.month),
      minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
    };
  };
}

function allows(window: ScheduleWindow, t: LocalTime): boolean {
  if (window.kind === 'phrase') {
    if (window.days && !window.days.includes(t.weekday)) return false;
    return window.ranges.some(([from, to]) => t.minuteOfDay >= from && t.minuteOfDay < to);
  }
  if (!window.hours.includes(Math.floor(t.minuteOfDay / 60))) return false;
  if (window.months && !window.months.includes(t.month)) return false;
  const dom = window.daysOfMonth?.includes(t.day);
  const dow = window.daysOfWeek?.includes(t.weekday);
  // Cron's rule: when both day fields are restricted, either may match.
  if (dom !== undefined && dow !== undefined) return dom || dow;
  return dom ?? dow ?? true;
}

/** True when `date` falls in any of the windows (no windows: always). */
export function isInWindow(date: Date, windows: ScheduleWindow[], timezone = 'UTC'): boolean {
  if (windows.length === 0) return true;
  const clock = localClock(timezone);
  return windows.some((w) => allows(w, clock(date)));
}

/** The first moment at or after `from` inside the windows (5-minute steps for two weeks, then hourly for a year). */
export function nextWindowStart(from: Date, windows: ScheduleWindow[], timezone = 'UTC'): Date | null {
  if (windows.length === 0) return from;
  const clock = localClock(timezone);
  const inside = (d: Date) => windows.some((w) => allows(w, clock(d)));
  if (inside(from)) return from;
  const step5 = 5 * 60_000;
  let t = Math.ceil(from.getTime() / step5) * step5;
  for (let i = 0; i < (14 * DAY_MINUTES) / 5; i++, t += step5) if (inside(new Date(t))) return new Date(t);
  for (let i = 0; i < 366 * 24; i++, t += 3_600_000) if (inside(new Date(t))) return new Date(t);
  return null;
}

/**
 * The cron the scan scheduler uses for a window: hourly inside the hours and days it allows (a
 * superset when entries differ; the planner holds whatever falls outside). A cron string stays as is.
 */
export function scanCronFor(schedule: string | string[] | undefined): string | undefined {
  if (schedule === undefined || typeof schedule === 'string') return schedule;
  const windows = schedule.map(parseScheduleEntry);
  const hours = new Set<number>();
  let days: Set<number> | null = new Set();
  for (const w of windows) {
    const wHours = w.kind === 'cron' ? w.hours : [...Array(24).keys()].filter((h) => w.ranges.some(([a, b]) => h * 60 + 59 >= a && h * 60 < b));
    wHours.forEach((h) => hours.add(h));
    const wDays = w.kind === 'cron' ? (w.daysOfMonth || w.months ? null : w.daysOfWeek) : w.days;
    if (wDays === null) days = null;
    else for (const d of wDays) days?.add(d);
  }
  const list = (values: Iterable<number>) => [...values].sort((a, b) => a - b).join(',');
  return `0 ${hours.size === 24 ? '*' : list(hours)} * * ${days === null || days.size === 7 ? '*' : list(days)}`;
}

export interface ScheduleOptions {
  schedule: string[];
  timezone: string;
  /** Security fixes are proposed outside the window (default true). */
  bypassForSecurity?: boolean;
  now?: () => Date;
}

/** Holds every update while the time is outside the window; says when the window opens next. */
export function schedulePlanner(options: ScheduleOptions): Planner {
  const windows = options.schedule.map(parseScheduleEntry);
  return {
    name: 'schedule',
    async plan(state: PlanState, _ctx: ScanContext): Promise<void> {
      const now = options.now?.() ?? new Date();
      if (isInWindow(now, windows, options.timezone)) return;
      const opens = nextWindowStart(now, windows, options.timezone);
      const kept: PlannedUpdate[] = [];
      for (const update of state.updates) {
        if (update.extra?.security === true && options.bypassForSecurity !== false) {
          kept.push(update);
          continue;
        }
        state.held.push({
          kind: 'schedule',
          update,
          reason: `outside the schedule ${options.schedule.map((s) => `"${s}"`).join(', ')} (${options.timezone})`,
          ...(opens ? { eligibleAt: opens.toISOString() } : {}),
        });
      }
      state.updates = kept;
    },
  };
}
