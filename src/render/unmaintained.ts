// How an unmaintained base image is said: in a PR's first sentence, an image's notes, the CLI.
import type { EndOfLife } from '../insight/end-of-life.js';
import type { UnmaintainedBase } from '../insight/unmaintained.js';
import { inlineCode } from '../markdown-safe.js';

const day = (iso: string) => iso.slice(0, 10);

/** `Debian 12 (bookworm) security support ended on 2024-06-10 (LTS until 2026-06-30)`. */
export function endOfLifeText(eol: EndOfLife, today: Date = new Date()): string {
  const name = `${eol.distro === 'debian' ? 'Debian' : 'Alpine'} ${eol.release}${eol.codename ? ` (${eol.codename})` : ''}`;
  const past = eol.date <= today.toISOString().slice(0, 10);
  const lts = eol.ltsDate ? ` (LTS until ${eol.ltsDate})` : '';
  return `${name} security support ${past ? 'ended' : 'ends'} on ${eol.date}${lts}`;
}

/** `built 2024-09-07; \`3.13-slim\` built 2025-05-01; Debian 12 … ends on …`: the evidence, in short. */
export function unmaintainedEvidence(base: UnmaintainedBase, today?: Date): string {
  const newer = base.newerTags.map((t) => `${inlineCode(t.tag)} built ${day(t.created)}`).join(', ');
  return [`image built ${day(base.created)}`, `${newer} since`, ...(base.endOfLife ? [endOfLifeText(base.endOfLife, today)] : [])].join('; ');
}

/** The images table's note: **no longer maintained** and why. */
export function unmaintainedNote(base: UnmaintainedBase, today?: Date): string {
  return `**no longer maintained**: ${unmaintainedEvidence(base, today)}`;
}

/** A PR's first sentence when it moves `image` (`python:3.8-slim`) off an unmaintained base to `to`. */
export function unmaintainedPrSentence(image: string, to: string, base: UnmaintainedBase, today?: Date): string {
  const newest = base.newerTags[0];
  const since = newest ? `, while ${inlineCode(newest.tag)} was rebuilt on ${day(newest.created)}` : '';
  const eol = base.endOfLife ? ` ${endOfLifeText(base.endOfLife, today)}.` : '';
  return `**${inlineCode(image)} is no longer maintained:** its image was last built on ${day(base.created)}${since}, so rebuilding on it brings no fixes.${eol} This PR moves to ${inlineCode(to)}, the newest maintained line.`;
}
