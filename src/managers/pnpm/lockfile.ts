// pnpm-lock.yaml as a JsLockfile: the version installed for a package.json dependency (lockfile v5.4, v6 and v9, workspace importers) or a catalog entry.
import semver from 'semver';
import type { Node } from 'yaml';
import { isMap, isScalar } from 'yaml';
import { ParseError } from '../../types.js';
import type { JsLockfile } from '../npm/js-lockfile.js';
import { mapGet } from '../yaml-values.js';
import { dig, readPnpmLock, scalarText, type PnpmLock } from './lock-yaml.js';

export const PNPM_LOCK = 'pnpm-lock.yaml';
const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

const dirOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/** The importer id of a package.json in a lockfile: its directory relative to the lockfile's, `.` for the same one. */
export function importerId(lockFile: string, packageFile: string): string | undefined {
  const root = dirOf(lockFile);
  const dir = dirOf(packageFile);
  if (dir === root) return '.';
  if (root === '') return dir;
  return dir.startsWith(`${root}/`) ? dir.slice(root.length + 1) : undefined;
}

/**
 * The version in a lockfile reference, without what pnpm appends: `1.2.3(react@18.0.0)` (v6, v9),
 * `1.2.3_react@18.0.0` (v5), `name@1.2.3` (a v9 alias), `/name@1.2.3` (v6 path), `/name/1.2.3` (v5 path).
 * undefined for links, tarballs and git sources.
 */
export function versionOfReference(reference: string): string | undefined {
  let spec = reference;
  const peers = spec.indexOf('(');
  if (peers >= 0) spec = spec.slice(0, peers);
  if (/^(link|file|workspace):/.test(spec)) return undefined;
  const path = /^\/((?:@[^/@]+\/)?[^/@]+)[@/](.+)$/.exec(spec);
  const peerless = (path?.[2] ?? spec).split('_')[0]!;
  const alias = /^((?:@[^/@]+\/)?[^/@]+)@([^/@]+)$/.exec(spec);
  const version = path || semver.valid(peerless) === peerless ? peerless : (alias?.[2] ?? spec);
  return semver.valid(version) === version ? version : undefined;
}

/** A lockfile entry: `{ specifier, version }` (v6, v9) or the version alone (v5). */
function entryOf(node: Node | null, lock: PnpmLock): { specifier?: string; version?: string } | undefined {
  if (isScalar(node)) return { version: scalarText(node) };
  if (!isMap(node)) return undefined;
  return { specifier: scalarText(mapGet(node, 'specifier', lock.doc)), version: scalarText(mapGet(node, 'version', lock.doc)) };
}

/** The importer entry of `key` in the package.json at `packageFile`, in whichever dependency section holds it. */
function importerEntry(lockText: string, lockFile: string, packageFile: string, key: string): { specifier?: string; version?: string } | undefined {
  const lock = readPnpmLock(lockText);
  if (lock.major !== undefined && lock.major < 5) throw new ParseError(`lockfileVersion ${lock.major} is older than pnpm 7 writes; not read`, 1);
  const id = importerId(lockFile, packageFile);
  if (id === undefined) return undefined;
  const importers = dig(lock.doc, 'importers');
  // A lockfile of one project has no importers: its sections are at the top.
  if (!importers && id !== '.') return undefined;
  for (const section of SECTIONS) {
    const entry = entryOf(dig(lock.doc, ...(importers ? ['importers', id] : []), section, key), lock);
    if (entry?.version) return entry;
  }
  return undefined;
}

/** The version locked for `key` of `packageFile`, whatever its specifier (to check a regenerated lockfile). */
export function importerVersion(lockText: string, lockFile: string, packageFile: string, key: string): string | undefined {
  const entry = importerEntry(lockText, lockFile, packageFile, key);
  return entry?.version === undefined ? undefined : versionOfReference(entry.version);
}

function lockedVersion(lockText: string, lockFile: string, packageFile: string, key: string, range: string): string | undefined {
  const entry = importerEntry(lockText, lockFile, packageFile, key);
  if (entry?.version === undefined) return undefined;
  // A specifier other than the range written: the lockfile is stale for this dependency.
  if (entry.specifier !== undefined && entry.specifier !== range && !entry.specifier.endsWith(`@${range}`)) return undefined;
  return versionOfReference(entry.version);
}

/**
 * The version a pnpm-workspace.yaml catalog entry is locked at (`catalogs.<catalog>.<name>`, lockfile
 * v9), when its specifier is `range` (any specifier when range is undefined).
 */
export function catalogLockedVersion(lockText: string, catalog: string, name: string, range?: string): string | undefined {
  const lock = readPnpmLock(lockText);
  const entry = entryOf(dig(lock.doc, 'catalogs', catalog, name), lock);
  if (!entry?.version || (range !== undefined && entry.specifier !== undefined && entry.specifier !== range)) return undefined;
  return versionOfReference(entry.version);
}

export const pnpmLockfile: JsLockfile = {
  tool: 'pnpm',
  lockfileNames: [PNPM_LOCK],
  lockedVersion,
};
