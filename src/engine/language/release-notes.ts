// Release notes for npm/PyPI updates: GitHub releases between the versions, else the CHANGELOG section, plus a compare link.
import semverLib from 'semver';
import { getVersioning } from '../../versioning/index.js';
import * as pep440 from '../../versioning/pep440/index.js';
import { errorMessage } from '../extract.js';
import type { Planner } from '../types.js';
import type { PackageUpdateFacts } from './shared.js';

/** GitHub lookups the release-notes planner needs; the app passes an authenticated, cached one. */
export interface ReleaseNotesSource {
  /** Published releases of a repository (any order). */
  listReleases(owner: string, repo: string): Promise<{ tag: string; name?: string | null; body?: string | null; url: string }[]>;
  /** A file on the default branch, or null when absent. */
  readFile(owner: string, repo: string, path: string): Promise<string | null>;
}

export interface ReleaseNotes {
  markdown: string;
  sourceUrl?: string;
  compareUrl?: string;
}

declare module '../types.js' {
  interface UpdateFacts {
    releaseNotes: ReleaseNotes;
  }
}

const CHANGELOG_FILES = ['CHANGELOG.md', 'CHANGES.md', 'CHANGES.rst', 'HISTORY.md', 'HISTORY.rst', 'changelog.md', 'NEWS.md'];
export const MAX_NOTES_CHARS = 6000;
/** Sections are gathered up to about this much text; the PR shows MAX_NOTES_CHARS of it. */
const MAX_SECTIONS_CHARS = 64 * 1024;

