// The dashboard issue: the status issue (same marker, same issue) with everything Freshen found in the repository.
import { createHash } from 'node:crypto';
import { withoutUserInfoIn } from '../http/url.js';
import { renderRepeatability, type RepeatabilityFinding } from '../report/repeatability.js';
import { STATUS_MARKER, cell, ignoredList, imagesTable, when, type HeldStatus, type RepoStatus } from '../rebuild/status-issue.js';

export const DASHBOARD_TITLE = 'Freshen dashboard';

export interface DashboardDependency {
  file: string;
  line: number;
  manager: string;
  depName: string;
  currentValue: string | null;
  currentDigest?: string | null;
  /** Why Freshen does not update it (a yarn.lock it cannot regenerate...). */
  skipReason?: string;
}

export interface DashboardUpdate {
  file: string;
  line: number;
  depName: string;
  from: string;
  to: string;
  /** `#12` when a PR already proposes it; no checkbox then. */
  pr?: string;
}

/** A held update; `key` is set when ticking may open it now (held by the schedule or prLimit). */
export interface DashboardHeld extends HeldStatus {
  key?: string;
}

export interface DashboardData extends RepoStatus {
  dependencies: DashboardDependency[];
  updates: DashboardUpdate[];
  held: DashboardHeld[];
  errors: { file: string; line?: number; depName?: string; message: string }[];
  repeatability: RepeatabilityFinding[];
  /** When scans run, e.g. "`0 4 * * 1` (UTC)"; stable, unlike the next run's time. */
  schedule?: string;
}

/** A stable id for a pending update: what the checkbox names, and what ticking it asks to open. */
export function updateKey(update: Pick<DashboardUpdate, 'file' | 'depName' | 'to'>): string {
  return createHash('sha256').update(`${update.file}\n${update.depName}\n${update.to}`).digest('hex').slice(0, 12);
}

export const checkboxMarker = (key: string) => `<!-- freshen:open:${key} -->`;

function dependenciesByFile(deps: readonly DashboardDependency[]): string {
  if (deps.length === 0) return '_No dependencies found._';
  const files = new Map<string, DashboardDependency[]>();
  for (const dep of deps) files.set(dep.file, [...(files.get(dep.file) ?? []), dep]);
  return [...files.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, list]) => {
      const lines = list.map((d) => `  - line ${d.line}: \`${cell(d.depName)}\` ${d.currentValue ? `\`${cell(d.currentValue)}\`` : ''}${d.currentDigest ? ' (pinned)' : ''} · ${d.manager}${d.skipReason ? ` — not updated: ${cell(d.skipReason)}` : ''}`);
      return [`- \`${cell(file)}\``, ...lines].join('\n');
    })
    .join('\n');
}

function pendingList(updates: readonly DashboardUpdate[]): string {
  if (updates.length === 0) return '_None._';
  const lines = updates.map((u) => {
    const what = `\`${cell(u.depName)}\`: ${cell(u.from)} → ${cell(u.to)} (\`${cell(u.file)}:${u.line}\`)`;
    return u.pr ? `- ${what} — ${u.pr}` : `- [ ] ${checkboxMarker(updateKey(u))} ${what}`;
  });
  return ['Tick a box to open that PR now.', '', ...lines].join('\n');
}

function heldList(held: readonly DashboardHeld[]): string {
  if (held.length === 0) return '_None._';
  return held
    .map((h) => {
      const what = `\`${cell(h.depName)}\`: ${cell(h.from)} → ${cell(h.to)} — ${cell(h.reason)}${h.eligibleAt ? ` (from ${when(h.eligibleAt)})` : ''}`;
      return h.key ? `- [ ] ${checkboxMarker(h.key)} ${what}` : `- ${what}`;
    })
    .join('\n');
}

function errorList(errors: DashboardData['errors']): string {
  if (errors.length === 0) return '_None._';
  return errors.map((e) => `- \`${cell(e.file)}${e.line ? `:${e.line}` : ''}\`${e.depName ? ` \`${cell(e.depName)}\`` : ''}: ${cell(e.message)}`).join('\n');
}

// The one line that changes on every run: a run that changes nothing else does not edit the issue.
const RUN_LINE = /^\*\*Last change:\*\* .*$/m;

function runLine(data: DashboardData): string {
  const schedule = data.schedule ?? (data.nextRun ? `next run ${when(data.nextRun)}` : '—');
  return `**Last change:** ${when(data.lastRun)} · **Scans:** ${schedule}`;
}

/** True when two dashboard bodies differ at most in their run line. */
export function sameDashboard(shown: string, next: string): boolean {
  return shown.replace(RUN_LINE, '') === next.replace(RUN_LINE, '');
}

export function renderDashboard(data: DashboardData): string {
  const parts = [
    STATUS_MARKER,
    `Freshen keeps the dependencies of \`${data.repo.owner}/${data.repo.name}\` fresh. This issue is edited in place; comment \`/freshen help\` for commands.`,
    runLine(data),
  ];
  if (data.problems && data.problems.length > 0) parts.push('### Problems', data.problems.map((p) => `- ${p}`).join('\n'));
  parts.push(
    '### Pending updates', pendingList(data.updates),
    '### Held back', heldList(data.held),
    '### Errors', errorList(data.errors),
    '### Images and rebuilds', imagesTable(data.images),
    '### Detected dependencies', dependenciesByFile(data.dependencies),
    '### Ignored dependencies', ignoredList(data.ignored),
    '### Repeatability', renderRepeatability(data.repeatability),
  );
  // Errors quote URLs (a requirements file's `--index-url https://user:pass@host`): the issue shows none's credentials.
  return withoutUserInfoIn(parts.join('\n\n'));
}
