// Applies planned updates to file texts, one at a time, checking each by re-extraction.
import type { LocatedError } from '../types.js';
import { errorMessage, managerByName, safeExtract } from './extract.js';
import type { PlannedUpdate } from './types.js';

export interface ApplyResult {
  /** Only the files whose text changed, with their new text. */
  files: Map<string, string>;
  /** The updates that were written. */
  applied: PlannedUpdate[];
  errors: LocatedError[];
}

/**
 * Updates must come from a scan of exactly these texts. Two updates of the same dependency (a
 * minor and a major) cannot both apply; the caller groups them into separate changes.
 */
export function applyUpdates(texts: ReadonlyMap<string, string>, updates: readonly PlannedUpdate[]): ApplyResult {
  const result: ApplyResult = { files: new Map(), applied: [], errors: [] };
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
      if (newText !== text) result.files.set(update.file, newText);
      result.applied.push(update);
    } catch (err) {
      fail(errorMessage(err));
    }
  }
  return result;
}
