// Freshen as real processes (src/main.ts through tsx, web or worker role), their output kept for failure messages.
import { spawn, type ChildProcess } from 'node:child_process';

export interface AppProcess {
  role: 'web' | 'worker';
  child: ChildProcess;
  /** The last lines the process wrote (standard output and error). */
  output: string[];
  /** How many lines it wrote in all (so a caller can look at what came after a moment). */
  lines: number;
  /** Whether a line written after the first `since` lines matches. */
  wrote(pattern: RegExp, since: number): boolean;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const KEPT_LINES = 400;

/** Starts `src/main.ts` with FRESHEN_ROLE=`role` and `env` over the test's own environment. */
export function startAppProcess(role: 'web' | 'worker', env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: process.cwd(),
    env: { ...process.env, ...env, FRESHEN_ROLE: role },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    const lines = chunk.toString('utf8').split('\n').filter(Boolean);
    output.push(...lines);
    proc.lines += lines.length;
    if (output.length > KEPT_LINES) output.splice(0, output.length - KEPT_LINES);
  };
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const proc: AppProcess = {
    role,
    child,
    output,
    lines: 0,
    wrote: (pattern, since) => proc.lines > since && output.slice(-(proc.lines - since)).some((line) => pattern.test(line)),
    exited,
    async stop(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return proc;
}
