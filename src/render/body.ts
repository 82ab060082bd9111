// Assembles a PR body in a fixed order and trims it, section by section, to GitHub's size limit.
import type { PlannedUpdate } from '../engine/types.js';
import { imageSection, releaseNotesSection, type BodySection } from './sections.js';

/** GitHub refuses PR bodies longer than this many characters. */
export const GITHUB_BODY_LIMIT = 65_536;

export interface BodyParts {
  /** Intro and summary table; always kept (rows are dropped only as a last resort). */
  intro: string[];
  tableRows: string[];
  /** Per-dependency sections, in order. */
  sections: BodySection[];
  /** Sentences planners attached (broken pins...). */
  notes: string[];
  /** Config hints and the hidden marker; always kept. */
  tail: string[];
}

/** Image sections first, then language packages' release notes, each in the order of `updates`. */
export function sectionsFor(updates: readonly PlannedUpdate[]): BodySection[] {
  const seen = new Set<string>();
  const unique = updates.filter((u) => {
    const key = `${u.file}\u0000${u.depName}\u0000${u.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const language = unique.filter((u) => u.extra?.releaseNotes !== undefined);
  const images = unique.filter((u) => u.extra?.releaseNotes === undefined);
  return [
    ...images.map(imageSection),
    ...language.map(releaseNotesSection),
  ].filter((s): s is BodySection => s !== null);
}

const TRIM_NOTE = "> [!NOTE]\n> Some sections were shortened to stay within GitHub's 65,536-character limit for a PR body.";

/** The body, never longer than `limit`: the largest section is shortened first (full → summary → note → left out). */
export function assembleBody(parts: BodyParts, limit = GITHUB_BODY_LIMIT): string {
  const levels = parts.sections.map(() => 0);
  // Level 3 leaves the section out altogether.
  const textOf = (s: BodySection, level: number) => [s.full, s.summary, s.note, ''][level]!;
  let rows = parts.tableRows;
  const build = (trimmed: boolean) =>
    [
      ...parts.intro,
      ...rows,
      ...parts.sections.flatMap((s, i) => (levels[i] === 3 ? [] : ['', textOf(s, levels[i]!)])),
      ...(parts.notes.length > 0 ? ['', '### Notes', '', ...parts.notes.map((n) => `- ${n}`)] : []),
      ...(trimmed ? ['', TRIM_NOTE] : []),
      '',
      ...parts.tail,
    ].join('\n');
  let body = build(false);
  while (body.length > limit) {
    const candidates = levels.map((level, i) => ({ i, level, size: textOf(parts.sections[i]!, level).length })).filter((c) => c.level < 3);
    if (candidates.length === 0) break;
    const largest = candidates.reduce((a, b) => (b.size > a.size ? b : a));
    levels[largest.i]! += 1;
    body = build(true);
  }
  // Last resort, e.g. thousands of updates in one PR: whole table rows go, with a count.
  let keep = parts.tableRows.length;
  while (body.length > limit && keep > 1) {
    keep = Math.max(1, Math.floor(keep * 0.8));
    rows = [...parts.tableRows.slice(0, keep), '', `…and ${parts.tableRows.length - keep} more updates (see the commit).`];
    body = build(true);
  }
  return body;
}
