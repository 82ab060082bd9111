// The human `freshen scan` report: what was checked, what failed, the updates, then what is up to date.
import type { PlannedUpdate } from './engine/types.js';
import { listClaims } from './insight/runtime.js';
import { endOfLifeText } from './render/unmaintained.js';
import { renderTable } from './text-table.js';
import type { Dependency, LocatedError } from './types.js';

export interface ScanReport {
  /** The dependencies extract lists (installs without a version already left out). */
  dependencies: Dependency[];
  updates: PlannedUpdate[];
  held: { file: string; line: number; depName: string; to: string; reason: string; eligibleAt?: string }[];
  errors: LocatedError[];
  /** The updates --write wrote, or null without --write. */
  applied: PlannedUpdate[] | null;
}

export function humanScan(report: ScanReport): string {
  return [checkedLine(report.dependencies), failedSection(report.errors), unmaintainedSection(report.dependencies), runtimeSection(report.dependencies), updatesTable(report), heldSection(report.held), upToDateLine(report)]
    .filter(Boolean)
    .join('\n');
}

function checkedLine(deps: Dependency[]): string {
  const checked = deps.filter((d) => !d.skipReason);
  const files = new Set(checked.map((d) => d.file)).size;
  const skipped = deps.length - checked.length;
  const skippedNote = skipped > 0 ? `; ${plural(skipped, 'dependency', 'dependencies')} skipped (see freshen extract)` : '';
  return `Checked ${plural(checked.length, 'dependency', 'dependencies')} in ${plural(files, 'file', 'files')}${skippedNote}.\n`;
}

/** Every error in full, never a count in their place. */
function failedSection(errors: LocatedError[]): string {
  if (errors.length === 0) return '';
  const lines = errors.map((e) => `  ${e.file}${e.line ? `:${e.line}` : ''}${e.depName ? ` ${e.depName}` : ''}: ${e.message}`);
  return `Failed (${errors.length}):\n${lines.join('\n')}\n`;
}

/** Bases whose tag stopped getting rebuilds, once per file and line. */
function unmaintainedSection(deps: Dependency[]): string {
  const lines = deps.flatMap((d) => {
    const base = d.extra?.unmaintained;
    if (!base) return [];
    const newer = base.newerTags.map((t) => `${t.tag} built ${t.created.slice(0, 10)}`).join(', ');
    const eol = base.endOfLife ? `; ${endOfLifeText(base.endOfLife)}` : '';
    return [`  ${d.file}:${d.line} ${d.reference ?? d.depName}: image built ${base.created.slice(0, 10)}, while ${newer}${eol}`];
  });
  return lines.length > 0 ? `No longer maintained (${lines.length}):\n${lines.join('\n')}\n` : '';
}

/** Language bases that their own .nvmrc, requires-python or go.mod already disagree with. */
function runtimeSection(deps: Dependency[]): string {
  const lines = deps.flatMap((d) => {
    const off = d.extra?.runtimeDisagreement;
    return off ? [`  ${d.file}:${d.line} ${off.image}: ${listClaims(off.files, (text) => text)}`] : [];
  });
  return lines.length > 0 ? `Runtime files disagree with the base image (${lines.length}):\n${lines.join('\n')}\n` : '';
}

function updatesTable({ updates, applied }: ScanReport): string {
  if (updates.length === 0) return '';
  const rows = updates.map((u) => [`${u.file}:${u.line}`, u.updateType, u.from, u.to, ...(applied ? [writeResult(u, applied)] : [])]);
  return `Updates:\n${renderTable(['Where', 'Type', 'From', 'To', ...(applied ? ['Result'] : [])], rows)}`;
}

/** A non-major update is not written when the same dependency's major was: say so rather than leave it unexplained. */
function writeResult(u: PlannedUpdate, applied: PlannedUpdate[]): string {
  if (applied.includes(u)) return 'written';
  const other = applied.find((a) => a.manager === u.manager && a.file === u.file && a.depIndex === u.depIndex);
  return other ? `superseded by ${other.updateType}` : 'not written';
}

function heldSection(held: ScanReport['held']): string {
  if (held.length === 0) return '';
  return `Held back:\n${held.map((h) => `  ${h.file}:${h.line} ${h.to}: ${h.reason}${h.eligibleAt ? `; eligible from ${h.eligibleAt}` : ''}`).join('\n')}\n`;
}

/**
 * Up to date means checked, with no update, nothing held and no error: an error on the
 * dependency or on its whole file makes it failed instead. Errors tied to no file that was scanned
 * (a planner that failed outright) may hide more, and the line says so.
 */
function upToDateLine({ dependencies, updates, held, errors }: ScanReport): string {
  const checked = dependencies.filter((d) => !d.skipReason);
  if (checked.length === 0) return errors.length > 0 ? '' : 'No dependencies found.\n';
  const key = (file: string, line: number | undefined, depName: string | undefined) => `${file}\0${line}\0${depName}`;
  const failedDeps = new Set(errors.filter((e) => e.depName).map((e) => key(e.file, e.line, e.depName)));
  const failedFiles = new Set(errors.filter((e) => !e.depName).map((e) => e.file));
  const withUpdates = new Set([...updates, ...held].map((u) => key(u.file, u.line, u.depName)));
  let failed = 0;
  let updatable = 0;
  for (const d of checked) {
    if (failedDeps.has(key(d.file, d.line, d.depName)) || failedFiles.has(d.file)) failed++;
    else if (withUpdates.has(key(d.file, d.line, d.depName))) updatable++;
  }
  const upToDate = checked.length - failed - updatable;
  const scannedFiles = new Set(dependencies.map((d) => d.file));
  const untied = errors.some((e) => !scannedFiles.has(e.file));
  const counts = [updatable > 0 ? `${updatable} with updates` : '', failed > 0 ? `${failed} failed` : ''].filter(Boolean).join(', ');
  const caveat = untied ? ' Some checks failed outright (see Failed above), so this may count too many.' : '';
  return `Up to date: ${upToDate} of ${plural(checked.length, 'dependency', 'dependencies')}${counts ? ` (${counts})` : ''}.${caveat}\n`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
