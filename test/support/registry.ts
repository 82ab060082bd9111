// Starts a real CNCF distribution registry (Debian's docker-registry) on a random loopback port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess, waitFor } from './ports.js';

export interface RegistryInstance {
  port: number;
  /** host:port, e.g. 127.0.0.1:41234 */
  host: string;
  url: string;
  stop(): Promise<void>;
}

/** Extra YAML placed under `auth:` in the registry config (htpasswd or token), already indented. */
export async function startRegistry(opts: { authYaml?: string } = {}): Promise<RegistryInstance> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'freshen-registry-'));
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...(opts.authYaml ? ['auth:', opts.authYaml] : []),
  ].join('\n');
  const configPath = join(dir, 'config.yml');
  writeFileSync(configPath, config + '\n');
  const child: ChildProcess = spawn('docker-registry', ['serve', configPath], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    const res = await fetch(`${url}/v2/`);
    return res.status === 200 || res.status === 401;
  }, 'docker-registry').catch(async (err: unknown) => {
    await stopProcess(child, dir);
    throw err;
  });
  return {
    port,
    host: `127.0.0.1:${port}`,
    url,
    stop: () => stopProcess(child, dir),
  };
}
