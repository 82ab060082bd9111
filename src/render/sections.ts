// The per-dependency sections of a PR body: what changed in an image, vulnerabilities fixed, release notes.
import type { PlannedUpdate } from '../engine/types.js';
import { vulnerabilityUrl } from '../insight/links.js';
import type { FixedVulnerability } from '../insight/security.js';
import { neutraliseReleaseNotes, sourceRepository } from './release-notes-text.js';
import { code } from '../insight/what-changed-markdown.js';

/** A section at three lengths; the body keeps the longest that fits. */
export interface BodySection {
  full: string;
  summary: string;
  note: string;
}

const MAX_VULN_ROWS = 50;
const MAX_SUMMARY_CHARS = 120;

export function shortName(depName: string): string {
  const parts = depName.split('/');
  if (parts[0] === 'docker.io') return parts[1] === 'library' ? parts.slice(2).join('/') : parts.slice(1).join('/');
  return depName;
}

function versionLabel(u: PlannedUpdate): string {
  const to = u.newValue ?? (u.newDigest ? u.newDigest.slice(0, 19) : '');
  return to ? ` → ${code(to)}` : '';
}

const leftOut = "_Left out: the PR body would exceed GitHub's 65,536-character limit._";

export function imageSection(u: PlannedUpdate): BodySection | null {
  const whatChanged = u.extra?.whatChanged;
  const vulns = vulnerabilitiesOf(u);
  if (!whatChanged && vulns.length === 0) return null;
  const heading = `### What changed in ${code(shortName(u.depName))}${versionLabel(u)} (${code(u.file)})`;
  const cves = vulns.length > 0 ? ['', ...vulnerabilityTable(vulns)] : [];
  return {
    full: [heading, '', whatChanged?.markdown ?? '', ...cves].join('\n').replace(/\n{3,}/g, '\n\n'),
    summary: [heading, '', whatChanged?.summaryMarkdown ?? '', ...cves].join('\n').replace(/\n{3,}/g, '\n\n'),
    note: [heading, '', vulns.length > 0 ? `Fixes ${vulns.length} known vulnerabilities. ${leftOut}` : leftOut].join('\n'),
  };
}

export function releaseNotesSection(u: PlannedUpdate): BodySection | null {
  const notes = u.extra?.releaseNotes;
  if (!notes || typeof notes.markdown !== 'string') return null;
  const heading = `### Release notes of ${code(shortName(u.depName))}${versionLabel(u)} (${code(u.file)})`;
  const links = [
    notes.sourceUrl && isWebUrl(notes.sourceUrl) ? `[Source](${notes.sourceUrl})` : '',
    notes.compareUrl && isWebUrl(notes.compareUrl) ? `[Compare](${notes.compareUrl})` : '',
  ].filter(Boolean).join(' · ');
  const vulns = vulnerabilitiesOf(u);
  const cves = vulns.length > 0 ? ['', ...vulnerabilityTable(vulns)] : [];
  const head = [heading, ...(links ? ['', links] : []), ...cves];
  const pasted = neutraliseReleaseNotes(notes.markdown.trim(), sourceRepository(notes.sourceUrl));
  return {
    full: [...head, '', '<details>', '<summary>Release notes</summary>', '', containMarkdown(pasted), '', '</details>'].join('\n'),
    summary: [...head, '', leftOut].join('\n'),
    note: [heading, '', leftOut].join('\n'),
  };
}

function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s()<>]+$/.test(url);
}

/**
 * Release notes come from elsewhere: they must not close our `<details>` nor leave a code fence
 * open over the rest of the body.
 */
export function containMarkdown(markdown: string): string {
  let text = markdown.replace(/<(\/?)(details|summary)\b/gi, '&lt;$1$2');
  const fences = text.split('\n').filter((line) => /^\s*(```|~~~)/.test(line)).length;
  if (fences % 2 === 1) text += '\n```';
  return text;
}

function vulnerabilitiesOf(u: PlannedUpdate): FixedVulnerability[] {
  const list = u.extra?.vulnerabilitiesFixed;
  return Array.isArray(list) ? list : [];
}

function plain(text: string, max: number): string {
  const flat = text.replace(/[\r\n|`*_[\]<>\\]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  return flat.slice(0, flat.lastIndexOf(' ', max - 1) > 40 ? flat.lastIndexOf(' ', max - 1) : max - 1) + '…';
}

export function vulnerabilityTable(vulns: FixedVulnerability[]): string[] {
  const rows = vulns.slice(0, MAX_VULN_ROWS).map((v) => {
    const aliases = (v.aliases ?? []).filter((a) => a !== v.id).slice(0, 3).map((a) => plain(a, 40));
    const id = `[${plain(v.id, 60)}](${vulnerabilityUrl(v.id)})${aliases.length ? ` (${aliases.join(', ')})` : ''}`;
    return `| ${id} | ${v.severity ? plain(v.severity, 60) : '—'} | ${plain(v.package, 80)} | ${v.summary ? plain(v.summary, MAX_SUMMARY_CHARS) : ''} |`;
  });
  const more = vulns.length > MAX_VULN_ROWS ? ['', `…and ${vulns.length - MAX_VULN_ROWS} more.`] : [];
  return [`**Vulnerabilities fixed (${vulns.length})**`, '', '| ID | Severity | Package | Summary |', '| --- | --- | --- | --- |', ...rows, ...more];
}
