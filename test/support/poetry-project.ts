// Poetry projects for tests: a first poetry.lock made by real Poetry against a loopback index, and `poetry lock --check` on a result.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { poetryPython } from '../../src/artifacts/poetry/lockfile.js';
import { POETRY_WRAPPER } from '../../src/artifacts/poetry/wrapper.js';

const run = promisify(execFile);

export function pyprojectText(dependencies: Record<string, string>, extra = ''): string {
  const deps = Object.entries(dependencies).map(([name, value]) => `${name} = ${value.startsWith('{') ? value : JSON.stringify(value)}`);
  return `[tool.poetry]\nname = "demo"\nversion = "0.1.0"\ndescription = "test project"\nauthors = ["Test <test@example.com>"]\n\n[tool.poetry.dependencies]\npython = "^3.8"\n${deps.join('\n')}\n${extra}`;
}

function poetryEnv(home: string, extra: Record<string, string>): Record<string, string> {
  return {
    PATH: '/usr/bin:/bin',
    HOME: home,
    POETRY_CACHE_DIR: join(home, 'cache'),
    POETRY_CONFIG_DIR: join(home, 'config'),
    POETRY_VIRTUALENVS_CREATE: 'false',
    PYTHON_KEYRING_BACKEND: 'keyring.backends.null.Keyring',
    ...extra,
  };
}

/** The poetry.lock real Poetry writes for `pyproject`, with PyPI standing for `pypiUrl` (the loopback index). */
export async function firstLock(pyproject: string, pypiUrl: string, allowedHosts: string[], env: Record<string, string> = {}): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'freshen-poetry-first-'));
  try {
    writeFileSync(join(home, 'pyproject.toml'), pyproject);
    writeFileSync(join(home, 'wrapper.py'), POETRY_WRAPPER);
    await run(await poetryPython(), [join(home, 'wrapper.py'), 'lock', '--no-interaction'], {
      cwd: home,
      env: poetryEnv(home, { FRESHEN_PYPI_URL: pypiUrl, FRESHEN_GUARD_ALLOWED: allowedHosts.join(','), ...env }),
    });
    return readFileSync(join(home, 'poetry.lock'), 'utf8');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Whether Poetry 1.x's `poetry lock --check` accepts `lock` for `pyproject` (it reads no index). */
export async function lockCheck(pyproject: string, lock: string): Promise<{ ok: boolean; output: string }> {
  const home = mkdtempSync(join(tmpdir(), 'freshen-poetry-check-'));
  try {
    writeFileSync(join(home, 'pyproject.toml'), pyproject);
    writeFileSync(join(home, 'poetry.lock'), lock);
    const result = await run('poetry', ['lock', '--check', '--no-interaction'], { cwd: home, env: poetryEnv(home, {}) }).then(
      (r) => ({ ok: true, output: `${r.stdout}${r.stderr}` }),
      (err: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` }),
    );
    return result;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** name → version of each [[package]] in a poetry.lock. */
export function lockedIn(lock: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of lock.matchAll(/\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"/g)) out[m[1]!] = m[2]!;
  return out;
}