/** Only names GitHub allows: a registry's metadata cannot steer the API paths (`..`, `%2f`) elsewhere. */
function githubRepo(url: string | undefined): { owner: string; repo: string } | null {
  const match = url ? /^https?:\/\/github\.com\/([A-Za-z0-9-]+)\/([\w.-]+?)(?:\.git)?(?:[/#?]|$)/.exec(url) : null;
  if (!match || /^\.+$/.test(match[2]!)) return null;
  return { owner: match[1]!, repo: match[2]! };
}

/** The version a tag names: `v1.2.3`, `1.2.3`, `pkg@1.2.3`, `pkg-v1.2.3`. */
function tagVersion(tag: string): string {
  return tag.replace(/^.*@/, '').replace(/^[A-Za-z][\w.-]*?-(?=v?\d)/, '').replace(/^v/, '');
}

function comparer(facts: PackageUpdateFacts): (a: string, b: string) => number | null {
  const fallback = facts.datasource === 'npm' ? 'semver' : facts.datasource === 'pypi' ? 'pep440' : 'loose';
  const versioning = getVersioning(facts.versioning ?? fallback);
  // Tags drop the `v` (tagVersion); schemes that require it (Go modules) get it back.
  const valid = (v: string) => (versioning.isValid(v) ? v : versioning.isValid(`v${v}`) ? `v${v}` : null);
  return (a, b) => {
    const [x, y] = [valid(a), valid(b)];
    return x !== null && y !== null ? versioning.compare(x, y) : null;
  };
}

/** Is `version` after `from` and at most `to`? */
function between(facts: PackageUpdateFacts, version: string): boolean {
  const cmp = comparer(facts);
  const low = cmp(version, facts.fromVersion);
  const high = cmp(version, facts.toVersion);
  return low !== null && high !== null && low > 0 && high <= 0;
}

/** A release's name as a link's text: its brackets cannot end the link early. */
function linkText(name: string): string {
  return name.replace(/[[\]\\]/g, '\\$&').replace(/[\r\n]+/g, ' ');
}

export function trimNotes(text: string, sourceUrl: string | undefined, max = MAX_NOTES_CHARS): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const atLine = cut.lastIndexOf('\n') > max / 2 ? cut.slice(0, cut.lastIndexOf('\n')) : cut;
  return `${atLine}\n\n… trimmed${sourceUrl ? `; the full notes are at ${sourceUrl}` : ''}.`;
}

// No trailing `\b`: with it, a long run of digits and dots backtracks quadratically; trailing dots are cut instead.
const HEADING_VERSION = /\bv?(\d+\.\d+(?:\.\d+)?(?:[-.+]?[A-Za-z0-9.]+)?)/;

/** The version a heading names, or null. */
function headingVersion(line: string): string | null {
  const found = HEADING_VERSION.exec(line)?.[1];
  if (found === undefined) return null;
  let end = found.length;
  while (found[end - 1] === '.') end--;
  return found.slice(0, end);
}

/** Sections of a changelog whose heading names a version in the range, newest first as written. */
export function changelogSections(text: string, facts: PackageUpdateFacts): string[] {
  const lines = text.split(/\r?\n/);
  const headings: { index: number; version: string | null }[] = [];
  lines.forEach((line, i) => {
    const next = lines[i + 1] ?? '';
    const isMd = /^#{1,4}\s/.test(line);
    const isRst = line.trim() !== '' && /^([=\-~^"*+#])\1{2,}\s*$/.test(next);
    if (!isMd && !isRst) return;
    headings.push({ index: i, version: headingVersion(line) });
  });
  // Where each section ends: the next heading that names a version (found in one pass from the end).
  const ends: number[] = new Array<number>(headings.length);
  for (let n = headings.length - 1, end = lines.length; n >= 0; n--) {
    ends[n] = end;
    if (headings[n]!.version !== null) end = headings[n]!.index;
  }
  const out: string[] = [];
  let kept = 0;
  headings.forEach((h, n) => {
    if (!h.version || kept > MAX_SECTIONS_CHARS || !between(facts, h.version)) return;
    const section = lines.slice(h.index, ends[n]).join('\n').trim();
    kept += section.length;
    out.push(section);
  });
  return out;
}

export async function findReleaseNotes(facts: PackageUpdateFacts, source: ReleaseNotesSource): Promise<ReleaseNotes> {
  const repo = githubRepo(facts.sourceUrl);
  if (!repo) {
    const where = facts.sourceUrl ? `its source (${facts.sourceUrl}) is not on GitHub` : 'the package lists no source repository';
    return { markdown: `No release notes found: ${where}.`, ...(facts.sourceUrl ? { sourceUrl: facts.sourceUrl } : {}) };
  }
  const base = `https://github.com/${repo.owner}/${repo.repo}`;
  const releases = await source.listReleases(repo.owner, repo.repo);
  const tagOf = (version: string) => releases.find((r) => tagVersion(r.tag) === version)?.tag;
  const [fromTag, toTag] = [tagOf(facts.fromVersion), tagOf(facts.toVersion)];
  const compareUrl = fromTag && toTag ? `${base}/compare/${encodeURIComponent(fromTag)}...${encodeURIComponent(toTag)}` : undefined;
  const cmp = comparer(facts);
  const inRange = releases
    .filter((r) => between(facts, tagVersion(r.tag)))
    .sort((a, b) => cmp(tagVersion(b.tag), tagVersion(a.tag)) ?? 0);
  if (inRange.length > 0) {
    const markdown = inRange.map((r) => `#### [${linkText(r.name || r.tag)}](${r.url})\n\n${(r.body ?? '').trim() || '_No description._'}`).join('\n\n');
    return { markdown, sourceUrl: `${base}/releases`, ...(compareUrl ? { compareUrl } : {}) };
  }
  for (const path of CHANGELOG_FILES) {
    const text = await source.readFile(repo.owner, repo.repo, path);
    if (text === null) continue;
    const sections = changelogSections(text, facts);
    if (sections.length === 0) continue;
    return { markdown: sections.join('\n\n'), sourceUrl: `${base}/blob/HEAD/${path}`, ...(compareUrl ? { compareUrl } : {}) };
  }
  return { markdown: `No release notes found for ${facts.fromVersion} → ${facts.toVersion} in ${base} (no GitHub releases or changelog section for these versions).`, sourceUrl: base, ...(compareUrl ? { compareUrl } : {}) };
}

/** Attaches `extra.releaseNotes` to every npm/PyPI update; lookups are shared within the scan. */
export function releaseNotesPlanner(source: ReleaseNotesSource): Planner {
  return {
    name: 'release-notes',
    async plan(state, ctx) {
      const found = new Map<string, Promise<ReleaseNotes>>();
      await Promise.all(
        state.updates.map(async (update) => {
          const facts = update.extra?.package;
          if (!facts) return;
          const key = `${facts.datasource}\0${facts.name}\0${facts.fromVersion}\0${facts.toVersion}`;
          let notes = found.get(key);
          if (!notes) found.set(key, (notes = findReleaseNotes(facts, source)));
          try {
            const result = await notes;
            update.extra = { ...update.extra, releaseNotes: { ...result, markdown: trimNotes(result.markdown, result.sourceUrl) } };
          } catch (err) {
            ctx.log.warn({ depName: update.depName, err: errorMessage(err) }, 'release notes lookup failed');
          }
        }),
      );
    },
  };
}
