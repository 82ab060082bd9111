// Build stages and the variables each instruction sees: global ARGs, stage ARGs and ENVs.
import { excerpt, LimitError } from '../limits.js';
import { flagValue } from './instruction.js';
import { sliceMapped, spanOf, splitOnWhitespace } from './mapped.js';
import { VariableScope } from './scope.js';
import type { DockerfileProblem, Instruction, MappedText, Scope, Stage, StageBase, Variable } from './types.js';
import { expandWord, type ExpansionBudget } from './variables.js';
import { splitWords } from './words.js';

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

export interface StagesResult {
  stages: Stage[];
  globalArgs: Instruction[];
  globalScope: Scope;
  variables: Variable[];
}

class StageBuilder {
  readonly stages: Stage[] = [];
  readonly globalArgs: Instruction[] = [];
  readonly variables: Variable[] = [];
  private globalScope = VariableScope.empty;
  private scope = VariableScope.empty;
  /** The ENV variables of the current stage alone: what a stage built on it inherits. */
  private env = VariableScope.empty;
  private readonly finalEnv: VariableScope[] = [];
  /** First stage of each name: FROM and --from= name earlier stages. */
  private readonly stagesByName = new Map<string, Stage>();
  private current: Stage | null = null;

  constructor(
    private readonly escapeChar: string,
    private readonly errors: DockerfileProblem[],
    private readonly budget: ExpansionBudget,
  ) {}

  result(): StagesResult {
    this.closeStage();
    return { stages: this.stages, globalArgs: this.globalArgs, globalScope: this.globalScope, variables: this.variables };
  }

  add(instruction: Instruction): void {
    if (instruction.keyword === 'FROM') return this.startStage(instruction);
    if (!this.current) return this.addGlobal(instruction);
    this.current.instructions.push(instruction);
    this.current.scopes.push(this.scope);
    if (instruction.keyword === 'ARG') this.scope = this.declareArgs(instruction, this.scope, false);
    if (instruction.keyword === 'ENV') this.declareEnv(instruction);
  }

  private addGlobal(instruction: Instruction): void {
    if (instruction.keyword !== 'ARG') {
      this.errors.push({ line: instruction.line, message: `${instruction.keyword} before the first FROM: only ARG may come before it` });
      return;
    }
    this.globalArgs.push(instruction);
    this.globalScope = this.declareArgs(instruction, this.globalScope, true);
  }

  private closeStage(): void {
    if (!this.current) return;
    this.current.finalScope = this.scope;
    this.finalEnv[this.current.index] = this.env;
  }

  private startStage(from: Instruction): void {
    this.closeStage();
    const words = splitOnWhitespace(from.args);
    const validShape = words.length === 1 || (words.length === 3 && words[1]!.text.toLowerCase() === 'as');
    if (!validShape) this.errors.push({ line: from.line, message: `FROM requires either one or three arguments (FROM <image> [AS <name>])${extraWords(words)}` });
    const name = words.length === 3 ? this.stageName(words[2]!.text, from.line) : null;
    const index = this.stages.length;
    // `FROM ubuntu latest` fails the build; its first word is not the image the author meant, so it is no dependency.
    const base: StageBase = words.length > 0 && !validShape ? { kind: 'missing' } : this.stageBase(words[0], from.line);
    const stage: Stage = {
      index,
      name,
      from,
      base,
      platform: this.platform(from),
      root: base.kind === 'stage' ? this.stages[base.index]!.root : index,
      instructions: [],
      scopes: [],
      finalScope: new Map(),
    };
    this.stages.push(stage);
    if (name !== null && !this.stagesByName.has(name)) this.stagesByName.set(name, stage);
    this.current = stage;
    // A stage built on another stage keeps that stage's ENV variables (not its ARGs).
    this.env = stage.base.kind === 'stage' ? this.finalEnv[stage.base.index]! : VariableScope.empty;
    this.scope = this.env;
  }

  private stageName(written: string, line: number): string | null {
    const name = written.toLowerCase();
    if (!STAGE_NAME.test(name)) {
      this.errors.push({ line, message: `invalid name for build stage: "${written}", name can't start with a number or contain symbols` });
      return null;
    }
    if (this.stagesByName.has(name)) {
      this.errors.push({ line, message: `duplicate stage name "${written}"` });
    }
    return name;
  }

  private stageBase(token: MappedText | undefined, line: number): StageBase {
    if (!token) {
      this.errors.push({ line, message: 'FROM without an image' });
      return { kind: 'missing' };
    }
    const reference = expandWord(token, this.globalScope, this.escapeChar, this.budget);
    if (reference.unresolved.length > 0) return { kind: 'image', reference, token };
    const text = reference.value.text;
    if (text === 'scratch') return { kind: 'scratch' };
    const stage = this.stagesByName.get(text.toLowerCase());
    if (stage) return { kind: 'stage', index: stage.index };
    if (text === '') {
      this.errors.push({ line, message: 'FROM without an image' });
      return { kind: 'missing' };
    }
    return { kind: 'image', reference, token };
  }

