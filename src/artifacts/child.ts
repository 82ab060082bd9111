// The one way Freshen runs an ecosystem's tool: an environment built from nothing, a timeout, and short secret-free error text.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, symlink, writeFile } from 'node:fs/promises';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { HostPolicy, portOf, resolveAllowedAddress, systemLookup, unbracket, type DnsLookup } from '../http/address-guard.js';
import { withoutUserInfoIn } from '../http/url.js';
import { NPM_CHILD_GUARD } from './node-guard.js';

export interface ToolRun {
  /** The program, by absolute path or as the worker's PATH finds it. */
  command: string;
  args: readonly string[];
  cwd: string;
  /** A private temporary directory: HOME, caches and the child's bin live here; its path is cut from errors. */
  tempDir: string;
  /** The only variables the child sees besides PATH and HOME. */
  env?: Readonly<Record<string, string>>;
  /**
   * Programs the child may find on its PATH, by name (`node`, `go`, `python3`...), each linked from
   * the worker's PATH into a bin of its own; `git` is always a refusing stand-in.
   */
  programs?: readonly string[];
  /** For Node tools: preload the address guard, with these hosts (FRESHEN_INSECURE_REGISTRIES) allowed. */
  nodeGuard?: { allowedHosts: readonly string[] };
  timeoutMs?: number;
  /** Values cut from the output (tokens, passwords). */
  secrets?: readonly string[];
}

export interface ToolResult {
  ok: boolean;
  /** stderr then stdout, trimmed to the last 1,500 characters, secrets, credentials in URLs and the temp path removed. */
  output: string;
}

// git opens its own sockets, which no guard sees: no tool ever gets a working one from us.
const REFUSING_GIT = `#!/bin/sh
echo "freshen: git is not run for a repository's dependencies" >&2
exit 128
`;

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(() => true, () => false);
}

/** A program as the worker's PATH finds it, so the child can run with a PATH of its own. */
export async function findProgram(command: string, path = process.env.PATH ?? ''): Promise<string> {
  if (isAbsolute(command)) return command;
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    if (await isExecutable(candidate)) return candidate;
  }
  throw new Error(`${command} was not found on PATH; lockfiles cannot be regenerated`);
}

/** Output as shown to people: the tail, without secrets, URL credentials or the temp directory. */
export function shownOutput(output: string, secrets: readonly string[], tempDir: string): string {
  let text = output.split(tempDir).join('.');
  for (const secret of secrets.filter((s) => s.length >= 4)) text = text.split(secret).join('***');
  return withoutUserInfoIn(text).trim().slice(-1500);
}

/**
 * Runs one tool. Nothing of the worker's environment is passed on: no proxy variables, no
 * NODE_OPTIONS but the guard, no tokens but those the caller puts in `env` for this run.
 */
export async function runTool(run: ToolRun): Promise<ToolResult> {
  const command = await findProgram(run.command);
  const bin = join(run.tempDir, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'git'), REFUSING_GIT, { mode: 0o755 });
  for (const name of run.programs ?? []) {
    const target = name === 'node' ? process.execPath : await findProgram(name);
    await symlink(target, join(bin, name)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  const env: Record<string, string> = { PATH: bin, HOME: run.tempDir, LANG: 'C.UTF-8', ...run.env };
  if (run.nodeGuard) {
    const guard = join(run.tempDir, 'guard.cjs');
    await writeFile(guard, NPM_CHILD_GUARD);
    env.NODE_OPTIONS = `--require ${guard}`;
    env.FRESHEN_GUARD_ALLOWED = run.nodeGuard.allowedHosts.join(',');
  }
  return new Promise((resolve) => {
    execFile(command, [...run.args], { cwd: run.cwd, env, timeout: run.timeoutMs ?? 300_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const raw = `${stderr}\n${stdout}`.trim() || (err?.message ?? '');
      const timedOut = err && (err as NodeJS.ErrnoException & { killed?: boolean }).killed ? `timed out after ${Math.round((run.timeoutMs ?? 300_000) / 1000)} s\n` : '';
      resolve({ ok: !err, output: shownOutput(`${timedOut}${raw}`, run.secrets ?? [], run.tempDir) });
    });
  });
}

/**
 * For tools that are not Node (Poetry, Go) the guard cannot be preloaded: every index, source and
 * proxy URL the tool would use is checked against the policy first, and the tool is pointed only at
 * those. Throws BlockedHostError (with the URL's host) for the first refused one.
 */
export async function checkToolUrls(urls: readonly string[], insecureHosts: readonly string[], lookup: DnsLookup = systemLookup): Promise<void> {
  const policy = new HostPolicy(insecureHosts);
  for (const raw of urls) {
    const url = new URL(raw);
    policy.checkScheme(url);
    await resolveAllowedAddress(unbracket(url.hostname), portOf(url), policy, lookup);
  }
}

/** Writes `files` (repository-relative path → text) under `root`, creating folders. */
export async function writeTree(root: string, files: ReadonlyMap<string, string>): Promise<void> {
  for (const [path, text] of files) {
    if (path.split('/').includes('..') || isAbsolute(path)) throw new Error(`${path}: not a path inside the repository`);
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}
