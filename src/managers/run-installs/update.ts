// Rewrites only the bytes of one pinned install's version: in the RUN line, or in the ARG/ENV default it comes from.
import { type Dependency, type DependencyChange, UpdateError } from '../../types.js';
import { SAFE_TOOL_VERSION } from '../dockerfile-tools/index.js';
import { extractRunInstalls, type InstallLocation } from './extract.js';

export function updateRunInstall(text: string, dep: Dependency, change: DependencyChange): string {
  const where = `${dep.file}:${dep.line}`;
  // A dist-tag (`pkg@latest`) is read as not pinned, but its bytes are a version's place all the same.
  if (!dep.location || (dep.skipReason && !dep.skipReason.startsWith('not-pinned:'))) {
    throw new UpdateError(`${where}: ${dep.depName} cannot be updated (${dep.skipReason ?? 'no location'})`);
  }
  if (change.newDigest !== null) throw new UpdateError(`${where}: ${dep.depName} is an install pin; it has no digest`);
  const newValue = change.newValue;
  if (newValue === null || !SAFE_TOOL_VERSION.test(newValue)) throw new UpdateError(`${where}: "${newValue}" is not a version Freshen writes`);
  const location = dep.location as InstallLocation;
  const { start, end } = location.range;
  if (text.slice(start, end) !== location.written) throw new UpdateError(`${where}: the file changed since ${dep.depName} was extracted from it`);
  const result = text.slice(0, start) + newValue + text.slice(end);
  const after = extractRunInstalls(result, dep.file).deps[location.index];
  if (!after || after.depName !== dep.depName || after.currentValue !== newValue) {
    throw new UpdateError(`${where}: rewriting ${dep.depName} did not give version ${newValue} (re-extracted: ${after?.currentValue ?? 'nothing'})`);
  }
  return result;
}
