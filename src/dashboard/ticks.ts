// Ticked boxes of the dashboard: which "open the PR now" requests an edit made, and who may make them.
import { checkCommandPermission, type FetchPermission } from '../commands/permission.js';
import { STATUS_MARKER } from '../rebuild/status-issue.js';

const BOX = /^\s*[-*] \[([ xX])\] <!-- freshen:open:([0-9a-f]{12}) -->/gm;

/** Keys of the boxes ticked in `body`. */
export function tickedKeys(body: string): Set<string> {
  const keys = new Set<string>();
  for (const match of body.matchAll(BOX)) if (match[1] !== ' ') keys.add(match[2]!);
  return keys;
}

/** Boxes ticked by this edit: ticked now, not ticked before. */
export function newlyTicked(before: string, after: string): string[] {
  const was = tickedKeys(before);
  return [...tickedKeys(after)].filter((key) => !was.has(key)).sort();
}

export interface DashboardEdit {
  body: string;
  /** The body before the edit (`changes.body.from`); absent when the body did not change. */
  previousBody?: string | undefined;
  /** Who wrote the issue: only the app's own dashboard counts. */
  author: { login: string; type: string };
  /** The app's slug: only an issue its bot wrote is the dashboard. */
  appSlug: string;
  editor: { login: string; type: string };
}

export type DashboardEditOutcome =
  | { action: 'none'; reason: string }
  | { action: 'refused'; login: string; role: string; keys: string[] }
  | { action: 'queued'; keys: string[] };

/**
 * What an `issues.edited` event asks for: nothing, a refusal (same permission rule as commands),
 * or the updates to open now; `enqueue` is called only for the last.
 */
export async function handleDashboardEdit(
  edit: DashboardEdit,
  deps: { permission: FetchPermission; enqueue(keys: string[]): Promise<void> },
): Promise<DashboardEditOutcome> {
  if (!edit.body.includes(STATUS_MARKER)) return { action: 'none', reason: 'not the dashboard' };
  const byApp = edit.author.type === 'Bot' && edit.author.login === `${edit.appSlug}[bot]`;
  if (!byApp) return { action: 'none', reason: 'the marker is in an issue Freshen did not write' };
  if (edit.editor.type === 'Bot') return { action: 'none', reason: 'edited by a bot (Freshen refreshing it)' };
  if (edit.previousBody === undefined) return { action: 'none', reason: 'the body did not change' };
  const keys = newlyTicked(edit.previousBody, edit.body);
  if (keys.length === 0) return { action: 'none', reason: 'no box was ticked' };
  // Asked of GitHub now, like commands: a 404 (not a collaborator) is a refusal, not a crash.
  const decision = await checkCommandPermission(deps.permission, edit.editor.login);
  if (!decision.allowed) return { action: 'refused', login: edit.editor.login, role: decision.role, keys };
  await deps.enqueue(keys);
  return { action: 'queued', keys };
}
