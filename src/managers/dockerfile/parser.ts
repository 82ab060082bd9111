// Reads a Dockerfile the way BuildKit's parser does, keeping the file offset of every character.
import { ParseError } from '../../types.js';
import { LimitError, MAX_DOCKERFILE_INSTRUCTIONS, MAX_INSTRUCTION_CHARS } from '../limits.js';
import { type InstructionHead, mayHaveHeredocs, parseInstructionHead } from './instruction.js';
import { LineIndex } from '../line-index.js';
import { MappedBuilder } from './mapped.js';
import { buildStages } from './stages.js';
import type { Directive, DockerfileProblem, Heredoc, Instruction, MappedText, ParsedDockerfile } from './types.js';
import { ExpansionBudget } from './variables.js';
import { heredocMarkers } from './words.js';

interface PhysicalLine {
  start: number;
  /** End of the content, before `\r\n` or `\n`. */
  end: number;
}

// The value's trailing space is trimmed after matching: a lazy `(.+?)\s*$` backtracks quadratically.
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(\S.*)$/d;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);

function splitLines(text: string): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  let start = text.startsWith('\uFEFF') ? 1 : 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const next = newline < 0 ? text.length : newline;
    const end = next > start && text[next - 1] === '\r' ? next - 1 : next;
    lines.push({ start, end });
    if (newline < 0) break;
    start = newline + 1;
  }
  return lines;
}

const leadingSpace = (s: string): number => s.length - s.trimStart().length;

class DockerfileScanner {
  readonly directives: Directive[] = [];
  readonly errors: DockerfileProblem[] = [];
  readonly warnings: DockerfileProblem[] = [];
  readonly instructions: Instruction[] = [];
  escapeChar = '\\';
  private directivesOpen = true;
  private instructionChars = 0;
  private continuation = /\\[ \t]*$/;
  private readonly lines: PhysicalLine[];
  private readonly lineIndex: LineIndex;

  constructor(private readonly text: string) {
    this.lines = splitLines(text);
    this.lineIndex = new LineIndex(text);
  }

  scan(): void {
    let read = 0;
    for (let li = 0; li < this.lines.length; li++) {
      const line = this.lines[li]!;
      const content = this.content(line);
      if (this.directivesOpen && this.readDirective(line, content, li + 1)) continue;
      this.directivesOpen = false;
      const trimmed = content.trimStart();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      if (++read > MAX_DOCKERFILE_INSTRUCTIONS) {
        this.errors.push({ line: li + 1, message: `more than ${MAX_DOCKERFILE_INSTRUCTIONS} instructions; the rest of the file is not read` });
        return;
      }
      let next: number;
      try {
        next = this.readInstruction(li, line.start + leadingSpace(content));
      } catch (err) {
        if (!(err instanceof LimitError)) throw err;
        this.errors.push({ line: li + 1, message: err.message });
        return;
      }
      if (next < 0) return;
      li = next;
    }
  }

  private content(line: PhysicalLine): string {
    return this.text.slice(line.start, line.end);
  }

  /** True when the line is a parser directive; any other line closes the directive block. */
  private readDirective(line: PhysicalLine, content: string, lineNumber: number): boolean {
    const lead = leadingSpace(content);
    const m = DIRECTIVE.exec(content.slice(lead));
    const name = m?.[1]?.toLowerCase();
    const indices = m?.indices?.[2];
    if (!m || !name || !KNOWN_DIRECTIVES.has(name) || !indices) return false;
    const value = m[2]!.trimEnd();
    if (this.directives.some((d) => d.name === name)) {
      this.errors.push({ line: lineNumber, message: `only one ${name} parser directive can be used` });
      return true;
    }
    const start = line.start + lead + indices[0];
    this.directives.push({ name, value, valueRange: { start, end: start + value.length }, line: lineNumber });
    if (name === 'escape') this.setEscape(value, lineNumber);
    return true;
  }

