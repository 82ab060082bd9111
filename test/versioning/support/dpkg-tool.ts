// Asks the real dpkg installed on this machine, in one shell, how it orders and validates versions.
import { execFileSync } from 'node:child_process';

export function hasDpkg(): boolean {
  try {
    execFileSync('dpkg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function quote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function runLines(commands: string[]): string[] {
  const output = execFileSync('sh', ['-s'], { input: commands.join('\n'), maxBuffer: 64 * 1024 * 1024 });
  return output.toString('utf8').trim().split('\n');
}

/** dpkg's own answer for each pair: -1, 0 or 1 (`dpkg --compare-versions`); NaN when dpkg refused it. */
export function dpkgCompareAll(pairs: ReadonlyArray<readonly [string, string]>): number[] {
  const commands = pairs.map(([a, b]) => {
    const x = quote(a);
    const y = quote(b);
    return `if dpkg --compare-versions ${x} lt ${y} 2>/dev/null; then echo -1; elif dpkg --compare-versions ${x} eq ${y} 2>/dev/null; then echo 0; elif dpkg --compare-versions ${x} gt ${y} 2>/dev/null; then echo 1; else echo error; fi`;
  });
  return runLines(commands).map(Number);
}

/** dpkg's verdict per version (`dpkg --validate-version`): true only when it neither warns nor fails. */
export function dpkgValidateAll(versions: readonly string[]): boolean[] {
  const commands = versions.map((v) => `dpkg --validate-version ${quote(v)} >/dev/null 2>&1 && echo 1 || echo 0`);
  return runLines(commands).map((line) => line === '1');
}
