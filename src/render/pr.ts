// PR title and body for a group of updates, with a hidden marker recording what the PR proposes.
import type { HeldUpdate, PlannedUpdate } from '../engine/types.js';
import { CONFIG_PATH } from '../types.js';
import { withoutUserInfoIn } from '../http/url.js';
import { assembleBody, GITHUB_BODY_LIMIT, sectionsFor } from './body.js';
import { leavesUnmaintainedBase } from '../insight/unmaintained.js';
import { shortName } from './sections.js';
import { unmaintainedPrSentence } from './unmaintained.js';

export { shortName };

/** What one PR proposes, kept in its body so a later scan can compare without guessing. */
export interface PrMarker {
  version: 1;
  group: string;
  updates: ProposedUpdate[];
}

export interface ProposedUpdate {
  depName: string;
  file: string;
  from: string;
  to: string;
  newValue: string | null;
  newDigest: string | null;
  updateType: PlannedUpdate['updateType'];
}

const MARKER_START = '<!-- freshen:';

/** How a PR body's notes start for an update of its group that waits. */
export const HELD_BACK = 'held back: ';

/** The PR-body note of a held update: which update waits, and why. */
export function heldNote(held: HeldUpdate): string {
  const u = held.update;
  return `${HELD_BACK}\`${shortName(u.depName)}\` → \`${u.to}\` (\`${u.file}\`): ${held.reason}`;
}
const MARKER_END = ' -->';

export function toProposed(update: PlannedUpdate): ProposedUpdate {
  return {
    depName: update.depName,
    file: update.file,
    from: update.from,
    to: update.to,
    newValue: update.newValue,
    newDigest: update.newDigest,
    updateType: update.updateType,
  };
}

/** A stable key of what a PR proposes: equal keys mean the same proposal. */
export function proposalKey(updates: ProposedUpdate[]): string {
  return updates
    .map((u) => `${u.file}\u0000${u.depName}\u0000${u.from}\u0000${u.to}`)
    .sort()
    .join('\n');
}

export function renderTitle(updates: ProposedUpdate[]): string {
  const first = updates[0];
  const sameDep = first && updates.every((u) => u.depName === first.depName && u.newValue === first.newValue);
  if (first && sameDep && first.updateType === 'major' && first.newValue) {
    return `Update ${shortName(first.depName)} Docker tag to ${majorOf(first.newValue)}`;
  }
  if (first && sameDep && first.newValue && first.updateType !== 'pin' && first.updateType !== 'digest') {
    return `Update ${shortName(first.depName)} Docker tag to ${first.newValue}`;
  }
  if (updates.every((u) => u.updateType === 'pin')) return 'Pin container images';
  if (updates.some((u) => u.updateType === 'pin')) return 'Pin and update container images';
  return 'Update container images';
}

function majorOf(version: string): string {
  const match = /^v?(\d+)/.exec(version);
  return match?.[1] ?? version;
}

/**
 * The PR body: summary table; per image what changed (package diff, vulnerabilities fixed); per
 * language package its release notes; notes; configuration hints; the hidden marker. `details` are
 * the planned updates behind `updates` (their `extra` feeds the sections). Never over GitHub's limit.
 */
