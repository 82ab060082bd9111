// Go module paths and their major versions: which versions a path may have, and the path a next major lives at.
import { parse } from './index.js';

/** Longer paths exist nowhere real; the cap keeps URLs and messages short. */
const MAX_PATH_LENGTH = 512;
const FIRST_ELEMENT = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const ELEMENT = /^[A-Za-z0-9._~+-]+$/;

/**
 * A path the go command accepts as a module path (golang.org/x/mod/module.CheckPath, without its
 * Windows file-name rules): a host-like first element with a dot, plain ASCII elements, no `.`/`..`
 * elements, no empty ones, and no `/v0` or `/v1` suffix.
 */
export function isModulePath(path: string): boolean {
  if (path.length === 0 || path.length > MAX_PATH_LENGTH) return false;
  const elements = path.split('/');
  const [first, ...rest] = elements;
  if (!FIRST_ELEMENT.test(first!) || first!.startsWith('-')) return false;
  for (const element of rest) {
    if (!ELEMENT.test(element) || element.startsWith('.') || element.endsWith('.')) return false;
  }
  // `/v0`, `/v1`, `/v2.0` look like major suffixes that are not: Go refuses them as the last element.
  const last = rest.at(-1);
  if (last !== undefined && /^v[0-9.]+$/.test(last)) return /^v([2-9]|[1-9][0-9]+)$/.test(last);
  return true;
}

export interface PathMajor {
  /** The path without its major suffix. */
  prefix: string;
  /** `/v2`, `.v3` (gopkg.in), or '' for v0/v1 paths. */
  suffix: string;
  /** The major the suffix names; undefined for ''. */
  major?: number;
}

/** `example.com/m/v3` → example.com/m + /v3; `gopkg.in/yaml.v2` → gopkg.in/yaml + .v2. */
export function splitPathMajor(path: string): PathMajor {
  if (path.startsWith('gopkg.in/')) {
    const dot = /^(.*)\.v(0|[1-9][0-9]*)(-unstable)?$/.exec(path);
    if (dot) return { prefix: dot[1]!, suffix: `.v${dot[2]}${dot[3] ?? ''}`, major: Number(dot[2]) };
    return { prefix: path, suffix: '' };
  }
  const slash = /^(.*)\/v([2-9]|[1-9][0-9]+)$/.exec(path);
  if (slash) return { prefix: slash[1]!, suffix: `/v${slash[2]}`, major: Number(slash[2]) };
  return { prefix: path, suffix: '' };
}

/** Whether `version` may be a version of the module at `path` (golang.org/x/mod/module.MatchPathMajor). */
export function versionFitsPath(version: string, path: string): boolean {
  const v = parse(version);
  if (!v) return false;
  const { suffix, major } = splitPathMajor(path);
  if (major === undefined) return v.major === '0' || v.major === '1' || v.build === 'incompatible';
  if (v.build === 'incompatible') return false;
  // gopkg.in/x.v1 also had v0 pseudo-versions, which Go still accepts.
  if (suffix.startsWith('.v1') && v.major === '0') return /-[0-9]{14}-/.test(version);
  return Number(v.major) === major;
}

/** The paths the next majors would have, nearest first: example.com/m → example.com/m/v2, /v3…; gopkg.in/yaml.v2 → gopkg.in/yaml.v3… */
export function nextMajorPaths(path: string, currentMajor: number, count: number): string[] {
  const { prefix, suffix } = splitPathMajor(path);
  const from = Math.max(currentMajor, splitPathMajor(path).major ?? 1) + 1;
  const gopkg = suffix.startsWith('.v') || (path.startsWith('gopkg.in/') && suffix === '');
  return Array.from({ length: count }, (_, i) => (gopkg ? `${prefix}.v${from + i}` : `${prefix}/v${from + i}`));
}
