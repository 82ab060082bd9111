// Rewrites only the bytes of one package pin's version: in the RUN line, or in the ARG/ENV default it comes from.
import { type Dependency, type DependencyChange, UpdateError } from '../../types.js';
import { extractOsPackages, type OsPackageLocation } from './extract.js';

/** Characters a Debian or Alpine version may hold; anything else could break the shell or JSON around it. */
const SAFE_VERSION = /^[A-Za-z0-9.+~:_-]+$/;

export function updateOsPackage(text: string, dep: Dependency, change: DependencyChange): string {
  const where = `${dep.file}:${dep.line}`;
  if (dep.skipReason) throw new UpdateError(`${where}: ${dep.depName} cannot be updated (${dep.skipReason})`);
  if (change.newDigest !== null) throw new UpdateError(`${where}: ${dep.depName} is a package pin; it has no digest`);
  const newValue = change.newValue;
  if (newValue === null || !SAFE_VERSION.test(newValue)) throw new UpdateError(`${where}: "${newValue}" is not a package version Freshen writes`);
  const location = readLocation(dep, where);
  const { start, end } = location.range;
  if (text.slice(start, end) !== location.written) throw new UpdateError(`${where}: the file changed since ${dep.depName} was extracted from it`);
  const result = text.slice(0, start) + newValue + text.slice(end);
  const after = extractOsPackages(result, dep.file).deps[location.index];
  if (!after || after.depName !== dep.depName || after.currentValue !== newValue || after.skipReason) {
    throw new UpdateError(`${where}: rewriting ${dep.depName} did not give version ${newValue} (re-extracted: ${after?.currentValue ?? 'nothing'})`);
  }
  return result;
}

function readLocation(dep: Dependency, where: string): OsPackageLocation {
  const location = dep.location as Partial<OsPackageLocation> | undefined;
  const valid =
    location !== undefined &&
    typeof location.index === 'number' &&
    typeof location.written === 'string' &&
    typeof location.range?.start === 'number' &&
    typeof location.range.end === 'number';
  if (!valid) throw new UpdateError(`${where}: ${dep.depName} has no package pin location (not from this manager's extract)`);
  return location as OsPackageLocation;
}
