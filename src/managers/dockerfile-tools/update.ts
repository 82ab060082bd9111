// Rewrites a tool's version and, in the same edit, every checksum that guards its download.
import { type Dependency, type DependencyChange, UpdateError } from '../../types.js';
import { decodeDigest } from './checksums.js';
import { extractTools, type ToolLocation } from './extract.js';

/** What a version may hold when Freshen writes it into a Dockerfile (it ends up in URLs and shell commands). */
export const SAFE_TOOL_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

export function updateTool(text: string, dep: Dependency, change: DependencyChange): string {
  const where = `${dep.file}:${dep.line}`;
  if (dep.skipReason) throw new UpdateError(`${where}: ${dep.depName} cannot be updated (${dep.skipReason})`);
  const { newValue, newDigest } = change;
  if (newValue === null || !SAFE_TOOL_VERSION.test(newValue)) throw new UpdateError(`${where}: "${newValue}" is not a tool version Freshen writes`);
  const location = dep.location as ToolLocation | undefined;
  if (!location?.value || !Array.isArray(location.checksums)) throw new UpdateError(`${where}: ${dep.depName} has no tool location (not from this manager's extract)`);
  const edits = [{ ...location.value, replacement: newValue }];
  const current = dep.currentDigest === null ? [] : decodeDigest(dep.currentDigest) ?? [];
  const next = newDigest === null ? [] : decodeDigest(newDigest);
  const sameShape = next !== null && next.length === current.length && next.every((p, i) => p.label === current[i]!.label && p.algorithm === current[i]!.algorithm);
  if (!sameShape || next.length !== location.checksums.length) {
    throw new UpdateError(`${where}: ${dep.depName} needs ${current.length} checksum${current.length === 1 ? '' : 's'} (${dep.currentDigest ?? 'none'}), got ${newDigest ?? 'none'}`);
  }
  next.forEach((part, i) => edits.push({ ...location.checksums[i]!, replacement: matchCase(part.hex, location.checksums[i]!.written) }));
  let result = text;
  for (const edit of edits.sort((a, b) => b.range.start - a.range.start)) {
    if (text.slice(edit.range.start, edit.range.end) !== edit.written) throw new UpdateError(`${where}: the file changed since ${dep.depName} was extracted from it`);
    result = result.slice(0, edit.range.start) + edit.replacement + result.slice(edit.range.end);
  }
  const after = extractTools(result, dep.file).deps[location.index];
  if (!after || after.depName !== dep.depName || after.currentValue !== newValue || after.currentDigest?.toLowerCase() !== newDigest?.toLowerCase() || after.skipReason) {
    throw new UpdateError(`${where}: rewriting ${dep.depName} did not give ${newValue} (re-extracted: ${after?.currentValue ?? 'nothing'})`);
  }
  return result;
}

/** Upper-case hex stays upper-case. */
function matchCase(hex: string, written: string): string {
  return written === written.toUpperCase() && /[A-F]/.test(written) ? hex.toUpperCase() : hex.toLowerCase();
}
