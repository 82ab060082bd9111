// Finds every image a Dockerfile uses: FROM, # syntax=, COPY --from=<image>, RUN --mount=from=<image>.
import { imageDependency, parseImageReference } from '../../image/reference.js';
import type { Dependency, ExtractResult, LocatedError, TextRange } from '../../types.js';
import { LimitError } from '../limits.js';
import { flagValue } from './instruction.js';
import { LineIndex } from '../line-index.js';
import { mappedFromFile, spanOf } from './mapped.js';
import { parseDockerfile } from './parser.js';
import type { Expansion, Instruction, MappedText, ParsedDockerfile, Scope, Stage, Variable } from './types.js';
import { ExpansionBudget, expandWord } from './variables.js';
import { parseMountFields } from './words.js';

export type ImageUseKind = 'from' | 'syntax' | 'copy-from' | 'mount-from';

/** Where the characters of a reference are written. */
export interface ReferencePart {
  text: string;
  /** The file range of these characters, or null when they are written nowhere. */
  range: TextRange | null;
  /** 'literal': in the instruction itself; 'variable': in an ARG/ENV value. */
  source: 'literal' | 'variable' | 'synthetic';
  variable?: { name: string; kind: 'ARG' | 'ENV'; line: number; valueRange: TextRange };
}

/** What update() needs to edit a Dockerfile dependency (Dependency.location). */
export interface DockerfileLocation {
  kind: ImageUseKind;
  /** Index of the dependency in extract()'s output. */
  index: number;
  /** The reference after expansion, and the file offset of each of its characters. */
  reference: string;
  offsets: number[];
  /** The instruction (or directive value) that uses the image. */
  instructionRange: TextRange;
  /** The reference as written in that instruction (`${BASE}`, `node:${V}-alpine`...). */
  tokenRange: TextRange;
  parts: ReferencePart[];
}

/** Dependency.extra of a Dockerfile image: the stage it is used in and how. */
export interface DockerfileDependencyData {
  /** Index of the stage (null for `# syntax=`, which is before any). */
  stage: number | null;
  stageName?: string;
  /** The stage's `--platform` as written after expansion. */
  platform?: string;
  kind: ImageUseKind;
}

declare module '../../types.js' {
  interface DependencyData {
    dockerfile: DockerfileDependencyData;
  }
}

const MANAGER = 'dockerfile';
const EMPTY_SCOPE: Scope = new Map();

interface ImageUse {
  kind: ImageUseKind;
  expansion: Expansion;
  token: MappedText;
  instructionRange: TextRange;
  stage: Stage | null;
  platform?: string | null;
}

class Extractor {
  readonly deps: Dependency[] = [];
  private readonly lines: LineIndex;
  private readonly stageNames: Set<string>;
  private readonly declarationAt: (offset: number) => Variable | undefined;
  private readonly budget: ExpansionBudget;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly parsed: ParsedDockerfile,
  ) {
    this.lines = new LineIndex(text);
    this.stageNames = new Set(parsed.stages.flatMap((stage) => (stage.name ? [stage.name] : [])));
    this.declarationAt = declarationFinder(parsed.variables);
    this.budget = ExpansionBudget.forText(text);
  }

  /** Finds the images; past the expansion budget, the error and the images found before it. */
  run(): LocatedError | null {
    try {
      this.visitAll();
      return null;
    } catch (err) {
      if (!(err instanceof LimitError)) throw err;
      return { file: this.file, ...(err.line ? { line: err.line } : {}), message: err.message };
    }
  }

  private visitAll(): void {
    const syntax = this.parsed.directives.find((d) => d.name === 'syntax');
    if (syntax) {
      const value = mappedFromFile(this.text, syntax.valueRange.start, syntax.valueRange.end);
      this.add({ kind: 'syntax', expansion: literal(value), token: value, instructionRange: syntax.valueRange, stage: null });
    }
    for (const stage of this.parsed.stages) this.visitStage(stage);
  }

  private visitStage(stage: Stage): void {
    if (stage.base.kind === 'image') {
      const { reference, token } = stage.base;
      this.add({ kind: 'from', expansion: reference, token, instructionRange: stage.from.range, stage, platform: stage.platform });
    }
    stage.instructions.forEach((instruction, i) => {
      this.visitInstruction(instruction, stage.scopes[i] ?? EMPTY_SCOPE, stage);
      // Triggers run in a later build whose variables are unknown here.
      if (instruction.trigger) this.visitInstruction(instruction.trigger, EMPTY_SCOPE, stage);
    });
  }

  private visitInstruction(instruction: Instruction, scope: Scope, stage: Stage): void {
    if (instruction.keyword === 'COPY') {
      const from = flagValue(instruction, 'from')?.value;
      if (from) this.addSource('copy-from', from, instruction, scope, stage);
    }
    if (instruction.keyword !== 'RUN') return;
    for (const flag of instruction.flags) {
      if (flag.name !== 'mount' || !flag.value) continue;
      const fields = parseMountFields(flag.value);
      const type = fields.findLast((f) => f.key === 'type')?.value.text ?? 'bind';
      const from = fields.findLast((f) => f.key === 'from')?.value;
      if ((type === 'bind' || type === 'cache') && from) this.addSource('mount-from', from, instruction, scope, stage);
    }
  }

  /** `--from=` names a stage (by name or index) or else an image. */
  private addSource(kind: ImageUseKind, token: MappedText, instruction: Instruction, scope: Scope, stage: Stage): void {
    let expansion: Expansion;
    try {
      expansion = expandWord(token, scope, this.parsed.escapeChar, this.budget);
    } catch (err) {
      throw err instanceof LimitError ? new LimitError(err.message, instruction.line) : err;
    }
    const value = expansion.value.text;
    if (expansion.unresolved.length === 0 && (value === '' || /^\d+$/.test(value) || this.isStageName(value))) return;
    this.add({ kind, expansion, token, instructionRange: instruction.range, stage });
  }

  private isStageName(value: string): boolean {
    return this.stageNames.has(value.toLowerCase());
  }

  private add(use: ImageUse): void {
    const tokenRange = spanOf(use.token) ?? use.instructionRange;
    const line = this.lines.lineOf(tokenRange.start);
    const dep = use.expansion.unresolved.length > 0 ? this.unresolved(use, line) : imageDependency(use.expansion.value.text, { manager: MANAGER, file: this.file, line });
    dep.extra = {
      stage: use.stage?.index ?? null,
      ...(use.stage?.name ? { stageName: use.stage.name } : {}),
      ...(use.platform ? { platform: use.platform } : {}),
      kind: use.kind,
    };
    const location: DockerfileLocation = {
      kind: use.kind,
      index: this.deps.length,
      reference: use.expansion.value.text,
      offsets: use.expansion.value.offsets,
      instructionRange: use.instructionRange,
      tokenRange,
      parts: referenceParts(use.expansion.value, use.instructionRange, this.declarationAt),
    };
    dep.location = location;
    this.deps.push(dep);
  }

  /** A reference with a variable that has no value: reported, never guessed. */
  private unresolved(use: ImageUse, line: number): Dependency {
    return {
      manager: MANAGER,
      datasource: 'docker',
      file: this.file,
      line,
      depName: knownName(use.expansion) ?? use.token.text,
      currentValue: null,
      currentDigest: null,
      reference: use.token.text,
      skipReason: `unresolved-variable: ${use.expansion.unresolved.join(', ')}`,
    };
  }
}

