// Whether a runtime file's version agrees with a language base image's tag (`node:22`, `python:3.12-slim`, `golang:1.22`).
import { docker, loose, pep440, semver } from '../versioning/index.js';
import type { Constraint, Language } from './runtime-files.js';

/** A base image that is a language's own, and the versions its tag stands for. */
export interface BaseRuntime {
  language: Language;
  /** The tag's numbers: `22` → [22] (any 22.x.y), `3.12.4-slim` → [3, 12, 4]. */
  release: number[];
}

const LANGUAGE_IMAGES: Readonly<Record<string, Language>> = { node: 'node', python: 'python', golang: 'go' };

/**
 * `docker.io/library/node` and the same path on any registry: the official mirrors
 * (`mirror.gcr.io/library/node`, `public.ecr.aws/docker/library/node`) and pull-through caches keep it.
 */
export function languageOfImage(depName: string): Language | null {
  const m = /(?:^|\/)library\/([a-z]+)$/.exec(depName);
  return m ? (LANGUAGE_IMAGES[m[1]!] ?? null) : null;
}

/** null for a tag that names no release (`lts-alpine`, `latest`), a prerelease (`3.14.0rc1`) or no tag. */
export function baseRuntime(depName: string, tag: string | null): BaseRuntime | null {
  const language = languageOfImage(depName);
  const parsed = language && tag ? docker.parseTag(tag) : null;
  if (!language || !parsed || parsed.prefix !== '' || parsed.prerelease !== undefined || parsed.release.length > 3) return null;
  return { language, release: parsed.release };
}

/** Well past any real minor or patch: the top of a tag's family (`22` → 22.99999.99999). */
const FAR = 99_999;
/** How many numbers of a range are tried as family members; real ranges have a handful. */
const MAX_MENTIONED = 32;

/**
 * Whether some version the image's tag may run meets the constraint. A tag stands for a family
 * (`node:22` is whatever 22.x.y is newest), so a range agrees when it admits any member: its lowest,
 * its highest, or one at or just past a number the range names. Go's lines are minimums: the family's
 * newest must reach them. Undecidable input counts as agreeing: no claim is better than a wrong one.
 */
export function agrees(constraint: Constraint, release: readonly number[]): boolean {
  try {
    if (constraint.kind === 'minimum') return loose.compare(pad(release, FAR).join('.'), constraint.version) >= 0;
    const satisfies = constraint.versioning === 'semver' ? semver.satisfies : pep440.satisfies;
    const candidates = familyCandidates(release, constraint.anyOf);
    return constraint.anyOf.some((range) => candidates.some((version) => satisfies(version, range)));
  } catch {
    return true;
  }
}

function familyCandidates(release: readonly number[], ranges: readonly string[]): string[] {
  const mentioned = ranges
    .flatMap((range) => [...range.matchAll(/\d+(?:\.\d+){0,2}/g)].map((m) => pad(m[0].split('.').map(Number), 0)))
    .slice(0, MAX_MENTIONED);
  const near = mentioned.flatMap(([major = 0, minor = 0, patch = 0]) => [
    [major, minor, patch],
    [major, minor, patch + 1],
    [major, minor + 1, 0],
  ]);
  const inFamily = [pad(release, 0), pad(release, FAR), ...near].filter((v) => release.every((n, i) => v[i] === n));
  return [...new Set(inFamily.map((v) => v.join('.')))];
}

function pad(numbers: readonly number[], fill: number): number[] {
  return [0, 1, 2].map((i) => numbers[i] ?? fill);
}