export function renderBody(
  group: string,
  updates: ProposedUpdate[],
  details: readonly PlannedUpdate[] = [],
  limit = GITHUB_BODY_LIMIT,
  /** heldNote()s of the group's updates that wait. */
  heldNotes: readonly string[] = [],
): string {
  const sorted = [...updates].sort((a, b) => a.file.localeCompare(b.file) || a.depName.localeCompare(b.depName));
  const rows = sorted.map(
    (u) => `| \`${shortName(u.depName)}\` | \`${u.file}\` | \`${u.from}\` → \`${u.to}\` | ${u.updateType}${isSecurity(details, u) ? ' 🔒' : ''} |`,
  );
  const marker: PrMarker = { version: 1, group, updates: sorted };
  const planned = sorted.flatMap((u) => details.filter((d) => sameUpdate(d, u)));
  const fixed = planned.reduce((n, d) => n + (Array.isArray(d.extra?.vulnerabilitiesFixed) ? d.extra.vulnerabilitiesFixed.length : 0), 0);
  // Leaving a base that no longer gets rebuilds is the reason for the PR: it comes first.
  const unmaintained = unmaintainedSentences(planned);
  // Notes, release notes and held reasons quote errors and third-party text: no URL's credentials in a PR.
  const body = assembleBody(
    {
      intro: [
        ...unmaintained.flatMap((sentence) => [sentence, '']),
        'Freshen proposes these updates. Pinned digests make builds reproducible; Freshen keeps them fresh.',
        ...(fixed > 0 ? ['', `**Security:** this PR fixes ${fixed} known ${fixed === 1 ? 'vulnerability' : 'vulnerabilities'} (details below).`] : []),
        '',
        '| Dependency | File | Change | Type |',
        '| --- | --- | --- | --- |',
      ],
      tableRows: rows,
      sections: sectionsFor(planned),
      notes: [...new Set([...planned.flatMap((d) => d.notes ?? []), ...heldNotes])],
      tail: [
        '### Configure',
        '',
        `- Close this PR without merging and Freshen will not propose these exact versions again; a newer version will get a new PR.`,
        `- Skip a dependency or path with \`ignore\` in \`${CONFIG_PATH}\`; group updates with \`groups\`; choose when PRs open with \`schedule\`; wait for new releases to settle with \`minimumReleaseAge\`.`,
        `- If you push to this branch, Freshen stops updating it.`,
        '',
        `${MARKER_START}${JSON.stringify(marker).replaceAll('-->', '--\\u003e')}${MARKER_END}`,
      ],
    },
    limit,
  );
  return withoutUserInfoIn(body);
}

function sameUpdate(d: PlannedUpdate, u: ProposedUpdate): boolean {
  return d.file === u.file && d.depName === u.depName && d.to === u.to;
}

function isSecurity(details: readonly PlannedUpdate[], u: ProposedUpdate): boolean {
  return details.some((d) => sameUpdate(d, u) && d.extra?.security === true);
}

/** True when any of the updates fixes a known vulnerability. */
export function fixesVulnerabilities(details: readonly PlannedUpdate[]): boolean {
  return details.some((d) => d.extra?.security === true);
}

/** The PR gets the `security` label: it fixes known vulnerabilities, or leaves a base that is no longer maintained. */
export function needsSecurityLabel(details: readonly PlannedUpdate[]): boolean {
  return fixesVulnerabilities(details) || details.some(leavesUnmaintainedBase);
}

/** One sentence per base image the PR moves off an unmaintained tag (an image used in several files is said once). */
function unmaintainedSentences(planned: readonly PlannedUpdate[]): string[] {
  const sentences = planned.filter(leavesUnmaintainedBase).map((d) => {
    const base = d.extra!.unmaintained!;
    return unmaintainedPrSentence(`${shortName(d.depName)}:${base.tag}`, d.newValue!, base);
  });
  return [...new Set(sentences)];
}

/** Reads the marker out of a PR body; null when absent or not ours. */
export function parseMarker(body: string | null | undefined): PrMarker | null {
  if (!body) return null;
  const start = body.lastIndexOf(MARKER_START);
  if (start < 0) return null;
  const end = body.indexOf(MARKER_END, start);
  if (end < 0) return null;
  try {
    const marker = JSON.parse(body.slice(start + MARKER_START.length, end)) as PrMarker;
    if (marker.version !== 1 || !Array.isArray(marker.updates) || typeof marker.group !== 'string') return null;
    return marker;
  } catch {
    return null;
  }
}

export function renderCommitMessage(title: string, updates: ProposedUpdate[]): string {
  const lines = updates.map((u) => `- ${u.file}: ${u.from} -> ${u.to}`);
  return `${title}\n\n${lines.join('\n')}\n`;
}

export function renderHandsOffComment(branch: string): string {
  return `Someone else pushed to \`${branch}\`, so Freshen will no longer update this PR. Close it (and delete the branch) to let Freshen open a fresh one.`;
}

export function renderObsoleteComment(): string {
  return 'Every update in this PR is already applied on the default branch or no longer wanted, so Freshen is closing it and deleting its branch.';
}