const literal = (value: MappedText): Expansion => ({ value, unresolved: [], holes: [] });

/** The normalized image name when no unresolved variable stands in (or right after) it. */
function knownName(expansion: Expansion): string | null {
  const text = expansion.value.text;
  const at = text.indexOf('@');
  const beforeDigest = at < 0 ? text : text.slice(0, at);
  const colon = beforeDigest.lastIndexOf(':');
  const nameEnd = colon > beforeDigest.lastIndexOf('/') ? colon : beforeDigest.length;
  if (expansion.holes.some((hole) => hole <= nameEnd)) return null;
  try {
    return parseImageReference(text.slice(0, nameEnd)).name;
  } catch {
    return null;
  }
}

/** The ARG/ENV declaration whose written value holds a file offset (value ranges never overlap). */
export function declarationFinder(variables: readonly Variable[]): (offset: number) => Variable | undefined {
  const written = variables.filter((v) => v.valueRange).sort((a, b) => a.valueRange!.start - b.valueRange!.start);
  return (offset) => {
    let low = 0;
    let high = written.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (written[mid]!.valueRange!.start <= offset) low = mid;
      else high = mid - 1;
    }
    const candidate = written[low];
    return candidate && candidate.valueRange!.start <= offset && offset < candidate.valueRange!.end ? candidate : undefined;
  };
}

/** Splits a reference into runs of characters written side by side, and says where each run lives. */
export function referenceParts(value: MappedText, instructionRange: TextRange, declarationAt: (offset: number) => Variable | undefined): ReferencePart[] {
  const parts: ReferencePart[] = [];
  let start = 0;
  for (let i = 1; i <= value.text.length; i++) {
    const previous = value.offsets[i - 1]!;
    const offset = value.offsets[i];
    if (i < value.text.length && previous >= 0 && offset === previous + 1) continue;
    parts.push(describeRun(value, start, i, instructionRange, declarationAt));
    start = i;
  }
  return parts;
}

function describeRun(value: MappedText, start: number, end: number, instructionRange: TextRange, declarationAt: (offset: number) => Variable | undefined): ReferencePart {
  const text = value.text.slice(start, end);
  const first = value.offsets[start]!;
  if (first < 0) return { text, range: null, source: 'synthetic' };
  const range = { start: first, end: value.offsets[end - 1]! + 1 };
  if (first >= instructionRange.start && first < instructionRange.end) return { text, range, source: 'literal' };
  const declaration = declarationAt(first);
  if (!declaration?.valueRange) return { text, range, source: 'variable' };
  const { name, kind, line, valueRange } = declaration;
  return { text, range, source: 'variable', variable: { name, kind, line, valueRange } };
}

export function extractDockerfile(text: string, file: string): ExtractResult {
  const parsed = parseDockerfile(text);
  const extractor = new Extractor(text, file, parsed);
  const limit = extractor.run();
  const errors: LocatedError[] = parsed.errors.map((problem) => ({ file, line: problem.line, message: problem.message }));
  return { deps: extractor.deps, errors: limit ? [...errors, limit] : errors };
}
