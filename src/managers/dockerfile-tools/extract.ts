// Finds tool version pins: ARG/ENV `*_VERSION` values a RUN puts in a download URL, their source and the checksums guarding them.
import type { Dependency, ExtractResult, LocatedError, TextRange } from '../../types.js';
import { isContiguous, LineIndex, parseDockerfile } from '../dockerfile/index.js';
import type { Instruction, MappedText, Scope, Variable } from '../dockerfile/index.js';
import { commandText } from '../os-packages/index.js';
import { annotationText, parseAnnotation, type ToolSource } from './annotation.js';
import { algorithmOf, CHECKSUM_NAME, encodeDigest, findChecksumSites, type ChecksumAlgorithm, type ChecksumSite } from './checksums.js';
import { findUrls, isSideFile, sourceFromUrl, VERSION_NAME, variableRefs, type FoundUrl } from './urls.js';

export const MANAGER = 'dockerfile-tools';
export const VERSION_MARK = '{version}';

/** One checksum of a tool, as the planner needs it (Dependency.extra.checksums). */
export interface ToolChecksum {
  label: string | null;
  algorithm: ChecksumAlgorithm;
  /** The download it guards with `{version}` where the version goes, or null with `problem` saying why. */
  url: string | null;
  problem?: string;
  /** 'run': a literal in the RUN; else the ARG/ENV that holds it. */
  in: 'run' | 'ARG' | 'ENV';
  variable?: string;
  line: number;
}

/** Dependency.extra of a tool pin. */
export interface ToolExtra {
  variable: string;
  kind: 'ARG' | 'ENV';
  source: ToolSource | null;
  /** Download URLs that use the version, `{version}` where it goes. */
  downloads: string[];
  checksums: ToolChecksum[];
  /** A RUN verifies a signature (`gpg --verify`): nothing to update for it. */
  signatureVerified: boolean;
}

declare module '../../types.js' {
  interface DependencyData {
    'dockerfile-tools': ToolExtra;
  }
}

/** Dependency.location: the bytes of the version and of each checksum, in digest order. */
export interface ToolLocation {
  index: number;
  value: { range: TextRange; written: string };
  checksums: { range: TextRange; written: string }[];
}

interface Site {
  range: TextRange;
  written: string;
  checksum: ToolChecksum;
  hex: string;
}

interface Usage {
  variable: Variable;
  urls: FoundUrl[];
  sites: Map<number, Site>;
  signatureVerified: boolean;
  problems: string[];
}

const GPG_VERIFY = /\bgpgv?2?\b[^;&|\n]*\s--verify\b|\bgpgv\b/;

