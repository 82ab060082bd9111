// The value of a repository's pending writes: security fixes first, then broken pins, then the rest.
import type { PlannedUpdate } from '../engine/types.js';

export type UpdateValue = 'security' | 'broken-pin' | 'routine';

function isSecurity(update: PlannedUpdate): boolean {
  const extra = update.extra ?? {};
  const fixed = extra.vulnerabilitiesFixed;
  return extra.security === true || (Array.isArray(fixed) && fixed.length > 0);
}

function isBrokenPin(update: PlannedUpdate): boolean {
  return update.extra?.brokenPin === true || (update.notes ?? []).some((note) => /^broken pin\b/i.test(note));
}

export function updateValue(updates: readonly PlannedUpdate[]): UpdateValue {
  if (updates.some(isSecurity)) return 'security';
  if (updates.some(isBrokenPin)) return 'broken-pin';
  return 'routine';
}

/** BullMQ priority (1 runs first). */
export function valuePriority(value: UpdateValue): number {
  return value === 'security' ? 1 : value === 'broken-pin' ? 2 : 3;
}
