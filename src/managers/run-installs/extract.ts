// Lists pinned installs inside a Dockerfile's RUN instructions as tool pins: pip and npm updatable, go, gem and cargo listed with why not.
import { dataOf, type Dependency, type ExtractResult, type LocatedError, type TextRange } from '../../types.js';
import { isContiguous, LineIndex, parseDockerfile } from '../dockerfile/index.js';
import type { Instruction, MappedText, Scope } from '../dockerfile/index.js';
import { extractTools, type ToolSource } from '../dockerfile-tools/index.js';
import { MAX_SHELL_NESTING } from '../limits.js';
import { commandText } from '../os-packages/index.js';
import { findInstallPins, VERSION_MARK, type Installer, type InstallPin } from './installs.js';

export const MANAGER = 'run-installs';

/** Where each installer's versions live, and why the ones Freshen cannot look up are skipped. */
const SOURCES: Record<Installer, { datasource: string; versioning: string; unsupported?: string }> = {
  pip: { datasource: 'pypi', versioning: 'pep440' },
  npm: { datasource: 'npm', versioning: 'semver' },
  go: { datasource: 'go', versioning: 'semver', unsupported: 'unsupported-datasource: no Go module proxy datasource yet' },
  gem: { datasource: 'rubygems', versioning: 'loose', unsupported: 'unsupported-datasource: no RubyGems datasource yet' },
  cargo: { datasource: 'crate', versioning: 'semver', unsupported: 'unsupported-datasource: no crates.io datasource yet' },
};

/**
 * Dependency.extra of a pinned install. It has the fields of a dockerfile-tools pin the tool-pins
 * planner reads (source, checksums, signatureVerified), so the same planner moves it.
 */
export interface InstallExtra {
  installer: Installer;
  /** The install argument, `{version}` where the version goes. */
  pin: string;
  /** Set when the version comes from this ARG/ENV default. */
  variable?: string;
  source: ToolSource | null;
  downloads: string[];
  checksums: [];
  signatureVerified: false;
}

declare module '../../types.js' {
  interface DependencyData {
    'run-installs': InstallExtra;
  }
}

/** Dependency.location: the bytes of the version, in the RUN line or in the ARG/ENV default. */
export interface InstallLocation {
  index: number;
  range: TextRange;
  written: string;
  in: 'run' | 'ARG' | 'ENV';
  variable?: string;
}

class InstallExtractor {
  readonly deps: Dependency[] = [];
  readonly errors: LocatedError[] = [];
  private readonly lines: LineIndex;

  /** ARG/ENV names a download URL uses: dockerfile-tools moves those (with their checksums), so an install reusing one only follows. */
  private toolVariables: Map<string, string> | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    this.lines = new LineIndex(text);
  }

  private toolUsing(variable: string): string | undefined {
    this.toolVariables ??= new Map(
      extractTools(this.text, this.file).deps.map((dep) => [dataOf(dep, 'dockerfile-tools')!.variable, dep.depName]),
    );
    return this.toolVariables.get(variable);
  }

  visitRun(run: Instruction, scope: Scope): void {
    const command = commandText(run);
    const found = findInstallPins(command.text);
    for (const pin of found.pins) this.add(pin, command, run, scope);
    for (const argument of found.empty) {
      const message = `${argument}: the install pin has an empty version; the install fails`;
      this.errors.push({ file: this.file, line: this.lines.lineOf(run.range.start), depName: argument, message });
    }
    if (found.tooDeep) {
      const message = `scripts nested more than ${MAX_SHELL_NESTING} deep (heredocs, sh -c); the innermost are not read`;
      this.errors.push({ file: this.file, line: this.lines.lineOf(run.range.start), message });
    }
  }

  private add(pin: InstallPin, command: MappedText, run: Instruction, scope: Scope): void {
    const from = SOURCES[pin.installer];
    const extra: InstallExtra = { installer: pin.installer, pin: pin.pin, source: null, downloads: [], checksums: [], signatureVerified: false };
    if (!from.unsupported) extra.source = { datasource: from.datasource as ToolSource['datasource'], depName: pin.name, versioning: from.versioning, from: 'install' };
    if (pin.variable) extra.variable = pin.variable;
    const runLine = this.lines.lineOf(run.range.start);
    const dep: Dependency = {
      manager: MANAGER,
      datasource: from.datasource,
      file: this.file,
      line: runLine,
      depName: pin.name,
      currentValue: pin.variable ? null : pin.version,
      currentDigest: null,
      reference: written(pin, pin.version),
      extra,
    };
    const placed = pin.variable ? this.variableValue(pin.variable, scope) : this.runValue(pin, command);
    if ('problem' in placed) dep.skipReason = placed.problem;
    else {
      dep.currentValue = placed.value;
      dep.reference = written(pin, placed.value);
      dep.line = this.lines.lineOf(placed.range.start);
      const location: InstallLocation = { index: this.deps.length, range: placed.range, written: this.text.slice(placed.range.start, placed.range.end), in: placed.in };
      if (pin.variable) location.variable = pin.variable;
      dep.location = location;
    }
    const tool = pin.variable ? this.toolUsing(pin.variable) : undefined;
    const skip = dep.skipReason ?? pin.problem ?? from.unsupported ?? (tool ? `moved with the tool ${tool}: a download URL uses ${pin.variable} too` : undefined);
    if (skip) dep.skipReason = skip;
    this.deps.push(dep);
  }

  private runValue(pin: InstallPin, command: MappedText): { value: string; range: TextRange; in: 'run' } | { problem: string } {
    const offsets = command.offsets.slice(pin.versionRange.start, pin.versionRange.end);
    if (!offsets.length || !isContiguous(offsets)) return { problem: 'the version is not written in one place' };
    return { value: pin.version, range: { start: offsets[0]!, end: offsets.at(-1)! + 1 }, in: 'run' };
  }

  private variableValue(name: string, scope: Scope): { value: string; range: TextRange; in: 'ARG' | 'ENV' } | { problem: string } {
    const variable = scope.get(name);
    if (!variable) return { problem: `unresolved-variable: ${name} (no ARG or ENV in this Dockerfile declares it)` };
    if (!variable.value || variable.unresolved.length > 0) return { problem: `unresolved-variable: ${name} has no default value` };
    const { text, offsets } = variable.value;
    if (!text || !isContiguous(offsets)) return { problem: `the value of ${name} is not written in one place` };
    return { value: text, range: { start: offsets[0]!, end: offsets.at(-1)! + 1 }, in: variable.kind };
  }
}

function written(pin: InstallPin, version: string): string {
  return pin.pin.split(VERSION_MARK).join(version);
}

export function extractRunInstalls(text: string, file: string): ExtractResult {
  const parsed = parseDockerfile(text);
  const extractor = new InstallExtractor(text, file);
  for (const stage of parsed.stages) {
    stage.instructions.forEach((instruction, i) => {
      if (instruction.keyword === 'RUN') extractor.visitRun(instruction, stage.scopes[i] ?? new Map());
    });
  }
  return { deps: extractor.deps, errors: extractor.errors };
}
