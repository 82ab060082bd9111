// Runs the CLI in-process with an environment of the test's choosing, and keeps what it printed.
import { runCli } from '../../src/cli.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
  /** stdout parsed, when it is a JSON object (`--json`); each test reads the shape it asked for. */
  json: any;
}

export async function runCliCaptured(args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t), env });
  return { code, out, err, json: out.startsWith('{') ? JSON.parse(out) : undefined };
}
