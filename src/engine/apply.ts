// Applies planned updates to file texts, one at a time, checking each by re-extraction.
import type { Dependency, LocatedError } from '../types.js';
import { errorMessage, managerByName, safeExtract } from './extract.js';
import type { PlannedUpdate } from './types.js';

export interface ApplyResult {
  /** Only the files whose text changed, with their new text. */
  files: Map<string, string>;
  /** The updates that were written. */
  applied: PlannedUpdate[];
  errors: LocatedError[];
}

const depKey = (manager: string, file: string, depIndex: number) => `${manager}\0${file}\0${depIndex}`;

/**
 * An edit in a shared place (an ARG default used by several FROM lines) changes other
 * dependencies too. That is fine only where it takes them to their own planned value; anything
 * else would silently move an image nobody asked to move, or undo an update already written.
 */
function collateralChange(update: PlannedUpdate, before: Dependency[], after: Dependency[], planned: Map<string, PlannedUpdate>): string | null {
  const moved = before[update.depIndex]!;
  for (let i = 0; i < before.length; i++) {
    const was = before[i]!;
    const now = after[i]!;
    if (i === update.depIndex || (was.currentValue === now.currentValue && was.currentDigest === now.currentDigest)) continue;
    const own = planned.get(depKey(update.manager, update.file, i));
    const digestOk = now.currentDigest === was.currentDigest || now.currentDigest === own?.newDigest;
    if (own && own.depName === now.depName && now.currentValue === own.newValue && digestOk) continue;
    // The very same image used twice through one ARG (two stages on one base) moves as one.
    const sameImage = was.depName === moved.depName && was.currentValue === moved.currentValue && was.currentDigest === moved.currentDigest;
    if (!own && sameImage && now.currentValue === update.newValue && now.currentDigest === update.newDigest) continue;
    const became = now.reference ?? `${now.depName}:${now.currentValue ?? ''}`;
    return `not written: the change is shared with ${was.reference ?? was.depName} (line ${was.line}), which it would turn into ${became}; give them separate variables or update them together`;
  }
  return null;
}

/**
 * Updates must come from a scan of exactly these texts. Two updates of the same dependency (a
 * minor and a major) cannot both apply; the caller groups them into separate changes.
 */
export function applyUpdates(texts: ReadonlyMap<string, string>, updates: readonly PlannedUpdate[]): ApplyResult {
  const result: ApplyResult = { files: new Map(), applied: [], errors: [] };
  const planned = new Map(updates.map((u) => [depKey(u.manager, u.file, u.depIndex), u]));
  for (const update of updates) {
    const text = result.files.get(update.file) ?? texts.get(update.file);
    const fail = (message: string) =>
      result.errors.push({ file: update.file, line: update.line, depName: update.depName, message });
    if (text === undefined) {
      fail('file not found');
      continue;
    }
    try {
      const manager = managerByName(update.manager);
      const before = safeExtract(manager, text, update.file).deps;
      const dep = before[update.depIndex];
      if (!dep || dep.depName !== update.depName) {
        fail('the file changed since it was scanned');
        continue;
      }
      const newText = manager.update(text, dep, { newValue: update.newValue, newDigest: update.newDigest });
      const after = safeExtract(manager, newText, update.file).deps;
      const check = after[update.depIndex];
      if (
        after.length !== before.length ||
        !check ||
        check.currentValue !== update.newValue ||
        check.currentDigest !== update.newDigest
      ) {
        fail(`the rewritten file does not read back as ${update.to}; nothing written`);
        continue;
      }
      const collateral = collateralChange(update, before, after, planned);
      if (collateral) {
        fail(collateral);
        continue;
      }
      if (newText !== text) result.files.set(update.file, newText);
      result.applied.push(update);
    } catch (err) {
      fail(errorMessage(err));
    }
  }
  return result;
}
