// Reading a Docker image tag as version + prerelease + suffix, and ordering such tags.
import semverLib from 'semver';

export interface DockerTag {
  /** `v` when the tag is written `v1.2.3`, else ''. */
  prefix: string;
  /** The dot-separated numbers, 1 to 4 of them: `3.12.1` → [3, 12, 1]. */
  release: number[];
  /** As written without its separator: `rc1` for `3.14.0rc1` or `3.14.0-rc1`, `beta.2`. */
  prerelease?: string;
  /** Everything after the version, with its leading dash: `-alpine3.20`, `-slim-bookworm`, or ''. */
  suffix: string;
}

const VERSION_START = /^(v?)(\d+(?:\.\d+){0,3})(.*)$/;
// A prerelease directly after the numbers, alone or before a suffix: `rc1`, `-beta`, `a2`, `.dev3`.
const PRERELEASE = /^[-.]?((?:alpha|beta|rc|preview|pre|dev)(?:[.-]?\d+)?|[abc]\d+)(?=$|-)/i;

// Channel order within one release: dev < alpha < beta < preview/pre < rc.
const CHANNEL_RANK: Record<string, number> = { dev: 0, alpha: 1, a: 1, beta: 2, b: 2, preview: 3, pre: 3, rc: 4, c: 4 };

/** Splits a tag into its version parts, or null when the tag is not a version (`latest`, `bookworm`). */
export function parseTag(tag: string): DockerTag | null {
  const start = VERSION_START.exec(tag);
  if (!start) return null;
  const [, prefix = '', numbers = '', rest = ''] = start;
  const release = numbers.split('.').map(Number);
  const pre = PRERELEASE.exec(rest);
  const suffix = pre ? rest.slice(pre[0].length) : rest;
  if (suffix !== '' && !/^-[0-9A-Za-z]/.test(suffix)) return null;
  if (release.some((n) => !Number.isSafeInteger(n))) return null;
  const parsed: DockerTag = { prefix, release, suffix };
  if (pre?.[1]) parsed.prerelease = pre[1];
  return parsed;
}

function channel(prerelease: string): { rank: number; number: number } {
  const match = /^([a-z]+)[.-]?(\d*)$/i.exec(prerelease);
  const name = match?.[1]?.toLowerCase() ?? '';
  return { rank: CHANNEL_RANK[name] ?? 0, number: Number(match?.[2] || 0) };
}

function compareReleases(a: number[], b: number[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return Math.sign(a.length - b.length);
}

/** A prerelease sorts before its release; between prereleases: channel, then number. */
function comparePrereleases(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const x = channel(a);
  const y = channel(b);
  if (x.rank !== y.rank) return Math.sign(x.rank - y.rank);
  if (x.number !== y.number) return Math.sign(x.number - y.number);
  return semverLib.compareIdentifiers(a, b);
}

/** Orders parsed tags by release, then prerelease; suffix and prefix only break ties. */
export function compareParsed(a: DockerTag, b: DockerTag): number {
  return (
    compareReleases(a.release, b.release) ||
    comparePrereleases(a.prerelease, b.prerelease) ||
    Math.sign(a.suffix.localeCompare(b.suffix, 'en')) ||
    Math.sign(a.prefix.localeCompare(b.prefix, 'en'))
  );
}