  private platform(from: Instruction): string | null {
    const value = flagValue(from, 'platform')?.value;
    if (!value) return null;
    const expanded = expandWord(value, this.globalScope, this.escapeChar, this.budget);
    return expanded.unresolved.length > 0 ? value.text : expanded.value.text;
  }

  private declareArgs(instruction: Instruction, scope: VariableScope, global: boolean): VariableScope {
    let next = scope;
    for (const word of splitWords(instruction.args, this.escapeChar)) {
      const eq = word.text.indexOf('=');
      const name = eq < 0 ? word.text : word.text.slice(0, eq);
      if (scope.get(name)?.kind === 'ENV') continue;
      const variable =
        eq < 0 ? this.inheritedArg(name, instruction, global) : this.declared(name, 'ARG', sliceMapped(word, eq + 1), instruction, scope);
      this.variables.push(variable);
      next = next.with(name, variable);
    }
    return next;
  }

  /** `ARG NAME` without a default: inside a stage it takes the global default, if any. */
  private inheritedArg(name: string, instruction: Instruction, global: boolean): Variable {
    const outer = global ? undefined : this.globalScope.get(name);
    return {
      name,
      kind: 'ARG',
      value: outer?.value ?? null,
      unresolved: outer?.unresolved ?? [],
      holes: outer?.holes ?? [],
      line: instruction.line,
      valueRange: null,
      declaredBy: instruction,
    };
  }

  /** Every value is expanded in the scope before the instruction; then all its names are declared. */
  private declareEnv(instruction: Instruction): void {
    const scope = this.scope;
    const words = splitWords(instruction.args, this.escapeChar);
    const first = words[0];
    if (first && !first.text.includes('=')) {
      const rest = sliceMapped(instruction.args, first.text.length).text.trimStart();
      const value = sliceMapped(instruction.args, instruction.args.text.length - rest.length);
      if (rest === '') this.errors.push({ line: instruction.line, message: 'ENV must have two arguments' });
      this.declareOneEnv(this.declared(first.text, 'ENV', value, instruction, scope));
      return;
    }
    for (const word of words) {
      const eq = word.text.indexOf('=');
      if (eq <= 0) {
        this.errors.push({ line: instruction.line, message: `ENV: can't find = in "${excerpt(word.text)}", must be of the form name=value` });
        continue;
      }
      this.declareOneEnv(this.declared(word.text.slice(0, eq), 'ENV', sliceMapped(word, eq + 1), instruction, scope));
    }
  }

  private declareOneEnv(variable: Variable): void {
    this.variables.push(variable);
    this.scope = this.scope.with(variable.name, variable);
    this.env = this.env.with(variable.name, variable);
  }

  private declared(name: string, kind: 'ARG' | 'ENV', written: MappedText, instruction: Instruction, scope: Scope): Variable {
    const expansion = expandWord(written, scope, this.escapeChar, this.budget);
    return {
      name,
      kind,
      value: expansion.value,
      unresolved: expansion.unresolved,
      holes: expansion.holes,
      line: instruction.line,
      valueRange: spanOf(written),
      declaredBy: instruction,
    };
  }
}

/** The image a stage finally builds on, following `FROM <stage>` chains; null for scratch or a broken FROM. */
export function baseImageOf(stages: readonly Stage[], stage: Stage): Extract<StageBase, { kind: 'image' }> | null {
  const root = stages[stage.root];
  return root?.base.kind === 'image' ? root.base : null;
}

/** Stages of the instructions; past the expansion budget, one error and the instructions after it are left out. */
export function buildStages(instructions: Instruction[], escapeChar: string, errors: DockerfileProblem[], budget: ExpansionBudget): StagesResult {
  const builder = new StageBuilder(escapeChar, errors, budget);
  for (const instruction of instructions) {
    try {
      builder.add(instruction);
    } catch (err) {
      if (!(err instanceof LimitError)) throw err;
      errors.push({ line: instruction.line, message: err.message });
      break;
    }
  }
  return builder.result();
}

/** What a misshapen FROM holds, so the error shows it (`"ubuntu latest" is 2 words; the image is not looked up`). */
function extraWords(words: MappedText[]): string {
  if (words.length === 0) return '';
  const written = words.map((w) => w.text).join(' ');
  const shown = written.length > 80 ? `${written.slice(0, 80)}…` : written;
  return `: "${shown}" is ${words.length} words; the image is not looked up`;
}
