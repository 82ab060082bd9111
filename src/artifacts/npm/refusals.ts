// Dependency specs npm must not be run on: git (npm would spawn git, past the address guard) and paths leaving the project.
import { posix } from 'node:path';
import { DEPENDENCY_TYPES } from '../../managers/npm/index.js';
import { LineIndex } from '../../managers/line-index.js';
import { getMember, parseJsonWithRanges, type JsonNode } from '../../managers/npm/json-ranges.js';
import type { LocatedError } from '../../types.js';
import { dirOf } from '../../managers/paths.js';

const GIT_SCHEME = /^(git(\+[a-z]+)?|ssh):/i;
const HOSTED_GIT = /^(github|gitlab|bitbucket|gist|sourcehut):/i;
/** npm-package-arg's GitHub shorthand: `user/repo`, `user/repo#ref`. */
const SHORTHAND = /^[^@%/\s.:-][^:@%/\s]*\/[^:@\s/%]+(#.*)?$/;
/** scp-like `git@host:path`. */
const SCP_LIKE = /^[^@\s/:]+@[^:\s/]+:/;
/** npm treats repository URLs on the hosted git services as git, not as tarballs. */
const HOSTED_HTTP = /^https?:\/\/(www\.)?(github\.com|gitlab\.com|bitbucket\.org|gist\.github\.com)\//i;
const PATH_SPEC = /^(file:|link:|\.\.?([\\/]|$)|[\\/]|~[\\/]|[a-z]:[\\/])/i;
const SPEC_MAPS = new Set<string>([...DEPENDENCY_TYPES, 'requires']);

export const GIT_REASON = 'a git dependency: npm would fetch it by running git, which Freshen never does for a repository';
const outside = (spec: string) => `"${spec}" points outside the project, which npm would read from the worker's disk`;

export function isGitSpec(spec: string): boolean {
  const alias = /^npm:(?:@[^/@]+\/)?[^@]+@(.*)$/s.exec(spec);
  if (alias) return isGitSpec(alias[1]!);
  // npm reads a path before a shorthand: `~/x` is a directory, not a repository.
  if (PATH_SPEC.test(spec)) return false;
  return GIT_SCHEME.test(spec) || HOSTED_GIT.test(spec) || SHORTHAND.test(spec) || SCP_LIKE.test(spec) || HOSTED_HTTP.test(spec);
}

/** Whether `path`, taken from `fromDir` (relative to the project root), leaves the project. */
export function leavesProject(path: string, fromDir: string): boolean {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return [path, decoded].some((p) => {
    const slashed = p.replace(/\\/g, '/');
    if (/^(\/|~|[a-z]:\/)/i.test(slashed)) return true;
    const target = posix.normalize(posix.join(fromDir || '.', slashed));
    return target === '..' || target.startsWith('../');
  });
}

/** Why npm must not be run on this spec (declared in `fromDir`), or undefined. */
export function specRefusal(spec: string, fromDir: string): string | undefined {
  const alias = /^npm:(?:@[^/@]+\/)?[^@]+@(.*)$/s.exec(spec);
  if (alias) return specRefusal(alias[1]!, fromDir);
  if (isGitSpec(spec)) return GIT_REASON;
  if (!PATH_SPEC.test(spec)) return undefined;
  const path = spec.replace(/^(file|link):(\/\/(?=\/))?/i, '');
  return leavesProject(path, fromDir) ? outside(spec) : undefined;
}

interface Found {
  line: number;
  depName: string;
  reason: string;
}

function parsed(text: string): JsonNode | undefined {
  try {
    return parseJsonWithRanges(text);
  } catch {
    return undefined;
  }
}

/** Every dependency spec, override and workspace pattern of one package.json. */
function packageRefusals(text: string, fromDir: string): Found[] {
  const root = parsed(text);
  if (root?.kind !== 'object') return [];
  const found: Found[] = [];
  const lines = new LineIndex(text);
  const check = (node: JsonNode, name: string, reason: string | undefined) => {
    if (reason) found.push({ line: lines.lineOf(node.start), depName: name, reason });
  };
  const walkSpecs = (node: JsonNode | undefined) => {
    if (node?.kind !== 'object') return;
    for (const entry of node.entries) {
      if (entry.value.kind === 'string') check(entry.value, entry.key, specRefusal(entry.value.value, fromDir));
      else walkSpecs(entry.value);
    }
  };
  for (const depType of DEPENDENCY_TYPES) walkSpecs(getMember(root, depType));
  walkSpecs(getMember(root, 'overrides'));
  const workspaces = getMember(root, 'workspaces');
  const patterns = workspaces?.kind === 'array' ? workspaces : getMember(workspaces, 'packages');
  if (patterns?.kind === 'array') {
    for (const item of patterns.items) {
      if (item.kind === 'string' && leavesProject(item.value, fromDir)) check(item, 'workspaces', `the workspace pattern "${item.value}" points outside the project`);
    }
  }
  return found;
}

/** Git sources, links and file tarballs in a lockfile, and spec maps in its entries (transitive git dependencies). */
function lockRefusals(text: string): Found[] {
  const root = parsed(text);
  if (root?.kind !== 'object') return [];
  const found: Found[] = [];
  const lines = new LineIndex(text);
  const walk = (node: JsonNode, owner: string) => {
    if (node.kind === 'array') return node.items.forEach((item) => walk(item, owner));
    if (node.kind !== 'object') return;
    const linked = node.entries.some((e) => e.key === 'link' && e.value.kind === 'literal' && e.value.value === true);
    for (const { key, keyStart, value } of node.entries) {
      // Found only when something is refused: a line per entry would cost a search per entry of a large lockfile.
      const line = () => lines.lineOf(value.kind === 'string' ? value.start : keyStart);
      if (owner === 'packages' && key !== '' && leavesProject(key, '')) found.push({ line: line(), depName: key, reason: 'a package outside the project' });
      if (value.kind === 'string' && (key === 'resolved' || key === 'version')) {
        const spec = value.value;
        // A link's `resolved` is a plain path (`packages/app` for a workspace), not a spec.
        const isPath = key === 'resolved' && (linked || /^file:/i.test(spec));
        if (isPath && leavesProject(spec.replace(/^file:(\/\/(?=\/))?/i, ''), '')) found.push({ line: line(), depName: owner, reason: outside(spec) });
        else if (!isPath && isGitSpec(spec)) found.push({ line: line(), depName: owner, reason: GIT_REASON });
      } else if (SPEC_MAPS.has(key) && value.kind === 'object') {
        // Strings are specs (`packages` entries); objects are the lockfile v1 tree (`dependencies` of entries).
        for (const dep of value.entries) {
          if (dep.value.kind !== 'string') walk(dep.value, dep.key);
          else if (isGitSpec(dep.value.value)) found.push({ line: lines.lineOf(dep.value.start), depName: dep.key, reason: GIT_REASON });
        }
      } else {
        walk(value, key);
      }
    }
  };
  walk(root, '');
  return found;
}

export interface NpmProjectFiles {
  root: string;
  lockFile: string;
  /** package.json path → text (already rewritten where updates changed them). */
  packageFiles: ReadonlyMap<string, string>;
  lockText: string;
}

/**
 * The first reason not to run npm on this project, located in its file; undefined when none.
 * Checked before npm starts, so the lockfile is left alone rather than half-fetched.
 */
export function npmRefusal(project: NpmProjectFiles): LocatedError | undefined {
  const leaveAlone = `; ${project.lockFile} left as it is`;
  for (const [file, text] of project.packageFiles) {
    const fromDir = dirOf(file).slice(project.root.length).replace(/^\//, '');
    const [first] = packageRefusals(text, fromDir);
    if (first) return { file, line: first.line, depName: first.depName, message: first.reason + leaveAlone };
  }
  const [first] = lockRefusals(project.lockText);
  if (first) return { file: project.lockFile, line: first.line, ...(first.depName ? { depName: first.depName } : {}), message: first.reason + leaveAlone };
  return undefined;
}
