// The per-repository status issue: one issue, found again by a hidden marker, edited in place.
import { withoutUserInfoIn } from '../http/url.js';
import type { ProcessName } from './process.js';
import type { RepoRef } from './types.js';
import type { UnmaintainedBase } from '../insight/unmaintained.js';
import { inlineCode } from '../markdown-safe.js';
import { unmaintainedNote } from '../render/unmaintained.js';

export const STATUS_MARKER = '<!-- freshen:status -->';
export const STATUS_TITLE = 'Freshen status';

export interface StatusImage {
  /** As written in the repository: `python:3.13-slim`. */
  reference: string;
  process: ProcessName;
  usedIn?: string[];
  /** The digest the tag points to now, if known. */
  currentDigest?: string | null;
  /** What the last successful build (or the baseline) used. */
  builtDigest?: string | null;
  lastRebuild?: { at: string; result: 'pending' | 'success' | 'failure'; url?: string; conclusion?: string } | null;
  problem?: string;
  /** The tag stopped getting rebuilds while the newest tag of its variant moves. */
  unmaintained?: UnmaintainedBase;
}

export interface PendingUpdate {
  depName: string;
  from: string;
  to: string;
  pr?: string;
}

/** An update that exists but waits (release age, schedule, prLimit, a blocking package pin). */
export interface HeldStatus {
  depName: string;
  from: string;
  to: string;
  reason: string;
  eligibleAt?: string;
}

/** An ignore as the status shows it (the commands' ignore store keeps these). */
export interface IgnoredStatus {
  dependency: string;
  /** null: every version. */
  version: string | null;
  by: string;
  at: string;
}

export interface RepoStatus {
  repo: RepoRef;
  images: StatusImage[];
  pendingUpdates?: PendingUpdate[];
  held?: HeldStatus[];
  ignored: IgnoredStatus[];
  lastRun?: Date | null;
  nextRun?: Date | null;
  /** Problems worth seeing: invalid config, a refused dispatch... */
  problems?: string[];
}

/** Finds, creates and edits issues; the app implements it with Octokit. */
export interface StatusIssuePort {
  /** The issue (open or closed) whose body contains the marker, created by the app; null if none. */
  findByMarker(marker: string): Promise<{ number: number; body: string } | null>;
  create(title: string, body: string): Promise<{ number: number }>;
  update(issueNumber: number, body: string): Promise<void>;
}

export const shortDigest = (digest: string | null | undefined) => (digest ? `\`${digest.slice(0, 19)}\`` : '—');
export const when = (date: Date | string | null | undefined) => (date ? new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z') : '—');
export const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function rebuildCell(image: StatusImage): string {
  const last = image.lastRebuild;
  if (!last) return image.process === 'rebuild' ? 'never' : '—';
  const result = last.result === 'failure' ? `❌ ${last.conclusion ?? 'failure'}` : last.result === 'success' ? '✅ success' : '⏳ running';
  const text = `${when(last.at)} ${result}`;
  return last.url ? `[${text}](${last.url})` : text;
}

export function imagesTable(images: readonly StatusImage[]): string {
  if (images.length === 0) return '_No container images found._';
  const rows = images.map((i) =>
    [
      `\`${cell(i.reference)}\``,
      i.process,
      shortDigest(i.currentDigest),
      shortDigest(i.builtDigest),
      rebuildCell(i),
      cell([i.unmaintained ? unmaintainedNote(i.unmaintained) : '', i.problem ?? ''].filter(Boolean).join('; ')),
    ].join(' | '),
  );
  return ['| Image | Process | Current base digest | Last built from | Last rebuild | Notes |', '| --- | --- | --- | --- | --- | --- |', ...rows.map((r) => `| ${r} |`)].join('\n');
}

function updatesList(updates: readonly PendingUpdate[] | undefined): string {
  if (!updates || updates.length === 0) return '_None._';
  return updates.map((u) => `- \`${cell(u.depName)}\`: ${cell(u.from)} → ${cell(u.to)}${u.pr ? ` (${u.pr})` : ''}`).join('\n');
}

export function heldList(held: readonly HeldStatus[] | undefined): string {
  if (!held || held.length === 0) return '_None._';
  return held.map((h) => `- \`${cell(h.depName)}\`: ${cell(h.from)} → ${cell(h.to)} — ${cell(h.reason)}${h.eligibleAt ? ` (from ${when(h.eligibleAt)})` : ''}`).join('\n');
}

export function ignoredList(entries: readonly IgnoredStatus[]): string {
  if (entries.length === 0) return '_Nothing ignored._ Use `/freshen ignore <dependency> [<version>]`.';
  return entries.map((e) => `- ${inlineCode(e.dependency)}${e.version ? ` version ${inlineCode(e.version)}` : ' (all versions)'} — by @${e.by}, ${when(e.at)}`).join('\n');
}

/** The parts shared by the issue and the `/freshen status` reply. */
export function renderStatusSections(status: RepoStatus): string {
  const parts = [
    `**Last run:** ${when(status.lastRun)} · **Next scheduled run:** ${when(status.nextRun)}`,
    '### Images',
    imagesTable(status.images),
    '### Pending updates',
    updatesList(status.pendingUpdates),
    ...(status.held && status.held.length > 0 ? ['### Held back', heldList(status.held)] : []),
    '### Ignored dependencies',
    ignoredList(status.ignored),
  ];
  if (status.problems && status.problems.length > 0) parts.splice(1, 0, '### Problems', status.problems.map((p) => `- ${p}`).join('\n'));
  return withoutUserInfoIn(parts.join('\n\n'));
}

export function renderStatusIssue(status: RepoStatus): string {
  return [
    STATUS_MARKER,
    `Freshen keeps the container images of \`${status.repo.owner}/${status.repo.name}\` fresh. This issue is edited in place; comment \`/freshen help\` for commands.`,
    renderStatusSections(status),
  ].join('\n\n');
}

export interface UpsertResult {
  number: number;
  action: 'created' | 'updated' | 'unchanged';
}

/**
 * Creates the status issue once, then edits it in place. `lock` serialises concurrent upserts of
 * one repository (two workers must not both create it); pass a Redis lock in production.
 */
export async function upsertStatusIssue(
  port: StatusIssuePort,
  status: RepoStatus,
  lock: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
): Promise<UpsertResult> {
  return upsertMarkedIssue(port, { title: STATUS_TITLE, body: renderStatusIssue(status) }, lock);
}

/**
 * The one writer of the issue that carries STATUS_MARKER (the rebuild status issue and the
 * dashboard are that same issue): finds it, creates it once, edits it only when `same` says the
 * shown body differs from the new one.
 */
export async function upsertMarkedIssue(
  port: StatusIssuePort,
  issue: { title: string; body: string; same?: (shown: string, next: string) => boolean },
  lock: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
): Promise<UpsertResult> {
  const same = issue.same ?? ((a, b) => a === b);
  return lock(async () => {
    const existing = await port.findByMarker(STATUS_MARKER);
    if (existing === null) return { number: (await port.create(issue.title, issue.body)).number, action: 'created' as const };
    if (same(existing.body, issue.body)) return { number: existing.number, action: 'unchanged' as const };
    await port.update(existing.number, issue.body);
    return { number: existing.number, action: 'updated' as const };
  });
}
