// One logical Dockerfile line → keyword, flags and arguments (ONBUILD wraps another instruction).
import { ParseError } from '../../types.js';
import { excerpt } from '../limits.js';
import { emptyMapped, sliceMapped, trimMapped } from './mapped.js';
import type { Flag, Instruction, MappedText } from './types.js';
import { extractFlags, parseExecForm, rangeOfSlice } from './words.js';

export const KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const NOT_TRIGGERS = new Set(['ONBUILD', 'FROM', 'MAINTAINER']);

/** The fields of an instruction that its logical line alone determines. */
export type InstructionHead = Pick<Instruction, 'keyword' | 'keywordRange' | 'logical' | 'flags' | 'args' | 'json'> & {
  trigger: InstructionHead | null;
};

/** Parses a logical line; throws ParseError (without a line) for an unknown or invalid keyword. */
export function parseInstructionHead(logical: MappedText): InstructionHead {
  const line = trimMapped(logical);
  const keywordEnd = line.text.search(/\s|$/);
  const keyword = line.text.slice(0, keywordEnd).toUpperCase();
  if (!KEYWORDS.has(keyword)) throw new ParseError(`unknown instruction: ${excerpt(line.text.slice(0, keywordEnd))}`);
  const rest = keywordEnd < line.text.length ? sliceMapped(line, keywordEnd) : emptyMapped();
  const keywordRange = rangeOfSlice(line, 0, keywordEnd);
  if (keyword === 'ONBUILD') {
    const inner = trimMapped(rest);
    if (inner.text === '') throw new ParseError('ONBUILD requires an instruction to trigger');
    const trigger = parseInstructionHead(inner);
    if (NOT_TRIGGERS.has(trigger.keyword)) throw new ParseError(`${trigger.keyword} isn't allowed as an ONBUILD trigger`);
    return { keyword, keywordRange, logical: line, flags: [], args: inner, json: false, trigger };
  }
  const { flags, argsStart } = extractFlags(rest);
  const args = trimMapped(sliceMapped(rest, argsStart));
  return {
    keyword,
    keywordRange,
    logical: line,
    flags: flags.map((flag): Flag => toFlag(flag.word, rangeOfSlice(rest, flag.start, flag.end))),
    args,
    json: args.text.startsWith('[') && parseExecForm(args) !== null,
    trigger: null,
  };
}

function toFlag(word: MappedText, range: Flag['range']): Flag {
  const body = sliceMapped(word, 2);
  const eq = body.text.indexOf('=');
  if (eq < 0) return { name: body.text, value: null, range };
  return { name: body.text.slice(0, eq), value: sliceMapped(body, eq + 1), range };
}

/** RUN, COPY and ADD in shell form (also as an ONBUILD trigger) may announce here-documents. */
export function mayHaveHeredocs(head: InstructionHead): boolean {
  const target = head.trigger ?? head;
  return HEREDOC_KEYWORDS.has(target.keyword) && !target.json;
}

/** The value of the last flag with this name (BuildKit keeps the last), or undefined. */
export function flagValue(instruction: Pick<Instruction, 'flags'>, name: string): Flag | undefined {
  return instruction.flags.findLast((flag) => flag.name === name);
}
