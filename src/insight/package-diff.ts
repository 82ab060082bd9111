// Compares the installed packages of two images: added, removed, upgraded and downgraded.
import { apk, dpkg } from '../versioning/index.js';
import type { InstalledPackage, InstalledPackages, PackageFormat } from './installed-packages.js';

export interface PackageChange {
  name: string;
  from: string;
  to: string;
  source: string;
  fromSourceVersion: string;
  toSourceVersion: string;
}

export interface PackageDiff {
  format: PackageFormat;
  /** The distribution of the new image (os-release), for ecosystem names and links. */
  distro: string | null;
  release: string | null;
  added: InstalledPackage[];
  removed: InstalledPackage[];
  upgraded: PackageChange[];
  downgraded: PackageChange[];
  /** Packages present in both at the same version. */
  unchanged: number;
  /** Every source package touched by a change, with all its versions in each image (for OSV). */
  changedSources: SourceVersions[];
}

export interface SourceVersions {
  source: string;
  before: string[];
  after: string[];
}

/** Orders two versions of the format; versions it cannot parse compare as text. */
export function compareVersions(format: PackageFormat, a: string, b: string): number {
  const scheme = format === 'dpkg' ? dpkg : apk;
  if (scheme.isValid(a) && scheme.isValid(b)) return scheme.compare(a, b);
  return a.localeCompare(b);
}

export function diffPackages(
  before: InstalledPackages,
  after: InstalledPackages,
  os: { distro: string | null; release: string | null },
): PackageDiff {
  const old = new Map(before.packages.map((p) => [p.name, p]));
  const diff: PackageDiff = { format: after.format, ...os, added: [], removed: [], upgraded: [], downgraded: [], unchanged: 0, changedSources: [] };
  for (const pkg of after.packages) {
    const was = old.get(pkg.name);
    old.delete(pkg.name);
    if (!was) {
      diff.added.push(pkg);
      continue;
    }
    if (was.version === pkg.version) {
      diff.unchanged++;
      continue;
    }
    const change: PackageChange = {
      name: pkg.name,
      from: was.version,
      to: pkg.version,
      source: pkg.source,
      fromSourceVersion: was.sourceVersion,
      toSourceVersion: pkg.sourceVersion,
    };
    if (compareVersions(after.format, was.version, pkg.version) <= 0) diff.upgraded.push(change);
    else diff.downgraded.push(change);
  }
  diff.removed = [...old.values()];
  diff.changedSources = sourcesTouched(diff, before.packages, after.packages);
  return diff;
}

export function isEmptyDiff(diff: PackageDiff): boolean {
  return diff.added.length + diff.removed.length + diff.upgraded.length + diff.downgraded.length === 0;
}

function sourcesTouched(diff: PackageDiff, before: InstalledPackage[], after: InstalledPackage[]): SourceVersions[] {
  const touched = new Set([
    ...diff.added.map((p) => p.source),
    ...diff.removed.map((p) => p.source),
    ...diff.upgraded.map((c) => c.source),
    ...diff.downgraded.map((c) => c.source),
  ]);
  const versions = (list: InstalledPackage[], source: string) =>
    [...new Set(list.filter((p) => p.source === source).map((p) => p.sourceVersion))].sort();
  return [...touched].sort().map((source) => ({ source, before: versions(before, source), after: versions(after, source) }));
}
