// The size and depth caps every file parser applies, so a hostile file costs time in proportion to its size.
import { ParseError } from '../types.js';

/** Largest file read from a repository (also the GitHub tree reader's cap); real package-lock.json files fit. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Largest YAML file (compose, workflow): the YAML library takes up to ~5 µs per token, and real files are a few KiB. */
export const MAX_YAML_BYTES = 256 * 1024;

/** Deepest nesting of YAML collections, JSON values, `${…}` defaults and shell scripts inside scripts. */
export const MAX_NESTING = 64;
export const MAX_SHELL_NESTING = 8;

/** Most dependencies read from one file (a lookup each); the largest real lists have a few thousand. */
export const MAX_DEPENDENCIES_PER_FILE = 10_000;

/**
 * Most instructions read from one Dockerfile, and most characters of instruction text (continuation
 * lines joined, heredoc bodies included): each character is kept with its file offset, so this
 * bounds memory too. Real Dockerfiles have a few hundred instructions and well under 100 KiB.
 */
export const MAX_DOCKERFILE_INSTRUCTIONS = 10_000;
export const MAX_INSTRUCTION_CHARS = 2 * 1024 * 1024;

/** Work allowed for Dockerfile variable expansion in one pass: characters produced plus pattern-matching steps. */
export function expansionBudget(textLength: number): number {
  return Math.max(4 * 1024 * 1024, 4 * textLength);
}

/** Text from a file quoted in a message: at most `max` characters, so an error never echoes a whole file. */
export function excerpt(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** A file past one of the caps: reported as one located error, the rest of the file is not read. */
export class LimitError extends ParseError {
  override name = 'LimitError';
}