class ToolExtractor {
  private readonly usages = new Map<Variable, Usage>();
  private readonly lines: LineIndex;
  readonly errors: LocatedError[] = [];

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    this.lines = new LineIndex(text);
  }

  visitRun(run: Instruction, scope: Scope): void {
    const command = commandText(run);
    const tools: { url: FoundUrl; variable: Variable }[] = [];
    for (const url of findUrls(command.text)) {
      for (const ref of variableRefs(url.text)) {
        const variable = scope.get(ref.name);
        if (!ref.plain || !VERSION_NAME.test(ref.name) || !variable) continue;
        if (!tools.some((t) => t.url === url && t.variable === variable)) tools.push({ url, variable });
      }
    }
    if (tools.length === 0) return;
    const signed = GPG_VERIFY.test(command.text);
    for (const { url, variable } of tools) {
      const usage = this.usageOf(variable);
      if (!usage.urls.some((u) => u.text === url.text)) usage.urls.push(url);
      usage.signatureVerified ||= signed;
    }
    const hexIn = (name: string): string | null => {
      const value = scope.get(name)?.value?.text;
      return value && algorithmOf(value) ? value : null;
    };
    for (const site of findChecksumSites(command.text, hexIn)) this.attach(site, tools, command, scope);
  }

  private usageOf(variable: Variable): Usage {
    let usage = this.usages.get(variable);
    if (!usage) this.usages.set(variable, (usage = { variable, urls: [], sites: new Map(), signatureVerified: false, problems: [] }));
    return usage;
  }

  /** Gives a checksum to the download it guards: the nearest tool URL that is not a signature or checksum file. */
  private attach(site: ChecksumSite, tools: { url: FoundUrl; variable: Variable }[], command: MappedText, scope: Scope): void {
    let candidates = tools.filter((t) => !isSideFile(t.url.text));
    if (site.variable) {
      const stem = site.variable.replace(CHECKSUM_NAME, '').replace(/_+$/, '');
      const named = candidates.filter((t) => t.variable.name.replace(VERSION_NAME, '').replace(/_+$/, '') === stem);
      if (named.length > 0) candidates = named;
    }
    const nearest = candidates.sort((a, b) => Math.abs(a.url.start - site.at) - Math.abs(b.url.start - site.at))[0];
    if (!nearest) return;
    const usage = this.usageOf(nearest.variable);
    const placed = site.literal ? this.literalRange(command, site.literal) : this.variableRange(scope.get(site.variable!)!);
    if (!placed) {
      usage.problems.push(`the checksum on line ${this.lines.lineOf(command.offsets[site.at] ?? 0)} is not written in one place`);
      return;
    }
    if (usage.sites.has(placed.range.start)) return;
    const label = site.arm?.label ?? (site.variable ? site.variable : null);
    const template = urlTemplate(nearest.url.text, nearest.variable, site.arm?.assigns ?? {}, scope);
    const checksum: ToolChecksum = {
      label,
      algorithm: site.algorithm,
      url: 'url' in template ? template.url : null,
      ...('problem' in template ? { problem: template.problem } : {}),
      in: placed.in,
      ...(site.variable ? { variable: site.variable } : {}),
      line: this.lines.lineOf(placed.range.start),
    };
    usage.sites.set(placed.range.start, { ...placed, checksum, hex: site.value });
  }

  private literalRange(command: MappedText, at: { start: number; end: number }) {
    const offsets = command.offsets.slice(at.start, at.end);
    if (!isContiguous(offsets)) return null;
    const range = { start: offsets[0]!, end: offsets.at(-1)! + 1 };
    return { range, written: this.text.slice(range.start, range.end), in: 'run' as const };
  }

  private variableRange(variable: Variable) {
    const range = valueRange(variable);
    return range ? { range, written: this.text.slice(range.start, range.end), in: variable.kind } : null;
  }

  dependencies(): Dependency[] {
    const deps = [...this.usages.values()].map((u) => this.dependency(u)).sort((a, b) => a.line - b.line);
    deps.forEach((dep, index) => {
      if (dep.location) (dep.location as ToolLocation).index = index;
    });
    return deps;
  }

  private dependency(usage: Usage): Dependency {
    const { variable } = usage;
    const sites = [...usage.sites.values()].sort((a, b) => a.range.start - b.range.start);
    const labels = uniqueLabels(sites);
    sites.forEach((s, i) => (s.checksum.label = labels[i]!));
    const range = valueRange(variable);
    const current = variable.value?.text ?? null;
    const source = this.sourceOf(usage);
    const extra: ToolExtra = {
      variable: variable.name,
      kind: variable.kind,
      source: 'problem' in source ? null : source,
      downloads: usage.urls.map((u) => urlTemplate(u.text, variable, {}, new Map())).flatMap((t) => ('url' in t ? [t.url] : [])),
      checksums: sites.map((s) => s.checksum),
      signatureVerified: usage.signatureVerified,
    };
    const line = this.lines.lineOf(range?.start ?? variable.declaredBy.range.start);
    const dep: Dependency = {
      manager: MANAGER,
      datasource: 'problem' in source ? 'unknown' : source.datasource,
      file: this.file,
      line,
      depName: 'problem' in source ? variable.name : source.depName,
      currentValue: current,
      currentDigest: encodeDigest(sites.map((s) => ({ label: s.checksum.label, algorithm: s.checksum.algorithm, hex: s.hex }))),
      reference: `${variable.name}=${current ?? ''}`,
      extra,
    };
    const skip = !current || variable.unresolved.length > 0 ? `unresolved-variable: ${variable.name} has no value of its own`
      : !range ? `the value of ${variable.name} is not written in one place`
      : 'problem' in source ? source.problem
      : usage.problems[0];
    if (skip || !range) dep.skipReason = skip ?? 'no value';
    else dep.location = { index: -1, value: { range, written: this.text.slice(range.start, range.end) }, checksums: sites.map(({ range: r, written }) => ({ range: r, written })) };
    return dep;
  }

  /** The `# freshen:` comment on the line above the declaration, else what the download URLs say. */
  private sourceOf(usage: Usage): ToolSource | { problem: string } {
    const declared = usage.variable.declaredBy.line;
    const above = declared >= 2 ? this.lineText(declared - 1) : '';
    const comment = annotationText(above);
    if (comment !== null) {
      const parsed = parseAnnotation(comment);
      if ('problem' in parsed) {
        this.errors.push({ file: this.file, line: declared - 1, depName: usage.variable.name, message: `# freshen: comment: ${parsed.problem}` });
        return { problem: `invalid-annotation: ${parsed.problem}` };
      }
      return parsed;
    }
    for (const url of usage.urls) {
      const found = sourceFromUrl(url.text, usage.variable.name);
      if (found) return found;
    }
    const shown = usage.urls[0]?.text ?? '';
    return { problem: `unknown-datasource: ${shown} names no GitHub release or tag, npm or PyPI file; declare the source with a "# freshen: datasource=… depName=…" comment above ${usage.variable.name}` };
  }

  private lineText(line: number): string {
    let start = 0;
    for (let i = 1; i < line; i++) start = this.text.indexOf('\n', start) + 1;
    const end = this.text.indexOf('\n', start);
    return this.text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
  }
}

