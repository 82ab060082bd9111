// Finds apt/apk package pins in a Dockerfile's RUN instructions, each with its stage, base image and file location.
import type { Dependency, ExtractResult, LocatedError, TextRange } from '../../types.js';
import { baseImageOf, isContiguous, LineIndex, parseDockerfile } from '../dockerfile/index.js';
import type { Instruction, MappedText, ParsedDockerfile, Scope, Stage } from '../dockerfile/index.js';
import { MAX_SHELL_NESTING } from '../limits.js';
import { findPackagePins, type Pin, type SkippedPackage } from './pins.js';

export const MANAGER = 'os-packages';

/** What update() needs (Dependency.location): the exact bytes of the version, in the RUN line or an ARG/ENV default. */
export interface OsPackageLocation {
  /** Index of the dependency in extract()'s output. */
  index: number;
  range: TextRange;
  /** text.slice(range.start, range.end) at extract time (may differ from currentValue by quoting/escapes). */
  written: string;
  /** Where the version is written: in the RUN command, or as the default of this ARG/ENV. */
  in: 'run' | 'ARG' | 'ENV';
  variable?: string;
}

/** Dependency.extra of an os-packages dependency. */
export interface OsPackageExtra {
  tool: 'apt' | 'apk';
  /** Index of the stage the RUN is in, and of the stage whose FROM names a real image (after `FROM <stage>` chains). */
  stage: number;
  stageName?: string;
  baseStage: number | null;
  /** The base image reference as written after ARG expansion, or null (scratch, unresolved). */
  baseImage: string | null;
  arch?: string;
  fuzzy: boolean;
  repoTag?: string;
  /** The stage's `--platform`, when written. */
  platform?: string;
  variable?: string;
}

declare module '../../types.js' {
  interface DependencyData {
    'os-packages': OsPackageExtra;
  }
}

const datasourceOf = (tool: Pin['tool']): string => (tool === 'apt' ? 'debian' : 'alpine');

