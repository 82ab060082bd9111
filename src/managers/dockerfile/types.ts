// The shapes a parsed Dockerfile is made of: instructions, flags, heredocs, stages, variables.
import type { TextRange } from '../../types.js';

/**
 * Text with, for each character, the file offset it was read from. After continuation lines are
 * joined, quotes removed or variables expanded, the characters of one word may come from several
 * places in the file; -1 marks a character written nowhere in the file (the replacement text of a
 * `${V/a/b}` substitution).
 */
export interface MappedText {
  text: string;
  offsets: number[];
}

/** A parser directive at the very top of the file (`# syntax=...`, `# escape=...`, `# check=...`). */
export interface Directive {
  /** Lower-case directive name. */
  name: string;
  value: string;
  valueRange: TextRange;
  line: number;
}

/** A `--name=value` flag in front of an instruction's arguments. */
export interface Flag {
  name: string;
  /** The value with quotes and escapes removed, mapped to the file; null for a bare `--name`. */
  value: MappedText | null;
  /** The whole flag word as written. */
  range: TextRange;
}

/** The body of a here-document that follows a RUN, COPY or ADD line. */
export interface Heredoc {
  name: string;
  /** `<<-`: leading tabs are stripped from the body (and the terminator) when building. */
  chomp: boolean;
  /** False for `<<"EOF"` / `<<'EOF'`: the body is not expanded. */
  expand: boolean;
  /** The body lines exactly as written (each with its line ending), without the terminator. */
  body: string;
  bodyRange: TextRange;
  /** 1-based line of the first body line. */
  line: number;
}

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, ONBUILD... */
  keyword: string;
  keywordRange: TextRange;
  /** From the keyword to the end of its last line (or of its last heredoc terminator). */
  range: TextRange;
  /** 1-based line of the keyword, and of the last line. */
  line: number;
  endLine: number;
  /** text.slice(range.start, range.end). */
  raw: string;
  /** The instruction as BuildKit sees it: continuations joined, comment and blank lines dropped. */
  logical: MappedText;
  flags: Flag[];
  /** The arguments after the flags, trimmed (for RUN: the command, shell or exec form). */
  args: MappedText;
  /** The arguments are a JSON array of strings (exec form). */
  json: boolean;
  heredocs: Heredoc[];
  /** For ONBUILD: the wrapped instruction (its ranges point into the same file). */
  trigger: Instruction | null;
}

/** One ARG or ENV declaration of one name. */
export interface Variable {
  name: string;
  kind: 'ARG' | 'ENV';
  /** The expanded default/value; null when declared without one (`ARG NAME`). */
  value: MappedText | null;
  /** Variables the value needed but could not resolve. */
  unresolved: string[];
  /** Positions in value.text where an unresolved variable stood. */
  holes: number[];
  line: number;
  /** The default value as written in this declaration (quotes included), when it has one. */
  valueRange: TextRange | null;
  /** The ARG or ENV instruction that declared it. */
  declaredBy: Instruction;
}

/** Variables visible at a point: name → its declaration (the later one wins). A Map works as one. */
export interface Scope {
  get(name: string): Variable | undefined;
}

/** The result of expanding one word. */
export interface Expansion {
  value: MappedText;
  /** Names of variables that had no value (declared without default, or never declared). */
  unresolved: string[];
  /** Positions in value.text where an unresolved variable stood. */
  holes: number[];
}

export type StageBase =
  | { kind: 'image'; reference: Expansion; token: MappedText }
  | { kind: 'stage'; index: number }
  | { kind: 'scratch' }
  /** A FROM without an image (a located error was reported). */
  | { kind: 'missing' };

export interface Stage {
  index: number;
  /** Lower-case stage name from `AS name`, or null. */
  name: string | null;
  from: Instruction;
  base: StageBase;
  /** `--platform=` expanded with the global ARGs (as written when it cannot be resolved). */
  platform: string | null;
  /** Index of the stage at the end of this stage's `FROM <stage>` chain (its own index when FROM names no stage). */
  root: number;
  /** The instructions after FROM, up to the next FROM. */
  instructions: Instruction[];
  /** scopes[i]: variables visible to instructions[i] (ARGs declared in the stage, ENVs). */
  scopes: Scope[];
  /** Variables visible at the end of the stage. */
  finalScope: Scope;
}

export interface DockerfileProblem {
  line: number;
  message: string;
}

export interface ParsedDockerfile {
  directives: Directive[];
  escapeChar: string;
  /** Every instruction in file order (ONBUILD triggers are inside their ONBUILD). */
  instructions: Instruction[];
  /** ARG instructions before the first FROM. */
  globalArgs: Instruction[];
  /** Variables visible to FROM lines. */
  globalScope: Scope;
  /** Every ARG and ENV declaration in the file. */
  variables: Variable[];
  stages: Stage[];
  errors: DockerfileProblem[];
  warnings: DockerfileProblem[];
}
