// Regenerates poetry.lock with Debian's Poetry in a temporary copy, through Freshen's guarded wrapper; all or nothing per lockfile.
import { toolWorkDir } from '../tools-dir.js';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlannedUpdate } from '../../engine/types.js';
import { lockFileOf, parsePyproject, type PoetryArtifactFacts } from '../../managers/poetry/index.js';
import { lockedVersions } from '../../managers/poetry/lock.js';
import { ParseError } from '../../types.js';
import { findProgram, runTool, writeTree } from '../child.js';
import { artifactOf, type ArtifactContext, type LockfileOutcome } from '../types.js';
import { poetryNetwork } from './settings.js';
import { POETRY_WRAPPER } from './wrapper.js';

export function poetryFactsOf(update: PlannedUpdate): PoetryArtifactFacts | undefined {
  const facts = artifactOf(update, 'poetry');
  return update.manager === 'poetry' && typeof facts?.lockFile === 'string' ? facts : undefined;
}

/**
 * The Python that runs the `poetry` on the worker's PATH (Debian's is a script starting
 * `#!/usr/bin/python3`): Freshen runs its own wrapper with it rather than Poetry's entry point.
 */
export async function poetryPython(path = process.env.PATH ?? ''): Promise<string> {
  const script = await findProgram('poetry', path);
  const firstLine = (await readFile(script, 'utf8').catch(() => '')).split('\n', 1)[0] ?? '';
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(firstLine);
  if (!shebang) throw new Error(`${script} is not a Python script; poetry.lock cannot be regenerated`);
  const [, program, argument] = shebang;
  return program!.endsWith('/env') && argument ? findProgram(argument, path) : program!;
}

export async function regeneratePoetryLock(lockFile: string, updates: PlannedUpdate[], files: ReadonlyMap<string, string>, ctx: ArtifactContext): Promise<LockfileOutcome> {
  const facts = updates.map(poetryFactsOf).filter((f): f is PoetryArtifactFacts => f !== undefined);
  const pyprojectPath = facts[0]?.pyproject;
  const fail = (message: string, line?: number, file = lockFile): LockfileOutcome => ({ lockFile, error: { file, ...(line ? { line } : {}), message } });
  if (!pyprojectPath || lockFileOf(pyprojectPath) !== lockFile || facts.some((f) => f.pyproject !== pyprojectPath)) return fail('updates of another project named this lockfile; left as it is');
  const pyproject = files.get(pyprojectPath) ?? (await ctx.readFile(pyprojectPath));
  const lockText = await ctx.readFile(lockFile);
  if (pyproject === undefined || lockText === undefined) return fail(`${pyproject === undefined ? pyprojectPath : lockFile} could not be read; poetry.lock left as it is`);
  let sources;
  try {
    const parsed = parsePyproject(pyproject);
    sources = parsed.sources;
    lockedVersions(lockText);
    // Poetry would fetch or build these while locking (a clone, a directory outside the copy, a download): Freshen never resolves them.
    const unresolved = parsed.requirements.find((r) => /^(git|path|url) dependency/.test(r.skipReason ?? ''));
    if (unresolved) {
      const line = pyproject.slice(0, unresolved.offset).split('\n').length;
      return fail(`${unresolved.name}: ${unresolved.skipReason}, and Poetry would resolve it while locking; poetry.lock left as it is`, line, pyprojectPath);
    }
  } catch (err) {
    if (err instanceof ParseError) return fail(`${err.message}; poetry.lock left as it is`, err.line);
    throw err;
  }
  // Checked before Poetry runs: a refused source stops the update here, at its line.
  const network = await poetryNetwork(pyprojectPath, sources, ctx.settings, ctx.insecureRegistries);
  if ('message' in network) return { lockFile, error: network };

  const tempDir = await toolWorkDir(ctx.settings, 'poetry-');
  try {
    const project = join(tempDir, 'project');
    await writeTree(project, new Map([['pyproject.toml', pyproject], ['poetry.lock', lockText]]));
    const wrapper = join(tempDir, 'freshen-poetry.py');
    await writeFile(wrapper, POETRY_WRAPPER);
    const pins = Object.fromEntries(facts.map((f) => [f.name, f.newVersion]));
    const result = await runTool({
      command: await poetryPython(),
      args: [wrapper, 'update', '--lock', '--no-interaction', ...Object.keys(pins)],
      cwd: project,
      tempDir,
      env: {
        ...network.env,
        POETRY_CACHE_DIR: join(tempDir, 'cache'),
        POETRY_CONFIG_DIR: join(tempDir, 'config'),
        POETRY_DATA_DIR: join(tempDir, 'data'),
        POETRY_VIRTUALENVS_CREATE: 'false',
        POETRY_NO_INTERACTION: '1',
        PYTHON_KEYRING_BACKEND: 'keyring.backends.null.Keyring',
        PYTHONDONTWRITEBYTECODE: '1',
        XDG_CACHE_HOME: join(tempDir, 'cache'),
        XDG_CONFIG_HOME: join(tempDir, 'config'),
        XDG_DATA_HOME: join(tempDir, 'data'),
        FRESHEN_GUARD_ALLOWED: ctx.insecureRegistries.join(','),
        FRESHEN_PYPI_URL: network.pypiUrl,
        FRESHEN_POETRY_PINS: JSON.stringify(pins),
      },
      ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
      secrets: [...network.secrets, ...Object.values(network.env)],
    });
    if (!result.ok) return fail(`poetry could not update the lockfile: ${result.output}`);
    const written = await readFile(join(project, 'poetry.lock'), 'utf8');
    const versions = lockedVersions(written);
    for (const f of facts) {
      const got = versions.get(f.name);
      if (got !== f.newVersion) return fail(`poetry locked ${f.name} at ${got ?? 'nothing'}, not ${f.newVersion}; poetry.lock left as it is`);
    }
    return { lockFile, files: new Map([[lockFile, written]]) };
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}
