// Runs every matching manager over every file of a source; a broken file only affects itself.
import { withoutUserInfoIn } from '../http/url.js';
import { managers } from '../managers/index.js';
import { pipManager } from '../managers/pip/index.js';
import { skipUnsupportedLockfiles } from './npm-lockfile-guard.js';
import { followPipIncludes } from './pip-includes.js';
import { MAX_FILE_BYTES } from '../managers/limits.js';
import type { Dependency, LocatedError, Manager } from '../types.js';
import type { FileSource } from './types.js';

export interface ExtractedFile {
  file: string;
  text: string;
  /** Dependencies of this file by manager name, in extract() order (depIndex refers to these). */
  depsByManager: Map<string, Dependency[]>;
}

export interface ExtractAllResult {
  files: ExtractedFile[];
  dependencies: Dependency[];
  errors: LocatedError[];
}

export function managedPath(path: string): boolean {
  return managers.some((m) => m.matches(path));
}

export function managerByName(name: string): Manager {
  const manager = managers.find((m) => m.name === name);
  if (!manager) throw new Error(`unknown manager "${name}"`);
  return manager;
}

/** extract() that never throws: an unexpected exception becomes a located error for the file. */
export function safeExtract(manager: Manager, text: string, file: string): { deps: Dependency[]; errors: LocatedError[] } {
  try {
    return manager.extract(text, file);
  } catch (err) {
    const line = typeof (err as { line?: unknown }).line === 'number' ? (err as { line: number }).line : undefined;
    return { deps: [], errors: [{ file, ...(line !== undefined ? { line } : {}), message: errorMessage(err) }] };
  }
}

/** Managers reading the same text (the shell of a RUN: OS packages, installs) may find the same problem once each. */
function withoutRepeats(errors: readonly LocatedError[]): LocatedError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.file}\0${e.line ?? ''}\0${e.depName ?? ''}\0${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Errors printed per file; the rest are counted in one more line, so a random file is not 68,000 lines of output. */
export const MAX_ERRORS_PER_FILE = 20;

/** The first MAX_ERRORS_PER_FILE errors of each file, then one `… and N more errors in <file>` each. */
export function capErrorsPerFile(errors: readonly LocatedError[]): LocatedError[] {
  const counts = new Map<string, number>();
  const kept: LocatedError[] = [];
  for (const error of errors) {
    const count = (counts.get(error.file) ?? 0) + 1;
    counts.set(error.file, count);
    if (count <= MAX_ERRORS_PER_FILE) kept.push(error);
  }
  for (const [file, count] of counts) {
    const more = count - MAX_ERRORS_PER_FILE;
    if (more > 0) kept.push({ file, message: `… and ${more} more error${more === 1 ? '' : 's'} in ${file}` });
  }
  return kept;
}

export async function extractAll(source: FileSource): Promise<ExtractAllResult> {
  const paths = (await source.list()).filter(managedPath).sort();
  const result: ExtractAllResult = { files: [], dependencies: [], errors: [] };
  for (const file of paths) {
    let text: string;
    try {
      text = await source.read(file);
    } catch (err) {
      result.errors.push({ file, message: `cannot read file: ${errorMessage(err)}` });
      continue;
    }
    // Every source is capped here too, whatever its own limit (GitHub trees, directories, tests).
    if (text.length > MAX_FILE_BYTES) {
      result.errors.push({ file, message: `file is larger than ${MAX_FILE_BYTES} bytes; not read` });
      continue;
    }
    const binary = binaryHint(text);
    if (binary) {
      result.errors.push({ file, line: 1, message: `not a text file (${binary}); not read` });
      continue;
    }
    const depsByManager = new Map<string, Dependency[]>();
    for (const manager of managers.filter((m) => m.matches(file))) {
      const { deps, errors } = safeExtract(manager, text, file);
      depsByManager.set(manager.name, deps);
      for (const dep of deps) result.dependencies.push(dep);
      for (const error of errors) result.errors.push(error);
    }
    result.files.push({ file, text, depsByManager });
  }
  // Every listed path, read or not: a lockfile too large to read still locks its package.json.
  skipUnsupportedLockfiles(result.files, paths);
  await followPipIncludes(source, result, (text, file) => safeExtract(pipManager, text, file));
  result.errors = capErrorsPerFile(withoutRepeats(result.errors)).map(shownError);
  return result;
}

/** Like git, judged on the start of the file: a NUL, or more than 1 in 100 bytes that are not UTF-8. */
const BINARY_SNIFF_CHARS = 8000;

/** Why a file looks binary (a random or compiled file named `Dockerfile`), or undefined for text. */
export function binaryHint(text: string): string | undefined {
  const head = text.slice(0, BINARY_SNIFF_CHARS);
  if (head.includes('\u0000')) return 'it holds NUL bytes';
  let invalid = 0;
  for (let i = head.indexOf('\uFFFD'); i >= 0; i = head.indexOf('\uFFFD', i + 1)) invalid++;
  return invalid * 100 > head.length ? 'it is not UTF-8' : undefined;
}

/** An exception's message as a located error or a log line may carry it: no URL's user or password. */
export function errorMessage(err: unknown): string {
  return withoutUserInfoIn(err instanceof Error ? err.message : String(err));
}

/**
 * A located error as anyone may see it (CLI, dashboard, logs): a repository's `--index-url
 * https://user:pass@host` or the app's PIP_INDEX_URL shows only as `https://host`.
 */
export function shownError(error: LocatedError): LocatedError {
  return { ...error, message: withoutUserInfoIn(error.message), ...(error.depName !== undefined ? { depName: withoutUserInfoIn(error.depName) } : {}) };
}
