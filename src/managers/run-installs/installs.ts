// Finds pinned installs in a RUN command's text (pip, npm, go, gem, cargo), with the exact offsets of each version.
import type { TextRange } from '../../types.js';
import type { Word } from '../os-packages/shell.js';
import { hasExpansion, walkCommands, wordRange, type Remap } from '../os-packages/walk.js';

export type Installer = 'pip' | 'npm' | 'go' | 'gem' | 'cargo';
export const VERSION_MARK = '{version}';

export interface InstallPin {
  installer: Installer;
  name: string;
  /** As written; for a variable, `$VAR` / `${VAR}`. */
  version: string;
  /** Where the version (or the variable reference) is in the command text. */
  versionRange: TextRange;
  /** Set when the version is exactly `$VAR` or `${VAR}`: the caller updates that ARG/ENV default. */
  variable?: string;
  /** The install argument as written, `{version}` where the version goes (`requests[socks]=={version}`, `tool --version {version}`). */
  pin: string;
  /** Why this pin cannot be updated as written (a dist-tag, a computed version). */
  problem?: string;
}

export interface FoundInstalls {
  pins: InstallPin[];
  /** Arguments pinned to an empty version (`requests==`): the install fails when the image builds. */
  empty: string[];
  tooDeep?: true;
}

interface OptionSpec {
  /** Options (as written, dashes included) that take the next word as their value. */
  long: Set<string>;
  /** Letters of bundled short options (`-xvf`) that take a value; empty for tools without bundling. */
  short: Set<string>;
}

interface ParsedArgs {
  subcommand?: string;
  operands: Word[];
  /** Options with a value: the option, the word holding the value and where in it the value starts. */
  values: { option: string; word: Word; at: number }[];
}

const spec = (long: string[], short = ''): OptionSpec => ({ long: new Set(long), short: new Set(short) });

const PIP_OPTIONS = spec(
  ['-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target',
    '--prefix', '--root', '--src', '--platform', '--python-version', '--implementation', '--abi', '--trusted-host', '--cache-dir', '--progress-bar',
    '--log', '--proxy', '--timeout', '--retries', '--exists-action', '--cert', '--client-cert', '-C', '--config-settings', '--global-option',
    '--upgrade-strategy', '--only-binary', '--no-binary', '--python', '--report', '--root-user-action'],
  'rceiftC',
);
const NPM_OPTIONS = spec(['--prefix', '--registry', '--cache', '--tag', '-w', '--workspace', '--omit', '--include', '--install-strategy', '--userconfig',
  '--globalconfig', '--loglevel', '--before', '--location', '-C']);
const GO_OPTIONS = spec(['-C', '-p', '-tags', '-ldflags', '-gcflags', '-asmflags', '-gccgoflags', '-mod', '-modfile', '-o', '-pkgdir', '-toolexec',
  '-buildmode', '-compiler', '-installsuffix', '-overlay', '-pgo', '-covermode', '-coverpkg']);
const GEM_OPTIONS = spec(['-v', '--version', '-i', '--install-dir', '-n', '--bindir', '--document', '-s', '--source', '-p', '--http-proxy', '--platform',
  '-g', '--file', '--build-root', '-P', '--trust-policy'], 'vinspgP');
const CARGO_OPTIONS = spec(['--version', '--vers', '--git', '--branch', '--tag', '--rev', '--path', '--root', '--index', '--registry', '-F', '--features',
  '--target', '--profile', '-j', '--jobs', '--bin', '--example', '--target-dir', '--config', '-Z', '--color'], 'FjZ');

const NPM_INSTALL = new Set(['install', 'i', 'add', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall']);
/** A PEP 440 version as pins write it. */
const PIP_VERSION = /^[A-Za-z0-9][A-Za-z0-9.+!_-]*$/;
/** npm accepts any plain word after `@`; only one starting with a digit is a version (else a dist-tag such as `latest`). */
const NPM_VERSION = /^v?[0-9][0-9A-Za-z.+-]*$/;
const PLAIN_WORD = /^[A-Za-z0-9][A-Za-z0-9.+_-]*$/;
const VARIABLE = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})$/;