function valueRange(variable: Variable): TextRange | null {
  const value = variable.value;
  if (!value || value.text === '' || !isContiguous(value.offsets)) return null;
  return { start: value.offsets[0]!, end: value.offsets.at(-1)! + 1 };
}

/** Labels that say which checksum is which: its arch, variable or algorithm; a label used twice gets `#2`, `#3`. */
function uniqueLabels(sites: readonly Site[]): (string | null)[] {
  if (sites.length === 1) return [sites[0]!.checksum.label];
  const seen = new Map<string, number>();
  return sites.map((site) => {
    const key = site.checksum.label ?? site.checksum.algorithm;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? key : `${key}#${n}`;
  });
}

/**
 * The download URL with every variable known: the version as `{version}`, the arm's shell
 * variables, other ARG/ENV values (where they repeat the version, `{version}` again).
 */
export function urlTemplate(url: string, version: Variable, assigns: Record<string, string>, scope: Scope): { url: string } | { problem: string } {
  let out = '';
  let last = 0;
  const versionRange = valueRange(version);
  for (const ref of variableRefs(url)) {
    out += url.slice(last, ref.start);
    last = ref.start + ref.length;
    if (!ref.plain) return { problem: `the download URL ${url} transforms a variable (${url.slice(ref.start, last)})` };
    if (ref.name === version.name) out += VERSION_MARK;
    else if (assigns[ref.name] !== undefined) out += assigns[ref.name];
    else {
      const other = scope.get(ref.name);
      if (!other?.value || other.unresolved.length > 0) return { problem: `the download URL ${url} uses $${ref.name}, which is only known when the image builds` };
      out += withVersionMarked(other.value, versionRange);
    }
  }
  out += url.slice(last);
  if (out.includes('$')) return { problem: `the download URL ${url} runs a command to build itself` };
  return { url: out };
}

function withVersionMarked(value: MappedText, version: TextRange | null): string {
  if (!version) return value.text;
  let out = '';
  for (let i = 0; i < value.text.length; i++) {
    const inside = value.offsets[i]! >= version.start && value.offsets[i]! < version.end;
    if (!inside) out += value.text[i];
    else if (i === 0 || !(value.offsets[i - 1]! >= version.start && value.offsets[i - 1]! < version.end)) out += VERSION_MARK;
  }
  return out;
}

export function extractTools(text: string, file: string): ExtractResult {
  const parsed = parseDockerfile(text);
  const extractor = new ToolExtractor(text, file);
  for (const stage of parsed.stages) {
    stage.instructions.forEach((instruction, i) => {
      if (instruction.keyword === 'RUN') extractor.visitRun(instruction, stage.scopes[i] ?? new Map());
    });
  }
  return { deps: extractor.dependencies(), errors: extractor.errors };
}
