// Finds apt/apk package pins in a RUN command's text (shell or exec form), with exact offsets.
import type { TextRange } from '../../types.js';
import { MAX_SHELL_NESTING } from '../limits.js';
import { parseExecForm } from './exec-form.js';
import { splitCommands, type SimpleCommand, type Word } from './shell.js';

export interface Pin {
  tool: 'apt' | 'apk';
  name: string;
  /** apt `name:arch=version`. */
  arch?: string;
  /** As written; for a variable, `$VAR` / `${VAR}`. */
  version: string;
  /** apk `name~version`: any version starting with `version`. */
  fuzzy: boolean;
  /** Where the version (or the variable reference) is in the command text. */
  versionRange: TextRange;
  /** Set when the version is exactly `$VAR` or `${VAR}`: the caller updates that ARG/ENV default. */
  variable?: string;
  /** apk `name@tag=version`: only repositories tagged `@tag` apply. */
  repoTag?: string;
}

export interface SkippedPackage {
  tool: 'apt' | 'apk';
  /** The argument as written (after quote removal). */
  argument: string;
  reason: string;
}

export interface FoundPins {
  pins: Pin[];
  /** Package names installed without a version. */
  unpinned: string[];
  /** The same, with the tool that installs each. */
  unpinnedPackages: { tool: 'apt' | 'apk'; name: string }[];
  /** Arguments that name packages but cannot be pinned or updated as written. */
  skipped: SkippedPackage[];
  /** Set when scripts nest deeper than MAX_SHELL_NESTING (heredocs, `sh -c`): the inner ones were not read. */
  tooDeep?: true;
}

/** Maps a range in the text being scanned to a range in the original command text. */
type Remap = (range: TextRange) => TextRange;

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
 * The package pins in a RUN command. `commandText` is the instruction's text after `RUN` and its
 * flags, with continuation lines joined or not, heredoc bodies included. Pure.
 */
export function findPackagePins(commandText: string): FoundPins {
  const found: FoundPins = { pins: [], unpinned: [], unpinnedPackages: [], skipped: [] };
  const exec = parseExecForm(commandText);
  if (exec) scanCommand({ words: exec, heredocs: [] }, commandText, (r) => r, found, 0);
  else scanScript(commandText, (r) => r, found, 0);
  return found;
}

/** Each nesting level reads its script again, so the depth is capped to keep the scan linear. */
function scanScript(text: string, remap: Remap, found: FoundPins, depth: number): void {
  if (depth > MAX_SHELL_NESTING) return void (found.tooDeep = true);
  for (const command of splitCommands(text)) scanCommand(command, text, remap, found, depth);
}

function scanCommand(command: SimpleCommand, text: string, remap: Remap, found: FoundPins, depth: number): void {
  const words = commandWords(command.words);
  const name = words[0] ? basename(words[0].value) : undefined;
  const args = words.slice(1);
  if (name === 'apt-get' || name === 'apt') scanAptArgs(args, remap, found);
  else if (name === 'apk') scanApkArgs(args, remap, found);
  else if (name && SHELLS.has(name)) scanShellArgs(args, remap, found, depth);
  // A heredoc is a script when it feeds a shell (`RUN <<EOF`, `bash <<EOF`); otherwise it is data.
  const feedsShell = !name || (SHELLS.has(name) && args.every((a) => a.value.startsWith('-') && a.value !== '-c'));
  if (!feedsShell) return;
  for (const doc of command.heredocs) {
    if (doc.bodyStart < 0) continue;
    const base = doc.bodyStart;
    scanScript(text.slice(doc.bodyStart, doc.bodyEnd), (r) => remap({ start: r.start + base, end: r.end + base }), found, depth + 1);
  }
}

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
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

/** `sh -c 'script'`: the script is scanned too, its offsets mapped back through the word. */
function scanShellArgs(args: Word[], remap: Remap, found: FoundPins, depth: number): void {
  const c = args.findIndex((a) => a.value === '-c' || /^-[a-z]*c$/.test(a.value));
  const script = c >= 0 ? args[c + 1] : undefined;
  if (!script) return;
  scanScript(script.value, (r) => remap(wordRange(script, r.start, r.end)), found, depth + 1);
}

/** The original range of `word.value.slice(from, to)`. */
function wordRange(word: Word, from: number, to: number): TextRange {
  if (to <= from) {
    const at = from < word.starts.length ? word.starts[from]! : word.ends[word.ends.length - 1]!;
    return { start: at, end: at };
  }
  return { start: word.starts[from]!, end: word.ends[to - 1]! };
}

interface OptionSpec {
  /** Long options that take the next word as their value. */
  long: Set<string>;
  /** Short option letters that take a value (attached or the next word). */
  short: Set<string>;
}

const APT_OPTIONS: OptionSpec = {
  long: new Set(['--target-release', '--default-release', '--option', '--config-file', '--host-architecture', '--solver', '--planner']),
  short: new Set(['t', 'o', 'c', 'a']),
};

