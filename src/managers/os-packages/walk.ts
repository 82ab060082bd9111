// Walks every simple command a RUN runs (shell or exec form, `sh -c` scripts, heredoc scripts), with offsets back into the RUN text.
import type { TextRange } from '../../types.js';
import { MAX_SHELL_NESTING } from '../limits.js';
import { parseExecForm } from './exec-form.js';
import { splitCommands, type SimpleCommand, type Word } from './shell.js';

/** Maps a range in the text being scanned to a range in the original command text. */
export type Remap = (range: TextRange) => TextRange;

/** Called with each command's program name (basename) and its arguments, wrappers and assignments dropped. */
export type CommandVisitor = (name: string, args: Word[], remap: Remap) => void;

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox']);
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'time']);
/** Wrappers that run the command that follows them; value = their options that take an argument. */
const WRAPPERS: Record<string, Set<string>> = {
  sudo: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-U', '-r', '-t']),
  env: new Set(['-u', '-C', '-S']),
  nice: new Set(['-n']),
  nohup: new Set(),
  exec: new Set(['-a']),
  command: new Set(),
  eatmydata: new Set(),
  stdbuf: new Set(['-i', '-o', '-e']),
};

/**
 * Visits every command of a RUN. `commandText` is the instruction's text after `RUN` and its flags,
 * heredoc bodies included. Returns true when scripts nest deeper than MAX_SHELL_NESTING (the inner ones are not read).
 */
export function walkCommands(commandText: string, visit: CommandVisitor): { tooDeep: boolean } {
  const state = { tooDeep: false };
  const exec = parseExecForm(commandText);
  if (exec) walkCommand({ words: exec, heredocs: [] }, commandText, (r) => r, visit, 0, state);
  else walkScript(commandText, (r) => r, visit, 0, state);
  return state;
}

/** Each nesting level reads its script again, so the depth is capped to keep the scan linear. */
function walkScript(text: string, remap: Remap, visit: CommandVisitor, depth: number, state: { tooDeep: boolean }): void {
  if (depth > MAX_SHELL_NESTING) return void (state.tooDeep = true);
  for (const command of splitCommands(text)) walkCommand(command, text, remap, visit, depth, state);
}

function walkCommand(command: SimpleCommand, text: string, remap: Remap, visit: CommandVisitor, depth: number, state: { tooDeep: boolean }): void {
  const words = commandWords(command.words);
  const name = words[0] ? basename(words[0].value) : undefined;
  const args = words.slice(1);
  if (name && SHELLS.has(name)) {
    const c = args.findIndex((a) => a.value === '-c' || /^-[a-z]*c$/.test(a.value));
    const script = c >= 0 ? args[c + 1] : undefined;
    if (script) walkScript(script.value, (r) => remap(wordRange(script, r.start, r.end)), visit, depth + 1, state);
  } else if (name) visit(name, args, remap);
  // A heredoc is a script when it feeds a shell (`RUN <<EOF`, `bash <<EOF`); otherwise it is data.
  const feedsShell = !name || (SHELLS.has(name) && args.every((a) => a.value.startsWith('-') && a.value !== '-c'));
  if (!feedsShell) return;
  for (const doc of command.heredocs) {
    if (doc.bodyStart < 0) continue;
    const base = doc.bodyStart;
    walkScript(text.slice(doc.bodyStart, doc.bodyEnd), (r) => remap({ start: r.start + base, end: r.end + base }), visit, depth + 1, state);
  }
}

export const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
const isAssignment = (w: Word): boolean => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value);

/** Drops leading `VAR=value` words, reserved words, RUN flags and wrappers such as `sudo -E`. */
function commandWords(words: Word[]): Word[] {
  let i = 0;
  while (i < words.length) {
    const w = words[i]!.value;
    if (isAssignment(words[i]!) || RESERVED.has(w) || w.startsWith('--mount=') || w.startsWith('--network=') || w.startsWith('--security=')) {
      i++;
      continue;
    }
    const wrapperArgs = WRAPPERS[basename(w)];
    if (!wrapperArgs) break;
    i++;
    while (i < words.length && (words[i]!.value.startsWith('-') || isAssignment(words[i]!))) {
      i += wrapperArgs.has(words[i]!.value) ? 2 : 1;
    }
  }
  return words.slice(i);
}

/** The original range of `word.value.slice(from, to)`. */
export function wordRange(word: Word, from: number, to: number): TextRange {
  if (to <= from) {
    const at = from < word.starts.length ? word.starts[from]! : word.ends[word.ends.length - 1]!;
    return { start: at, end: at };
  }
  return { start: word.starts[from]!, end: word.ends[to - 1]! };
}

/** True when word.value[from, to) holds a `$` or backtick the shell expands. */
export function hasExpansion(word: Word, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if ((word.value[i] === '$' || word.value[i] === '`') && !word.literal[i]) return true;
  return false;
}
