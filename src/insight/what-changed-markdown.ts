// Markdown for "what changed inside this image": created, version, revision, compare link, package diff.
import type { ImageFacts } from './image-facts.js';
import { packageLinks } from './links.js';
import type { PackageChange, PackageDiff } from './package-diff.js';
import type { InstalledPackage } from './installed-packages.js';

export interface WhatChangedInput {
  platform: string;
  /** null when the old reference carried no digest (a pin): there is no old image. */
  before: ImageFacts | null;
  after: ImageFacts;
  diff: PackageDiff | null;
  compareUrl: string | null;
}

export interface WhatChangedMarkdown {
  /** Everything, the package list folded in a `<details>` block. */
  markdown: string;
  /** The same without the package list, for bodies that would be too long. */
  summaryMarkdown: string;
}

/** Inline code that cannot break a table or a code span. */
export function code(text: string): string {
  return '`' + text.replace(/[`|\r\n]/g, ' ') + '`';
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return code(iso);
  return date.toISOString().replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}

export function renderWhatChanged(input: WhatChangedInput): WhatChangedMarkdown {
  const head = [...factsTable(input), ...(input.compareUrl ? ['', `[Compare the source](${input.compareUrl})`] : [])];
  if (!input.before) {
    const note = 'The old reference had no digest, so there is no earlier image to compare with; this pins the image the tag points at now.';
    const text = [note, '', ...head].join('\n');
    return { markdown: text, summaryMarkdown: text };
  }
  const counts = packageCounts(input);
  const summary = [...head, '', counts].join('\n');
  if (!input.diff || isEmpty(input.diff)) return { markdown: summary, summaryMarkdown: summary };
  const details = ['<details>', `<summary>Package changes (${changeCount(input.diff)})</summary>`, '', ...packageTable(input.diff), '', '</details>'];
  return { markdown: [summary, '', ...details].join('\n'), summaryMarkdown: summary };
}

function factsTable(input: WhatChangedInput): string[] {
  const { before, after } = input;
  const rows: [string, string | undefined, string | undefined][] = [
    ['Created', formatTime(before?.created), formatTime(after.created)],
    ['Version', before?.version, after.version],
    ['Revision', before?.revision, after.revision],
    ['Digest', before?.digest, after.digest],
  ];
  const lines = [
    `Platform ${code(input.platform)}${after.source ? ` · source ${sourceLink(after.source)}` : ''}`,
    '',
    before ? '| | Before | After |' : '| | Image |',
    before ? '| --- | --- | --- |' : '| --- | --- |',
  ];
  for (const [label, was, now] of rows) {
    if (!was && !now) continue;
    const cell = (v: string | undefined) => (v === undefined ? '—' : label === 'Created' ? v : code(v));
    lines.push(before ? `| ${label} | ${cell(was)} | ${cell(now)} |` : `| ${label} | ${cell(now)} |`);
  }
  return lines;
}

function sourceLink(source: string): string {
  return /^https:\/\/[^\s()<>]+$/.test(source) ? `<${source}>` : code(source);
}

const OS_NAMES: Record<string, string> = { debian: 'Debian', ubuntu: 'Ubuntu', alpine: 'Alpine' };

function packageCounts(input: WhatChangedInput): string {
  const diff = input.diff;
  if (!diff) return input.after.installed ? 'The old image has no package database to compare with.' : 'No OS package database found in the image (scratch or distroless without one).';
  const os = diff.distro ? `${OS_NAMES[diff.distro] ?? diff.distro}${diff.release ? ` ${diff.release}` : ''}` : diff.format;
  if (isEmpty(diff)) return `**OS packages (${os}):** none changed (${diff.unchanged} installed).`;
  const parts = [
    [diff.upgraded.length, 'upgraded'],
    [diff.downgraded.length, 'downgraded'],
    [diff.added.length, 'added'],
    [diff.removed.length, 'removed'],
  ].filter(([n]) => (n as number) > 0).map(([n, what]) => `${n} ${what}`);
  return `**OS packages (${os}):** ${parts.join(', ')}; ${diff.unchanged} unchanged.`;
}

function isEmpty(diff: PackageDiff): boolean {
  return changeCount(diff) === 0;
}

function changeCount(diff: PackageDiff): number {
  return diff.added.length + diff.removed.length + diff.upgraded.length + diff.downgraded.length;
}

function packageTable(diff: PackageDiff): string[] {
  const links = (source: string) => packageLinks(diff.distro, source).map((l) => `[${l.label}](${l.url})`).join(' · ');
  const changed = (c: PackageChange, what: string) => `| ${code(c.name)} | ${what} | ${code(c.from)} | ${code(c.to)} | ${links(c.source)} |`;
  const single = (p: InstalledPackage, what: 'added' | 'removed') =>
    `| ${code(p.name)} | ${what} | ${what === 'removed' ? code(p.version) : '—'} | ${what === 'added' ? code(p.version) : '—'} | ${links(p.source)} |`;
  return [
    '| Package | Change | Before | After | Links |',
    '| --- | --- | --- | --- | --- |',
    ...diff.upgraded.map((c) => changed(c, 'upgraded')),
    ...diff.downgraded.map((c) => changed(c, 'downgraded')),
    ...diff.added.map((p) => single(p, 'added')),
    ...diff.removed.map((p) => single(p, 'removed')),
  ];
}
