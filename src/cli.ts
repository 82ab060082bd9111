#!/usr/bin/env node
// freshen extract|scan <dir>: the engine on a local checkout, no GitHub and no Redis.
import './node-version.js';
import { realpathSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { withoutUserInfoIn } from './http/url.js';
import { directorySource } from './engine/directory-source.js';
import { applyUpdatesWithArtifacts } from './engine/artifacts.js';
import { extractAll, scan } from './engine/index.js';
import type { PlannedUpdate } from './engine/types.js';
import { renderTable } from './text-table.js';
import { humanScan } from './cli-scan-summary.js';
import type { Dependency, LocatedError } from './types.js';
import { parseDuration } from './insight/index.js';
import { isLiteralPlatform } from './insight/platforms.js';
import { CliSetupError, cliScanSetup, loadCliConfig, markIgnored, runConfigCheck } from './cli-config.js';
import { notIgnored } from './config/apply.js';
import { groupUpdates, matchesAny } from './config/groups.js';
import type { RepoConfig } from './config/repo-config.js';

const USAGE = `Usage:
  freshen extract <dir> [--json]            list every image dependency found
  freshen scan <dir> [--json] [--write]     look up newer tags and digests; --write applies them
      [--platform os/arch]...                platforms built for (default linux/amd64, or FROM --platform)
      [--min-release-age "3 days"]           hold back releases younger than this
      [--what-changed]                       read base images' OS package lists and diff them
  freshen config check [dir] [--json]       validate <dir>/.github/freshen.yml (default dir: .)

extract and scan apply <dir>/.github/freshen.yml as the app does (ignore, groups, registries,
osMirrors, platform(s), minimumReleaseAge, schedule...); flags and the variables below win over it.
An invalid config stops scan (exit 1). Keys: docs/configuration.md.

Environment:
  FRESHEN_INSECURE_REGISTRIES=host:port,...  registries and package mirrors allowed on plain HTTP / private addresses
  FRESHEN_OS_MIRRORS=from=to,...             package mirror URL prefixes as images write them → prefixes to use
  FRESHEN_GITHUB_API=https://api.github.com  GitHub API read (anonymously) for the releases and tags of tools Dockerfiles download
  FRESHEN_PLATFORM=linux/amd64               platform whose base image is read for OS package pins
  DOCKER_CONFIG                              directory of Docker's config.json (registry credentials)
  FRESHEN_REGISTRY_CREDENTIALS               the app's JSON of named credentials, for the config's registries[].credentials
  FRESHEN_OSV_URL                            OSV API to ask which vulnerabilities updates fix (off unless set;
                                             implies --what-changed); e.g. https://api.osv.dev
  FRESHEN_DEBIAN_RELEASES_URL                Debian's / Alpine's published release data (debian.csv of distro-info-data,
  FRESHEN_ALPINE_RELEASES_URL                releases.json), to date an unmaintained base's end of support (off unless set)
  PIP_INDEX_URL                              Python package index (default: the public PyPI); a user:password@ in it
                                             is sent to that URL's origin only. npm reads .npmrc

Exit codes: 0 success, 1 some files or dependencies failed (the rest is still reported) or the
config is invalid, 2 usage.`;

class UsageError extends Error {}
/** `--help`: the usage text on stdout, exit 0 (it is not a mistake). */
class HelpRequested extends Error {}

interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Everything the CLI prints goes through here: a URL's user and password never reach the terminal or a CI log. */
export function runCli(argv: string[], io: CliIo): Promise<number> {
  return run(argv, { ...io, out: (text) => io.out(withoutUserInfoIn(text)), err: (text) => io.err(withoutUserInfoIn(text)) });
}

async function run(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCommand(argv);
    const info = await stat(parsed.dir).catch(() => null);
    if (!info?.isDirectory()) throw new UsageError(`not a directory: ${parsed.dir}`);
  } catch (err) {
    if (err instanceof HelpRequested) {
      io.out(`${USAGE}\n`);
      return 0;
    }
    if (!(err instanceof UsageError)) throw err;
    io.err(`freshen: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  const { command, dir, json, write } = parsed;
  const source = directorySource(dir);
  if (command === 'config') return runConfigCheck(source, json, io);
  const loaded = await loadCliConfig(source, io);

  if (command === 'extract') {
    const { dependencies, errors } = await extractAll(source);
    const listed = loaded.config ? markIgnored(dependencies, loaded.config) : dependencies;
    const output = { dependencies: listed.filter(isDependency).map(publicDependency), errors: [...loaded.problems, ...errors] };
    io.out(json ? JSON.stringify(output, null, 2) + '\n' : humanExtract(output.dependencies, output.errors));
    return output.errors.length > 0 ? 1 : 0;
  }
  // As in the app: an invalid config changes nothing.
  if (!loaded.config) {
    io.out(json ? JSON.stringify({ updates: [], held: [], errors: loaded.problems }, null, 2) + '\n' : `Nothing scanned: the config is invalid.\n${humanErrors(loaded.problems)}`);
    return 1;
  }

  let setup: ReturnType<typeof cliScanSetup>;
  try {
    setup = cliScanSetup(loaded.config, io.env, parsed.insight);
  } catch (err) {
    if (!(err instanceof CliSetupError)) throw err;
    io.err(`freshen: ${err.message}\n`);
    return 2;
  }
  const result = await scan(source, setup.context, setup.options);
  const errors = [...setup.configErrors, ...result.errors];
  const wanted = notIgnored(result.updates, setup.config);
  let applied: PlannedUpdate[] = [];
  if (write) {
    const outcome = await writeUpdates(dir, wanted, io.env);
    applied = outcome.applied;
    errors.push(...outcome.errors);
  }
  // With named groups, each update says which PR the app would put it in.
  const groupOf = setup.config.groups.length > 0 ? groupNames(wanted, setup.config) : undefined;
  const updates = wanted.map((u) => {
    const { manager, file, line, depName, from, to, updateType, notes, extra } = u;
    return { manager, file, line, depName, from, to, updateType, ...(groupOf ? { group: groupOf.get(u) } : {}), ...(notes?.length ? { notes } : {}), ...insightFields(extra) };
  });
  const held = result.held.filter((h) => !matchesAny(h.update, setup.config.ignore)).map(({ update, reason, eligibleAt }) => ({
    file: update.file, line: update.line, depName: update.depName, from: update.from, to: update.to, reason, ...(eligibleAt ? { eligibleAt } : {}),
    ...(update.extra?.unmaintained ? { unmaintained: update.extra.unmaintained } : {}),
  }));
  const report = { dependencies: result.dependencies.filter(isDependency), updates: wanted, held, errors, applied: write ? applied : null };
  io.out(json ? JSON.stringify({ updates, held, errors }, null, 2) + '\n' : humanScan(report));
  return errors.length > 0 ? 1 : 0;
}

/** Update → the name of the PR group the app would give it. */
function groupNames(updates: PlannedUpdate[], config: RepoConfig): Map<PlannedUpdate, string> {
  return new Map([...groupUpdates(updates, config)].flatMap(([group, list]) => list.map((u) => [u, group] as const)));
}

const OPTIONS = {
  json: { type: 'boolean', default: false }, write: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' },
  platform: { type: 'string', multiple: true }, 'min-release-age': { type: 'string' }, 'what-changed': { type: 'boolean', default: false },
} as const;

function parseCommand(argv: string[]) {
  // Not strict: parseArgs' own errors name Node's conventions, not Freshen's; checkOptions says it in Freshen's words.
  const { values, positionals, tokens } = parseArgs({ args: argv, allowPositionals: true, strict: false, tokens: true, options: OPTIONS });
  if (values.help === true) throw new HelpRequested();
  checkOptions(tokens);
  if (positionals[0] === 'config') {
    return parseConfigCommand(positionals.slice(1), {
      json: values.json === true, write: values.write === true, platform: values.platform as string[] | undefined,
      'min-release-age': values['min-release-age'] as string | undefined, 'what-changed': values['what-changed'] === true,
    });
  }
  const [command, dir, ...rest] = positionals;
  if (command !== 'extract' && command !== 'scan') throw new UsageError(command ? `unknown command "${command}"` : 'no command');
  if (!dir) throw new UsageError(`${command} needs a directory`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (values.write && command !== 'scan') throw new UsageError('--write goes with scan');
  const platforms = (values.platform ?? []) as string[];
  for (const p of platforms) if (!isLiteralPlatform(p)) throw new UsageError(`--platform ${p}: expected os/arch[/variant] such as linux/arm64`);
  const minReleaseAge = values['min-release-age'] as string | undefined;
  if (minReleaseAge !== undefined && parseDuration(minReleaseAge) === null) throw new UsageError(`--min-release-age ${minReleaseAge}: expected a duration such as "3 days"`);
  const insight = { platforms, minReleaseAge, whatChanged: values['what-changed'] === true };
  return { command, dir, json: values.json === true, write: values.write === true, insight };
}

/** An unknown option, a value on a switch or a missing value is a usage error (exit 2) in Freshen's words. */
function checkOptions(tokens: ReturnType<typeof parseArgs>['tokens'] = []): void {
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const known = (OPTIONS as Record<string, { type: string }>)[token.name];
    if (!known) throw new UsageError(`unknown option ${token.rawName}`);
    if (known.type === 'boolean' && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
    if (known.type === 'string' && token.value === undefined) throw new UsageError(`${token.rawName} needs a value`);
  }
}

/** `config check [dir]`: only --json goes with it. */
function parseConfigCommand(args: string[], values: { json: boolean; write: boolean; platform?: string[]; 'min-release-age'?: string; 'what-changed': boolean }) {
  const [sub, dir = '.', ...rest] = args;
  if (sub !== 'check') throw new UsageError(sub ? `unknown config command "${sub}" (there is: config check)` : 'config needs a command: config check [dir]');
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (values.write || values.platform || values['min-release-age'] !== undefined || values['what-changed']) throw new UsageError('config check takes only --json');
  return { command: 'config' as const, dir, json: values.json, write: false, insight: { platforms: [], minReleaseAge: undefined, whatChanged: false } };
}

/**
 * Writes every update in place. Where a dependency has both a major and a non-major update, the
 * major (the newest) is written; the non-major one is superseded.
 */
async function writeUpdates(dir: string, updates: PlannedUpdate[], env: NodeJS.ProcessEnv) {
  const newest = new Map<string, PlannedUpdate>();
  for (const u of updates) {
    const key = `${u.manager}\0${u.file}\0${u.depIndex}`;
    const seen = newest.get(key);
    if (!seen || writeRank(u) > writeRank(seen)) newest.set(key, u);
  }
  const chosen = [...newest.values()];
  const source = directorySource(dir);
  const texts = new Map<string, string>();
  for (const file of new Set(chosen.map((u) => u.file))) texts.set(file, await source.read(file));
  const readFile = (path: string) => source.read(path).catch(() => undefined);
  const result = await applyUpdatesWithArtifacts(texts, chosen, { readFile, listFiles: () => source.list(), settings: env, insecureRegistries: (env.FRESHEN_INSECURE_REGISTRIES ?? '').split(',').filter(Boolean) });
  for (const [file, text] of result.files) await writeFile(join(dir, file), text);
  return result;
}

/** A major wins; an OS package pin moving with a major base update wins over the same pin's plain update. */
function writeRank(u: PlannedUpdate): number {
  if (u.updateType === 'major') return 2;
  return u.extra?.atomicWith?.updateType === 'major' ? 1 : 0;
}

/**
 * An install without a version (`apt-get install curl`) is not a dependency Freshen can update;
 * it shows up in the dashboard's repeatability report instead of in extract's list.
 */
function isDependency(dep: Dependency): boolean {
  return !(dep.manager === 'os-packages' && (dep.skipReason === 'unpinned' || dep.skipReason?.startsWith('not-pinnable')));
}

function publicDependency(dep: Dependency) {
  return {
    manager: dep.manager,
    file: dep.file,
    line: dep.line,
    depName: dep.depName,
    currentValue: dep.currentValue,
    currentDigest: dep.currentDigest,
    reference: dep.reference ?? null,
    ...(dep.skipReason ? { skipReason: dep.skipReason } : {}),
  };
}

function humanErrors(errors: LocatedError[]): string {
  if (errors.length === 0) return '';
  const lines = errors.map((e) => `  ${e.file}${e.line ? `:${e.line}` : ''}${e.depName ? ` ${e.depName}` : ''}: ${e.message}`);
  return `\nErrors:\n${lines.join('\n')}\n`;
}

function humanExtract(deps: ReturnType<typeof publicDependency>[], errors: LocatedError[]): string {
  const rows = deps.map((d) => [`${d.file}:${d.line}`, d.manager, d.reference ?? d.depName, d.skipReason ?? '']);
  const table = deps.length ? renderTable(['Where', 'Manager', 'Reference', 'Skipped because'], rows) : 'No dependencies found.\n';
  return table + humanErrors(errors);
}

function isMainModule(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) {
  runCli(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
  }).then(exitWhenWritten, (err: unknown) => {
    process.stderr.write(withoutUserInfoIn(`freshen: ${err instanceof Error ? err.stack : String(err)}\n`));
    exitWhenWritten(1);
  });
}

/**
 * Exits once stdout and stderr have handed everything over: on a pipe whose reader is slower than
 * us, `process.exit` right after the write would cut the output at the pipe's 64 KiB. The exit
 * itself stays, since open HTTP keep-alive sockets would otherwise hold the process.
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  for (const stream of [process.stdout, process.stderr]) {
    // A reader that went away (`| head`) is not Freshen's failure: stop writing, keep the code.
    stream.on('error', () => process.exit(code));
    stream.write('', done);
  }
}

/**
 * What the insight planners found, for --json: the package diff, the vulnerabilities fixed, and
 * `unmaintained` ({tag, created, newerTags: [{tag, created}], endOfLife?}) when the update's base no longer gets rebuilds.
 */
function insightFields(extra: PlannedUpdate['extra']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const diff = extra?.whatChanged?.packageDiff;
  if (diff) out.packageDiff = diff;
  if (Array.isArray(extra?.vulnerabilitiesFixed)) out.vulnerabilitiesFixed = extra.vulnerabilitiesFixed;
  if (extra?.security === true) out.security = true;
  if (extra?.unmaintained) out.unmaintained = extra.unmaintained;
  return out;
}
