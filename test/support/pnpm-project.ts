// Real pnpm (the bundled one) for tests: lock a checkout as a developer would, run a frozen install, and build pnpm updates.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ArtifactContext } from '../../src/artifacts/types.js';
import type { PlannedUpdate } from '../../src/engine/types.js';
import type { JsArtifactFacts } from '../../src/managers/npm/js-lockfile.js';
import { silentLogger } from '../../src/types.js';

const manifest = createRequire(import.meta.url).resolve('pnpm');
export const PNPM_SCRIPT = join(dirname(manifest), (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { pnpm: string } }).bin.pnpm);
export const PNPM_DIR = dirname(manifest);

/** Runs the bundled pnpm in `dir` with nothing of this process's environment but PATH; throws with pnpm's output on failure. */
export function pnpm(dir: string, args: string[]): string {
  try {
    return execFileSync(process.execPath, [PNPM_SCRIPT, ...args, '--store-dir', join(dir, '.store'), '--config.manage-package-manager-versions=false'], {
      cwd: dir, env: { PATH: process.env.PATH, HOME: join(dir, '.home') }, encoding: 'utf8', stdio: 'pipe',
    });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`pnpm ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/** The repository's files as the updater reads them. */
export function contextFor(dir: string, settings: Record<string, string | undefined>, insecureRegistries: string[]): ArtifactContext {
  return {
    readFile: async (path) => (existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined),
    settings,
    insecureRegistries,
    log: silentLogger,
  };
}

/** An update as the language planner proposes it, with its JsArtifactFacts. */
export function pnpmUpdate(file: string, depName: string, from: string, to: string, facts: Partial<JsArtifactFacts> & { catalog?: string }): PlannedUpdate {
  const artifact = {
    root: '', lockFile: 'pnpm-lock.yaml', packageFiles: ['package.json'], configFiles: ['.npmrc'],
    packageName: depName, key: depName, newVersion: to, lockfileOnly: true, ...facts, tool: 'pnpm' as const,
  };
  return { manager: artifact.catalog ? 'pnpm' : 'npm', file, line: 1, depName, from, to, updateType: 'minor', newValue: to, newDigest: null, depIndex: 0, extra: { artifact } };
}