class PinExtractor {
  readonly deps: Dependency[] = [];
  readonly errors: LocatedError[] = [];
  private readonly lines: LineIndex;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly parsed: ParsedDockerfile,
  ) {
    this.lines = new LineIndex(text);
  }

  run(): void {
    for (const stage of this.parsed.stages) {
      stage.instructions.forEach((instruction, i) => {
        if (instruction.keyword === 'RUN') this.visitRun(stage, instruction, stage.scopes[i] ?? new Map());
      });
    }
  }

  private visitRun(stage: Stage, run: Instruction, scope: Scope): void {
    const command = commandText(run);
    const found = findPackagePins(command.text);
    const extra = this.stageExtra(stage);
    for (const pin of found.pins) this.addPin(pin, command, run, scope, extra);
    for (const { tool, name } of found.unpinnedPackages) this.addUnpinned(name, run, extra, tool);
    for (const skipped of found.skipped) this.addSkipped(skipped, run, extra);
    if (found.tooDeep) {
      const message = `scripts nested more than ${MAX_SHELL_NESTING} deep (heredocs, sh -c); the innermost are not read`;
      this.errors.push({ file: this.file, line: this.lines.lineOf(run.range.start), message });
    }
  }

  private stageExtra(stage: Stage): Omit<OsPackageExtra, 'tool' | 'fuzzy'> {
    const base = baseImageOf(this.parsed.stages, stage);
    const root: Stage | undefined = this.parsed.stages[stage.root];
    const resolved = base && base.reference.unresolved.length === 0 ? base.reference.value.text : null;
    const extra: Omit<OsPackageExtra, 'tool' | 'fuzzy'> = { stage: stage.index, baseStage: base ? root!.index : null, baseImage: resolved };
    if (stage.name) extra.stageName = stage.name;
    const platform = root?.platform ?? stage.platform;
    if (platform) extra.platform = platform;
    return extra;
  }

  private addPin(pin: Pin, command: MappedText, run: Instruction, scope: Scope, stageExtra: Omit<OsPackageExtra, 'tool' | 'fuzzy'>): void {
    const extra: OsPackageExtra = { tool: pin.tool, ...stageExtra, fuzzy: pin.fuzzy };
    if (pin.arch) extra.arch = pin.arch;
    if (pin.repoTag) extra.repoTag = pin.repoTag;
    const base = { manager: MANAGER, datasource: datasourceOf(pin.tool), file: this.file, depName: pin.name, currentDigest: null };
    if (pin.variable) return this.addVariablePin(pin, run, scope, { ...extra, variable: pin.variable }, base);
    const offsets = command.offsets.slice(pin.versionRange.start, pin.versionRange.end);
    const range = offsets.length && isContiguous(offsets) ? { start: offsets[0]!, end: offsets[offsets.length - 1]! + 1 } : null;
    const line = this.lines.lineOf(range?.start ?? run.range.start);
    const dep: Dependency = { ...base, line, currentValue: pin.version, reference: written(pin, pin.version), extra: { ...extra } };
    if (!range) dep.skipReason = 'the version is not written in one place';
    else dep.location = this.location(range, 'run');
    this.deps.push(dep);
  }

  private addVariablePin(pin: Pin, run: Instruction, scope: Scope, extra: OsPackageExtra, base: Omit<Dependency, 'line' | 'currentValue'>): void {
    const variable = scope.get(pin.variable!);
    const runLine = this.lines.lineOf(run.range.start);
    const skip = (reason: string, line = runLine): void =>
      void this.deps.push({ ...base, line, currentValue: null, reference: written(pin, pin.version), skipReason: reason, extra: { ...extra } });
    if (!variable) return skip(`unresolved-variable: ${pin.variable} (no ARG or ENV in this Dockerfile declares it)`);
    if (!variable.value || variable.unresolved.length > 0) return skip(`unresolved-variable: ${pin.variable} has no default value`);
    const { text, offsets } = variable.value;
    const range = text && isContiguous(offsets) ? { start: offsets[0]!, end: offsets[offsets.length - 1]! + 1 } : null;
    const line = this.lines.lineOf(range?.start ?? variable.declaredBy.range.start);
    if (!range) return skip(`the value of ${pin.variable} is not written in one place`, line);
    this.deps.push({
      ...base,
      line,
      currentValue: text,
      reference: written(pin, text),
      extra: { ...extra },
      location: this.location(range, variable.kind, pin.variable),
    });
  }

  private location(range: TextRange, where: OsPackageLocation['in'], variable?: string): OsPackageLocation {
    const location: OsPackageLocation = { index: this.deps.length, range, written: this.text.slice(range.start, range.end), in: where };
    if (variable) location.variable = variable;
    return location;
  }

  private addUnpinned(name: string, run: Instruction, stageExtra: Omit<OsPackageExtra, 'tool' | 'fuzzy'>, tool: Pin['tool']): void {
    this.deps.push({
      manager: MANAGER,
      datasource: datasourceOf(tool),
      file: this.file,
      line: this.lines.lineOf(run.range.start),
      depName: name,
      currentValue: null,
      currentDigest: null,
      reference: name,
      skipReason: 'unpinned',
      extra: { tool, ...stageExtra, fuzzy: false },
    });
  }

  private addSkipped(skipped: SkippedPackage, run: Instruction, stageExtra: Omit<OsPackageExtra, 'tool' | 'fuzzy'>): void {
    const line = this.lines.lineOf(run.range.start);
    if (skipped.reason === 'empty version') {
      this.errors.push({ file: this.file, line, depName: skipped.argument, message: `${skipped.argument}: the package pin has an empty version; the install fails` });
      return;
    }
    this.deps.push({
      manager: MANAGER,
      datasource: datasourceOf(skipped.tool),
      file: this.file,
      line,
      depName: skipped.argument,
      currentValue: null,
      currentDigest: null,
      reference: skipped.argument,
      skipReason: `not-pinnable: ${skipped.reason}`,
      extra: { tool: skipped.tool, ...stageExtra, fuzzy: false },
    });
  }
}

/** `curl=1.0`, `libc6:amd64=2.36`, `openssl~3.3`, `pkg@edge=1.2`. */
function written(pin: Pin, version: string): string {
  const name = `${pin.name}${pin.arch ? `:${pin.arch}` : ''}${pin.repoTag ? `@${pin.repoTag}` : ''}`;
  return `${name}${pin.fuzzy ? '~' : '='}${version}`;
}

/**
 * The command a RUN runs, as the shell sees it, mapped to file offsets: the arguments (continuations
 * joined), then each heredoc body with its terminator (offset -1 for characters not in the file).
 */
export function commandText(run: Instruction): MappedText {
  let text = run.args.text;
  const offsets = [...run.args.offsets];
  for (const doc of run.heredocs) {
    text += '\n' + doc.body;
    offsets.push(-1);
    for (let i = 0; i < doc.body.length; i++) offsets.push(doc.bodyRange.start + i);
    const terminator = `${doc.body === '' || doc.body.endsWith('\n') ? '' : '\n'}${doc.name}`;
    text += terminator;
    for (let i = 0; i < terminator.length; i++) offsets.push(-1);
  }
  return { text, offsets };
}

export function extractOsPackages(text: string, file: string): ExtractResult {
  const parsed = parseDockerfile(text);
  const extractor = new PinExtractor(text, file, parsed);
  extractor.run();
  return { deps: extractor.deps, errors: extractor.errors };
}
