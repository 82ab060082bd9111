// Finds apt/apk package pins in a RUN command's text (shell or exec form), with exact offsets.
import type { TextRange } from '../../types.js';
import type { Word } from './shell.js';
import { hasExpansion, walkCommands, wordRange, type Remap } from './walk.js';

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

/**
 * The package pins in a RUN command. `commandText` is the instruction's text after `RUN` and its
 * flags, with continuation lines joined or not, heredoc bodies included. Pure.
 */
export function findPackagePins(commandText: string): FoundPins {
  const found: FoundPins = { pins: [], unpinned: [], unpinnedPackages: [], skipped: [] };
  const { tooDeep } = walkCommands(commandText, (name, args, remap) => {
    if (name === 'apt-get' || name === 'apt') scanAptArgs(args, remap, found);
    else if (name === 'apk') scanApkArgs(args, remap, found);
  });
  if (tooDeep) found.tooDeep = true;
  return found;
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
