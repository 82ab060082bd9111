// Dependency specs yarn must not be run on: exec: (runs a repository script), git (past the address guard), paths leaving the project.
import { DEPENDENCY_TYPES } from '../../managers/npm/index.js';
import { getMember, parseJsonWithRanges, type JsonNode } from '../../managers/npm/json-ranges.js';
import { LineIndex } from '../../managers/line-index.js';
import type { YarnLock } from '../../managers/yarn/index.js';
import type { LocatedError } from '../../types.js';
import { GIT_REASON, isGitSpec, leavesProject, specRefusal } from '../npm/refusals.js';

const EXEC_REASON = 'an exec: dependency: yarn would run a script of the repository to build it';
/** Berry's git forms beyond npm's: `name@git…#commit=`, `https://host/x.git`. */
const BERRY_GIT = /^(git[+@:]|https?:\/\/[^#]*\.git(#|$))|#(commit|head|tag|semver)=/i;

/** The part of a descriptor or locator after `name@` (`@scope/name@npm:^1` → `npm:^1`). */
export function rangeOf(descriptor: string): string {
  const at = descriptor.indexOf('@', descriptor.startsWith('@') ? 1 : 0);
  return at === -1 ? '' : descriptor.slice(at + 1);
}

/** Why yarn must not run on this spec (declared in `fromDir`, relative to the project root), or undefined. */
export function yarnSpecRefusal(spec: string, fromDir: string): string | undefined {
  const decoded = safeDecode(spec);
  if (/^exec:/i.test(spec) || /(^|[@#%:])exec:/i.test(decoded)) return EXEC_REASON;
  if (BERRY_GIT.test(spec)) return GIT_REASON;
  const portal = /^portal:(.*)$/is.exec(spec);
  if (portal) return leavesProject(portal[1]!, fromDir) ? `"${spec}" points outside the project, which yarn would read from the worker's disk` : undefined;
  const patch = /^patch:.*#(.*)$/is.exec(spec);
  if (patch) {
    const path = safeDecode(patch[1]!).replace(/^~\//, '').split('::')[0]!;
    if (/^(optional!)?builtin</.test(path)) return undefined;
    return leavesProject(path, fromDir) ? `"${spec}" names a patch outside the project` : undefined;
  }
  if (/^(npm|workspace|patch):/i.test(spec) && !/^npm:/i.test(spec)) return undefined;
  return specRefusal(spec, fromDir);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Every spec of a package.json's dependency maps and `resolutions`, with its line. */
function packageRefusal(file: string, text: string, fromDir: string): LocatedError | undefined {
  let root: JsonNode;
  try {
    root = parseJsonWithRanges(text);
  } catch {
    return undefined;
  }
  const lines = new LineIndex(text);
  // yarn globs workspace patterns from the copy's root: one leaving it reads the worker's disk.
  const workspaces = getMember(root, 'workspaces');
  const patterns = workspaces?.kind === 'array' ? workspaces : getMember(workspaces, 'packages');
  if (patterns?.kind === 'array') {
    for (const item of patterns.items) {
      if (item.kind === 'string' && leavesProject(item.value.replace(/^!/, ''), fromDir)) return { file, line: lines.lineOf(item.start), depName: 'workspaces', message: `the workspace pattern "${item.value.slice(0, 80)}" points outside the project` };
    }
  }
  for (const section of [...DEPENDENCY_TYPES, 'resolutions']) {
    const map = getMember(root, section);
    if (map?.kind !== 'object') continue;
    for (const entry of map.entries) {
      if (entry.value.kind !== 'string') continue;
      const reason = yarnSpecRefusal(entry.value.value, fromDir);
      if (reason) return { file, line: lines.lineOf(entry.value.start), depName: entry.key, message: reason };
    }
  }
  return undefined;
}

/** Descriptors and resolutions of the lockfile (transitive exec:, git and outside paths). */
function lockRefusal(lockFile: string, lock: YarnLock): LocatedError | undefined {
  for (const entry of lock.entries) {
    const specs = [...entry.descriptors, ...(entry.resolution ? [entry.resolution] : [])].map(rangeOf);
    let reason = specs.map((spec) => yarnSpecRefusal(spec, '')).find(Boolean);
    if (!reason && entry.resolved !== undefined) {
      const resolved = entry.resolved;
      // yarn 1 reads a `resolved` path from the disk (its "legacy local paths"): /x, ./x, ../x, C:x as well as file:.
      const path = /^file:/i.test(resolved) ? resolved.slice(5) : /^([a-z]:|\.{0,2}[\\/])/i.test(resolved) ? resolved : undefined;
      if (path !== undefined) reason = leavesProject(path.split('#')[0]!, '') ? 'a package outside the project' : undefined;
      else if (isGitSpec(resolved) && !/^https?:\/\/[^/]+\/.*\.tgz(#|$)/i.test(resolved)) reason = GIT_REASON;
    }
    if (reason) return { file: lockFile, line: entry.line, depName: entry.descriptors[0]!, message: reason };
  }
  return undefined;
}

/** The first reason not to run yarn on this project, located; checked before yarn starts. */
export function yarnRefusal(root: string, packageFiles: ReadonlyMap<string, string>, lockFile: string, lock: YarnLock): LocatedError | undefined {
  for (const [file, text] of packageFiles) {
    const dir = file.slice(0, Math.max(0, file.lastIndexOf('/')));
    const fromDir = dir.slice(root.length).replace(/^\//, '');
    const found = packageRefusal(file, text, fromDir);
    if (found) return found;
  }
  return lockRefusal(lockFile, lock);
}
