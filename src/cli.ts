#!/usr/bin/env node
// freshen extract|scan <dir>: the engine on a local checkout, no GitHub and no Redis.
import { realpathSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createImageLookup } from './datasources/oci/index.js';
import { directorySource } from './engine/directory-source.js';
import { applyUpdates, extractAll, scan } from './engine/index.js';
import type { PlannedUpdate } from './engine/types.js';
import { renderTable } from './text-table.js';
import type { Dependency, LocatedError } from './types.js';
import { silentLogger } from './types.js';

const USAGE = `Usage:
  freshen extract <dir> [--json]            list every image dependency found
  freshen scan <dir> [--json] [--write]     look up newer tags and digests; --write applies them

Environment:
  FRESHEN_INSECURE_REGISTRIES=host:port,...  registries allowed on plain HTTP / private addresses
  DOCKER_CONFIG                              directory of Docker's config.json (registry credentials)

Exit codes: 0 success, 1 some files or dependencies failed (the rest is still reported), 2 usage.`;

class UsageError extends Error {}

interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCommand(argv);
    const info = await stat(parsed.dir).catch(() => null);
    if (!info?.isDirectory()) throw new UsageError(`not a directory: ${parsed.dir}`);
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof TypeError)) throw err;
    io.err(`freshen: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  const { command, dir, json, write } = parsed;
  const source = directorySource(dir);

  if (command === 'extract') {
    const { dependencies, errors } = await extractAll(source);
    const output = { dependencies: dependencies.map(publicDependency), errors };
    io.out(json ? JSON.stringify(output, null, 2) + '\n' : humanExtract(output.dependencies, errors));
    return errors.length > 0 ? 1 : 0;
  }

  const images = createImageLookup({
    insecureRegistries: (io.env.FRESHEN_INSECURE_REGISTRIES ?? '').split(',').filter(Boolean),
    dockerConfigDir: io.env.DOCKER_CONFIG,
    log: silentLogger,
  });
  const result = await scan(source, { images, log: silentLogger });
  const errors = [...result.errors];
  let applied: PlannedUpdate[] = [];
  if (write) {
    const outcome = await writeUpdates(dir, result.updates);
    applied = outcome.applied;
    errors.push(...outcome.errors);
  }
  const updates = result.updates.map(({ manager, file, line, depName, from, to, updateType }) => ({
    manager, file, line, depName, from, to, updateType,
  }));
  io.out(json ? JSON.stringify({ updates, errors }, null, 2) + '\n' : humanScan(result.updates, errors, write ? applied : null));
  return errors.length > 0 ? 1 : 0;
}

function parseCommand(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, write: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, dir, ...rest] = positionals;
  if (values.help) throw new UsageError('help');
  if (command !== 'extract' && command !== 'scan') throw new UsageError(command ? `unknown command "${command}"` : 'no command');
  if (!dir) throw new UsageError(`${command} needs a directory`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (values.write && command !== 'scan') throw new UsageError('--write goes with scan');
  return { command, dir, json: values.json, write: values.write };
}

/**
 * Writes every update in place. Where a dependency has both a major and a non-major update, the
 * major (the newest) is written; the non-major one is superseded.
 */
async function writeUpdates(dir: string, updates: PlannedUpdate[]) {
  const newest = new Map<string, PlannedUpdate>();
  for (const u of updates) {
    const key = `${u.manager}\0${u.file}\0${u.depIndex}`;
    const seen = newest.get(key);
    if (!seen || u.updateType === 'major') newest.set(key, u);
  }
  const chosen = [...newest.values()];
  const source = directorySource(dir);
  const texts = new Map<string, string>();
  for (const file of new Set(chosen.map((u) => u.file))) texts.set(file, await source.read(file));
  const result = applyUpdates(texts, chosen);
  for (const [file, text] of result.files) await writeFile(join(dir, file), text);
  return result;
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

function humanScan(updates: PlannedUpdate[], errors: LocatedError[], applied: PlannedUpdate[] | null): string {
  const rows = updates.map((u) => [
    `${u.file}:${u.line}`, u.updateType, u.from, u.to,
    ...(applied ? [applied.includes(u) ? 'written' : 'not written'] : []),
  ]);
  const header = ['Where', 'Type', 'From', 'To', ...(applied ? ['Result'] : [])];
  const table = updates.length ? renderTable(header, rows) : 'Everything is up to date.\n';
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
  }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`freshen: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
