// Finds Freshen commands in a comment: only at the start of a line, never in code blocks, quotes or HTML comments.
import { inlineCode } from '../markdown-safe.js';

export type Command =
  | { kind: 'rebuild'; image: string | null; line: number }
  | { kind: 'help'; line: number }
  | { kind: 'status'; line: number }
  | { kind: 'ignore'; dependency: string; version: string | null; line: number }
  | { kind: 'unignore'; dependency: string; line: number }
  /** Looked like a command but could not be understood; `problem` says why, for the reply. */
  | { kind: 'invalid'; text: string; problem: string; line: number };

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const QUOTE = /^ {0,3}>(.*)$/;
const INDENTED_CODE = /^( {4}|\t)/;
const COMMAND = /^ {0,3}\/(rebuild|freshen)(?=\s|$)(.*)$/i;

interface Fence {
  char: string;
  length: number;
}

/** The fence a line opens, if it opens one. A backtick fence's info string may not hold backticks. */
function openingFence(line: string): Fence | null {
  const match = FENCE.exec(line);
  if (!match) return null;
  const marker = match[1]!;
  if (marker[0] === '`' && match[2]!.includes('`')) return null;
  return { char: marker[0]!, length: marker.length };
}

function closesFence(line: string, fence: Fence): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
  return match !== null && match[1]![0] === fence.char && match[1]!.length >= fence.length;
}

/** Lines that are plain text at the top level of the document, with their 1-based numbers. */
function topLevelLines(body: string): Array<{ text: string; line: number }> {
  const result: Array<{ text: string; line: number }> = [];
  let fence: Fence | null = null;
  let inHtmlComment = false;
  // A quoted paragraph swallows following non-blank lines (markdown's lazy continuation).
  let inQuotedParagraph = false;
  body.split(/\r\n|\r|\n/).forEach((text, index) => {
    if (fence) {
      if (closesFence(text, fence)) fence = null;
      return;
    }
    if (inHtmlComment) {
      if (text.includes('-->')) inHtmlComment = false;
      return;
    }
    if (text.trim() === '') {
      inQuotedParagraph = false;
      return;
    }
    fence = openingFence(text);
    if (fence) {
      inQuotedParagraph = false;
      return;
    }
    const quote = QUOTE.exec(text);
    if (quote) {
      inQuotedParagraph = quote[1]!.trim() !== '';
      return;
    }
    if (inQuotedParagraph || INDENTED_CODE.test(text)) return;
    if (/^ {0,3}<!--/.test(text)) {
      inHtmlComment = !text.includes('-->');
      return;
    }
    result.push({ text, line: index + 1 });
  });
  return result;
}

function parseFreshen(args: string[], text: string, line: number): Command {
  const [sub = 'help', ...rest] = args;
  switch (sub.toLowerCase()) {
    case 'help':
      return { kind: 'help', line };
    case 'status':
      return { kind: 'status', line };
    case 'ignore':
      if (rest.length < 1 || rest.length > 2) {
        return { kind: 'invalid', text, problem: 'usage: `/freshen ignore <dependency> [<version>]`', line };
      }
      return { kind: 'ignore', dependency: rest[0]!, version: rest[1] ?? null, line };
    case 'unignore':
      if (rest.length !== 1) return { kind: 'invalid', text, problem: 'usage: `/freshen unignore <dependency>`', line };
      return { kind: 'unignore', dependency: rest[0]!, line };
    default:
      return { kind: 'invalid', text, problem: `unknown command ${inlineCode(`/freshen ${sub}`)}; try \`/freshen help\``, line };
  }
}

function parseLine(text: string, line: number): Command | null {
  const match = COMMAND.exec(text);
  if (!match) return null;
  const args = match[2]!.trim().split(/\s+/).filter(Boolean);
  const written = text.trim();
  if (match[1]!.toLowerCase() === 'freshen') return parseFreshen(args, written, line);
  if (args.length > 1) return { kind: 'invalid', text: written, problem: 'usage: `/rebuild [<image>]` (one image at most)', line };
  return { kind: 'rebuild', image: args[0] ?? null, line };
}

/** The commands in a comment body, in order. */
export function parseCommands(body: string | null | undefined): Command[] {
  if (!body) return [];
  return topLevelLines(body)
    .map(({ text, line }) => parseLine(text, line))
    .filter((c): c is Command => c !== null);
}
