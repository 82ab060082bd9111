// Starts a real redis-server on a random loopback port for a test run.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess, waitFor } from './ports.js';

export interface RedisInstance {
  port: number;
  url: string;
  dir: string;
  stop(): Promise<void>;
  /** Kill and start again on the same port and dir (for restart tests with appendonly); `whileDown` runs in between. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
}

export async function startRedis(opts: { appendonly?: boolean } = {}): Promise<RedisInstance> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'freshen-redis-'));
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', opts.appendonly ? 'yes' : 'no', '--dir', dir,
  ];
  let child = spawn('redis-server', args, { stdio: 'ignore' });
  const ping = async () => {
    try {
      return execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'PONG';
    } catch {
      return false;
    }
  };
  await waitFor(ping, 'redis-server').catch(async (err: unknown) => {
    await stopProcess(child, dir);
    throw err;
  });
  const stopChild = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async stop() {
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart(whileDown) {
      await stopChild();
      await whileDown?.();
      child = spawn('redis-server', args, { stdio: 'ignore' });
      await waitFor(ping, 'redis-server restart');
    },
  };
}