const APK_OPTIONS: OptionSpec = {
  long: new Set(['--virtual', '--repository', '--repositories-file', '--root', '--arch', '--keys-dir', '--cache-dir', '--wait', '--timeout', '--cache-max-age', '--progress-fd', '--from']),
  short: new Set(['t', 'X', 'p']),
};

/** Splits `[options] <subcommand> [options|operands]` into the subcommand and its operands. */
function operands(args: Word[], spec: OptionSpec): { subcommand?: string; operands: Word[] } {
  const out: Word[] = [];
  let subcommand: string | undefined;
  let endOfOptions = false;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!.value;
    if (!endOfOptions && w === '--') {
      endOfOptions = true;
    } else if (!endOfOptions && w.startsWith('--')) {
      if (!w.includes('=') && spec.long.has(w)) i++;
    } else if (!endOfOptions && w.startsWith('-') && w.length > 1) {
      const letters = w.slice(1);
      const at = [...letters].findIndex((l) => spec.short.has(l));
      if (at >= 0 && at === letters.length - 1) i++; // value is the next word, not attached
    } else if (subcommand === undefined) {
      subcommand = w;
    } else {
      out.push(args[i]!);
    }
  }
  return subcommand === undefined ? { operands: out } : { subcommand, operands: out };
}

function scanAptArgs(args: Word[], remap: Remap, found: FoundPins): void {
  const { subcommand, operands: packages } = operands(args, APT_OPTIONS);
  if (subcommand !== 'install' && subcommand !== 'reinstall') return;
  for (const word of packages) {
    const arg = word.value;
    const skip = (reason: string): void => void found.skipped.push({ tool: 'apt', argument: arg, reason });
    if (/^[./~]|\.deb$/.test(arg)) skip('a local .deb file');
    else if (hasExpansion(word, 0, arg.split('=')[0]!.length)) skip('the package name is computed');
    else {
      const m = /^([a-z0-9][a-z0-9+.-]*)(?::([a-z0-9-]+))?(?:=(.*)|\/(.+))?$/.exec(arg);
      if (!m) skip('not a package name');
      else if (m[3] === undefined) addUnpinned(found, 'apt', m[2] ? `${m[1]}:${m[2]}` : m[1]!);
      else addPin(found, word, remap, { tool: 'apt', name: m[1]!, arch: m[2], fuzzy: false, versionAt: arg.length - m[3].length });
    }
  }
}

function scanApkArgs(args: Word[], remap: Remap, found: FoundPins): void {
  const { subcommand, operands: packages } = operands(args, APK_OPTIONS);
  if (subcommand !== 'add') return;
  for (const word of packages) {
    const arg = word.value;
    const skip = (reason: string): void => void found.skipped.push({ tool: 'apk', argument: arg, reason });
    const m = /^([^=~<>@\s]+)(?:@([A-Za-z0-9_.-]+))?(?:(~=|~|=|>=|<=|><|>|<)(.*))?$/.exec(arg);
    if (/\.apk$|^[./]/.test(arg)) skip('a local .apk file');
    else if (!m || arg.startsWith('!')) skip('not a package name');
    else if (hasExpansion(word, 0, m[1]!.length)) skip('the package name is computed');
    else if (m[3] === undefined) addUnpinned(found, 'apk', m[1]!);
    else if (m[3] !== '=' && m[3] !== '~' && m[3] !== '~=') skip(`a version range (${m[3]}), not a pin`);
    else {
      const pin = { tool: 'apk' as const, name: m[1]!, fuzzy: m[3] !== '=', versionAt: arg.length - m[4]!.length, repoTag: m[2] };
      addPin(found, word, remap, pin);
    }
  }
}

function addUnpinned(found: FoundPins, tool: 'apt' | 'apk', name: string): void {
  found.unpinned.push(name);
  found.unpinnedPackages.push({ tool, name });
}

function hasExpansion(word: Word, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if ((word.value[i] === '$' || word.value[i] === '`') && !word.literal[i]) return true;
  return false;
}

interface PinStart {
  tool: Pin['tool'];
  name: string;
  arch?: string | undefined;
  fuzzy: boolean;
  /** Index in the word's value where the version starts. */
  versionAt: number;
  repoTag?: string | undefined;
}

function addPin(found: FoundPins, word: Word, remap: Remap, p: PinStart): void {
  const version = word.value.slice(p.versionAt);
  const argument = word.value;
  if (version === '') return void found.skipped.push({ tool: p.tool, argument, reason: 'empty version' });
  const variable = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})$/.exec(version);
  if (!variable && hasExpansion(word, p.versionAt, argument.length)) {
    return void found.skipped.push({ tool: p.tool, argument, reason: 'the version is computed, not a plain $VAR' });
  }
  const pin: Pin = {
    tool: p.tool,
    name: p.name,
    version,
    fuzzy: p.fuzzy,
    versionRange: remap(wordRange(word, p.versionAt, argument.length)),
  };
  if (p.arch) pin.arch = p.arch;
  if (p.repoTag) pin.repoTag = p.repoTag;
  if (variable && !word.literal[p.versionAt]) pin.variable = variable[1] ?? variable[2]!;
  found.pins.push(pin);
}
