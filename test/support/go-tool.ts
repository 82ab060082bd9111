// Runs the real go command in a test's folder against a loopback proxy, with checksums off as the tests' settings say.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The go command's settings in tests: the loopback proxy only, no checksum database (production keeps GOSUMDB's default). */
export function goTestSettings(proxyUrl: string): Record<string, string> {
  return { GOPROXY: proxyUrl, GOSUMDB: 'off' };
}

/** Runs `go args` in dir with a private GOPATH beside it; resolves with the output, rejects with it. */
export async function runGo(dir: string, args: string[], settings: Record<string, string>, home: string): Promise<string> {
  mkdirSync(home, { recursive: true });
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GOPATH: join(home, 'gopath'),
    GOCACHE: join(home, 'gocache'),
    GOFLAGS: '-modcacherw',
    GOVCS: '*:off',
    GOTOOLCHAIN: 'local',
    GOENV: 'off',
    GOWORK: 'off',
    CGO_ENABLED: '0',
    ...settings,
  };
  try {
    const { stdout, stderr } = await exec('go', args, { cwd: dir, env, timeout: 240_000 });
    return `${stderr}${stdout}`;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`go ${args.join(' ')} failed: ${e.stderr ?? ''}${e.stdout ?? ''}${e.message}`);
  }
}

/** Every file under dir as repository-relative path → text. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const full = join(dir, entry);
    if (statSync(full).isFile()) files.set(relative(dir, full).split('\\').join('/'), readFileSync(full, 'utf8'));
  }
  return files;
}