/** The pinned installs in a RUN command (the text after `RUN` and its flags, heredoc bodies included). Pure. */
export function findInstallPins(commandText: string): FoundInstalls {
  const found: FoundInstalls = { pins: [], empty: [] };
  const { tooDeep } = walkCommands(commandText, (name, args, remap) => {
    if (/^pip[0-9.]*$/.test(name)) scanPip(args, remap, found);
    else if (/^python[0-9.]*$/.test(name) && args[0]?.value === '-m' && args[1]?.value === 'pip') scanPip(args.slice(2), remap, found);
    else if (name === 'uv' && args[0]?.value === 'pip') scanPip(args.slice(1), remap, found);
    else if (name === 'npm') scanNpm(args, remap, found);
    else if (name === 'go') scanGo(args, remap, found);
    else if (name === 'gem') scanGem(args, remap, found);
    else if (name === 'cargo') scanCargo(args, remap, found);
  });
  if (tooDeep) found.tooDeep = true;
  return found;
}

/** Splits `[options] <subcommand> [options|operands]`, keeping the values of options that take one. */
function parseArgs(args: Word[], options: OptionSpec): ParsedArgs {
  const parsed: ParsedArgs = { operands: [], values: [] };
  let endOfOptions = false;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const w = word.value;
    if (!endOfOptions && w === '--') endOfOptions = true;
    else if (!endOfOptions && w.startsWith('-') && w.length > 1) {
      const eq = w.indexOf('=');
      const option = eq < 0 ? w : w.slice(0, eq);
      if (eq >= 0) parsed.values.push({ option, word, at: eq + 1 });
      else if (options.long.has(w) || (!w.startsWith('--') && options.short.has(w.at(-1)!) && [...w.slice(1)].every((l) => /[A-Za-z]/.test(l)))) {
        const value = args[++i];
        const short = w.startsWith('--') || options.long.has(w) ? w : `-${w.at(-1)}`;
        if (value) parsed.values.push({ option: short, word: value, at: 0 });
      }
    } else if (parsed.subcommand === undefined) parsed.subcommand = w;
    else parsed.operands.push(word);
  }
  return parsed;
}

interface PinAt {
  installer: Installer;
  name: string;
  word: Word;
  /** Where the version starts in the word. */
  at: number;
  /** The pin as written with the version replaced by `{version}`. */
  pin: (mark: string) => string;
  /** Whether a plain version is one (false: a tag or range, reported as a problem). */
  isVersion: (version: string) => boolean;
}

function addPin(found: FoundInstalls, remap: Remap, p: PinAt): void {
  const version = p.word.value.slice(p.at);
  if (version === '') return void found.empty.push(p.word.value);
  const variable = VARIABLE.exec(version);
  const pin: InstallPin = {
    installer: p.installer,
    name: p.name,
    version,
    versionRange: remap(wordRange(p.word, p.at, p.word.value.length)),
    pin: p.pin(VERSION_MARK),
  };
  if (variable && !p.word.literal[p.at]) pin.variable = variable[1] ?? variable[2]!;
  else if (hasExpansion(p.word, p.at, p.word.value.length)) pin.problem = 'the version is computed, not a plain $VAR';
  else if (!PLAIN_WORD.test(version)) return; // a range (`>=1`, `^1.2`, `1.*`): not a pin
  else if (!p.isVersion(version)) pin.problem = `not-pinned: ${version} is a tag, not a version`;
  found.pins.push(pin);
}

