// A real Verdaccio npm registry on loopback (no uplinks), and a publisher that speaks npm's publish protocol.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { Agent, fetch } from 'undici';
import { freePort, stopProcess, waitFor } from './ports.js';

export interface VerdaccioInstance {
  url: string;
  host: string;
  /** A user that may publish and read `@private/*`. */
  token: string;
  stop(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../node_modules/.bin/verdaccio', import.meta.url));

export async function startVerdaccio(): Promise<VerdaccioInstance> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'freshen-verdaccio-'));
  const config = [
    `storage: ${join(dir, 'storage')}`,
    'auth:',
    '  htpasswd:',
    `    file: ${join(dir, 'htpasswd')}`,
    'uplinks: {}',
    'packages:',
    "  '@private/*':",
    '    access: $authenticated',
    '    publish: $authenticated',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    'web:',
    '  enable: false',
    'middlewares:',
    '  audit:',
    '    enabled: false',
    'log: { type: stdout, format: pretty, level: error }',
  ].join('\n');
  writeFileSync(join(dir, 'config.yaml'), config + '\n');
  const child: ChildProcess = spawn(BIN, ['--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/-/ping`)).ok, 'verdaccio', 20_000).catch(async (err: unknown) => {
    await stopProcess(child, dir);
    throw err;
  });
  const res = await fetch(`${url}/-/user/org.couchdb.user:freshen`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'freshen', password: 'freshen-test-pw' }),
  });
  const { token } = (await res.json()) as { token: string };
  return {
    url,
    host: `127.0.0.1:${port}`,
    token,
    stop: () => stopProcess(child, dir),
  };
}

async function tarball(manifest: Record<string, unknown>, files: Record<string, string | Buffer> = {}): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  pack.entry({ name: 'package/package.json' }, JSON.stringify(manifest, null, 2));
  for (const [path, content] of Object.entries(files)) pack.entry({ name: `package/${path}`, mode: 0o755 }, content);
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

export interface PublishOptions {
  dependencies?: Record<string, string>;
  deprecated?: string;
  repository?: string;
  tag?: string;
  /** More files in the tarball (path under `package/` → content): a tool's real entry script, say. */
  files?: Record<string, string | Buffer>;
}

/** Publishes one version with npm's protocol (PUT of a packument with the tarball attached). */
const freshConnection = new Agent({ pipelining: 0 });

export async function publish(registry: { url: string; token: string }, name: string, version: string, opts: PublishOptions = {}): Promise<void> {
  const manifest: Record<string, unknown> = {
    name,
    version,
    ...(opts.dependencies ? { dependencies: opts.dependencies } : {}),
    ...(opts.repository ? { repository: { type: 'git', url: opts.repository } } : {}),
  };
  const data = await tarball(manifest, opts.files);
  const file = `${name.split('/').pop()}-${version}.tgz`;
  const integrity = `sha512-${createHash('sha512').update(data).digest('base64')}`;
  const body = {
    _id: name,
    name,
    'dist-tags': { [opts.tag ?? 'latest']: version },
    versions: {
      [version]: {
        ...manifest,
        _id: `${name}@${version}`,
        ...(opts.deprecated ? { deprecated: opts.deprecated } : {}),
        dist: { shasum: createHash('sha1').update(data).digest('hex'), integrity, tarball: `${registry.url}/${name}/-/${file}` },
      },
    },
    _attachments: { [file]: { content_type: 'application/octet-stream', data: data.toString('base64'), length: data.length } },
    ...(opts.repository ? { repository: { type: 'git', url: opts.repository } } : {}),
  };
  const res = await fetch(`${registry.url}/${name.replace('/', '%2f')}`, {
    // A fresh connection per publish: a kept-alive one Verdaccio has just timed out fails with "other side closed".
    dispatcher: freshConnection,
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${registry.token}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`publish ${name}@${version}: HTTP ${res.status} ${await res.text()}`);
}