  private setEscape(value: string, line: number): void {
    if (value !== '\\' && value !== '`') {
      this.errors.push({ line, message: `invalid escape token '${value}' does not match \` or \\` });
      return;
    }
    this.escapeChar = value;
    this.continuation = value === '`' ? /`[ \t]*$/ : /\\[ \t]*$/;
  }

  /** Appends one physical line to the logical line; true when it ends with a continuation. */
  private appendLine(logical: MappedBuilder, start: number, end: number): boolean {
    const content = this.text.slice(start, end);
    const m = this.continuation.exec(content);
    const stop = m ? start + m.index : end;
    this.spendChars(stop - start);
    logical.pushRange(this.text, start, stop);
    return m !== null;
  }

  private spendChars(count: number): void {
    this.instructionChars += count;
    if (this.instructionChars > MAX_INSTRUCTION_CHARS) {
      throw new LimitError(`more than ${MAX_INSTRUCTION_CHARS} characters of instructions; the rest of the file is not read`);
    }
  }

  /** Reads the instruction starting on line li; returns the index of its last line, -1 to stop. */
  private readInstruction(li: number, start: number): number {
    const logical = new MappedBuilder();
    let more = this.appendLine(logical, start, this.lines[li]!.end);
    while (more && li + 1 < this.lines.length) {
      li++;
      const line = this.lines[li]!;
      const trimmed = this.content(line).trimStart();
      if (trimmed.startsWith('#')) continue;
      if (trimmed === '') {
        this.warnings.push({ line: li + 1, message: 'empty continuation line' });
        continue;
      }
      more = this.appendLine(logical, line.start, line.end);
    }
    const mapped = logical.build();
    if (mapped.text.trim() === '') return li;
    const firstLine = this.lineIndex.lineOf(mapped.offsets[mapped.text.search(/\S/)]!);
    let head: InstructionHead;
    try {
      head = parseInstructionHead(mapped);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      this.errors.push({ line: firstLine, message: err.message });
      return li;
    }
    const heredocs: Heredoc[] = [];
    const last = mayHaveHeredocs(head) && mapped.text.includes('<<') ? this.readHeredocs(mapped, li, heredocs, firstLine) : li;
    this.instructions.push(this.toInstruction(head, heredocs, this.lines[last ?? li]!.end));
    // An unterminated heredoc swallows the rest of the file, as in BuildKit: stop there.
    return last ?? -1;
  }

  /** Reads the bodies announced on the line; returns the last line read, null when unterminated. */
  private readHeredocs(line: MappedText, li: number, into: Heredoc[], firstLine: number): number | null {
    for (const marker of heredocMarkers(line)) {
      const bodyLine = li + 1;
      let end = -1;
      for (let j = bodyLine; j < this.lines.length; j++) {
        let candidate = this.content(this.lines[j]!);
        if (marker.chomp) candidate = candidate.replace(/^\t+/, '');
        if (candidate === marker.name) {
          end = j;
          break;
        }
      }
      if (end < 0) {
        this.errors.push({ line: firstLine, message: `unterminated heredoc <<${marker.name}` });
        return null;
      }
      const bodyStart = this.lines[bodyLine]!.start;
      const bodyEnd = this.lines[end]!.start;
      this.spendChars(bodyEnd - bodyStart);
      into.push({ ...marker, body: this.text.slice(bodyStart, bodyEnd), bodyRange: { start: bodyStart, end: bodyEnd }, line: bodyLine + 1 });
      li = end;
    }
    return li;
  }

  private toInstruction(head: InstructionHead, heredocs: Heredoc[], end: number): Instruction {
    const start = head.keywordRange.start;
    const trigger = head.trigger ? this.toInstruction(head.trigger, heredocs, end) : null;
    return {
      keyword: head.keyword,
      keywordRange: head.keywordRange,
      range: { start, end },
      line: this.lineIndex.lineOf(start),
      endLine: this.lineIndex.lineOf(end),
      raw: this.text.slice(start, end),
      logical: head.logical,
      flags: head.flags,
      args: head.args,
      json: head.json,
      heredocs: trigger ? [] : heredocs,
      trigger,
    };
  }
}

/** Parses a Dockerfile; problems are reported in `errors` with their line, never thrown. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const scanner = new DockerfileScanner(text);
  scanner.scan();
  const budget = ExpansionBudget.forText(text);
  const { stages, globalArgs, globalScope, variables } = buildStages(scanner.instructions, scanner.escapeChar, scanner.errors, budget);
  scanner.errors.sort((a, b) => a.line - b.line);
  return {
    directives: scanner.directives,
    escapeChar: scanner.escapeChar,
    instructions: scanner.instructions,
    globalArgs,
    globalScope,
    variables,
    stages,
    errors: scanner.errors,
    warnings: scanner.warnings,
  };
}