function scanPip(args: Word[], remap: Remap, found: FoundInstalls): void {
  const { subcommand, operands } = parseArgs(args, PIP_OPTIONS);
  if (subcommand !== 'install') return;
  for (const word of operands) {
    const m = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(\[[^\]]*\])?==(?!=)/.exec(word.value);
    if (!m || hasExpansion(word, 0, m[1]!.length)) continue;
    const head = m[0];
    addPin(found, remap, { installer: 'pip', name: m[1]!, word, at: head.length, pin: (v) => head + v, isVersion: (v) => PIP_VERSION.test(v) });
  }
}

function scanNpm(args: Word[], remap: Remap, found: FoundInstalls): void {
  const { subcommand, operands } = parseArgs(args, NPM_OPTIONS);
  if (!subcommand || !NPM_INSTALL.has(subcommand)) return;
  for (const word of operands) {
    const m = /^((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)@/i.exec(word.value);
    if (!m || hasExpansion(word, 0, m[1]!.length)) continue;
    const head = m[0];
    addPin(found, remap, { installer: 'npm', name: m[1]!, word, at: head.length, pin: (v) => head + v, isVersion: (v) => NPM_VERSION.test(v) });
  }
}

function scanGo(args: Word[], remap: Remap, found: FoundInstalls): void {
  const { subcommand, operands } = parseArgs(args, GO_OPTIONS);
  if (subcommand !== 'install') return;
  for (const word of operands) {
    const m = /^([A-Za-z0-9][\w.~/-]*)@/.exec(word.value);
    if (!m || hasExpansion(word, 0, m[1]!.length)) continue;
    const head = m[0];
    addPin(found, remap, { installer: 'go', name: m[1]!, word, at: head.length, pin: (v) => head + v, isVersion: (v) => /^v[0-9]/.test(v) });
  }
}

const isGemVersion = (v: string) => /^[0-9][0-9A-Za-z.]*$/.test(v);

function scanGem(args: Word[], remap: Remap, found: FoundInstalls): void {
  const { subcommand, operands, values } = parseArgs(args, GEM_OPTIONS);
  if (subcommand !== 'install' && subcommand !== 'i') return;
  const names = operands.filter((w) => /^[A-Za-z0-9][\w.-]*$/.test(w.value));
  const flag = values.find((v) => v.option === '-v' || v.option === '--version');
  // `-v` pins the one gem named; with several it is ambiguous, so none is read as pinned.
  if (flag && names.length === 1) {
    const name = names[0]!.value;
    const written = flag.at > 0 ? `${flag.option}=` : `${flag.option} `;
    addPin(found, remap, { installer: 'gem', name, word: flag.word, at: flag.at, pin: (v) => `${name} ${written}${v}`, isVersion: isGemVersion });
  }
  for (const word of operands) {
    const m = /^([A-Za-z0-9][\w.-]*):/.exec(word.value);
    if (!m) continue;
    const head = m[0];
    addPin(found, remap, { installer: 'gem', name: m[1]!, word, at: head.length, pin: (v) => head + v, isVersion: isGemVersion });
  }
}

const isCrateVersion = (v: string) => /^[0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z.+-]*$/.test(v);

function scanCargo(args: Word[], remap: Remap, found: FoundInstalls): void {
  const { subcommand, operands, values } = parseArgs(args, CARGO_OPTIONS);
  if (subcommand !== 'install') return;
  const names = operands.filter((w) => /^[A-Za-z0-9][\w-]*$/.test(w.value));
  const flag = values.find((v) => v.option === '--version' || v.option === '--vers');
  if (flag && names.length === 1) {
    const name = names[0]!.value;
    const written = flag.at > 0 ? `${flag.option}=` : `${flag.option} `;
    addPin(found, remap, { installer: 'cargo', name, word: flag.word, at: flag.at, pin: (v) => `${name} ${written}${v}`, isVersion: isCrateVersion });
  }
  for (const word of operands) {
    const m = /^([A-Za-z0-9][\w-]*)@/.exec(word.value);
    if (!m) continue;
    const head = m[0];
    addPin(found, remap, { installer: 'cargo', name: m[1]!, word, at: head.length, pin: (v) => head + v, isVersion: isCrateVersion });
  }
}
