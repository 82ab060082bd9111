// A hostile repository's runtime files (.nvmrc, package.json, pyproject.toml, go.mod): bounded reads, no crash, nothing read outside the checkout.
import { randomBytes } from 'node:crypto';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { scan } from '../../src/engine/index.js';
import type { FileSource, ImageLookup } from '../../src/engine/types.js';
import { runtimePlanner } from '../../src/insight/runtime.js';
import { goModVersions } from '../../src/insight/runtime-files.js';
import { silentLogger } from '../../src/types.js';
import { pushImage } from '../support/oci-push.js';
import { tempCheckout, tempDir } from '../support/temp-dir.js';

/** Generous for a loaded 2-core machine. */
const MAX_MS = 6000;

const host = inject('registryHost');
const node = `${host}/hostile${randomBytes(4).toString('hex')}/library/node`;

beforeAll(async () => {
  for (const tag of ['22', '24']) await pushImage(`http://${host}`, node.slice(host.length + 1), tag);
});

async function cliScan(dir: string) {
  let out = '';
  const started = performance.now();
  const code = await runCli(['scan', dir, '--json'], { out: (t) => (out += t), err: () => {}, env: { FRESHEN_INSECURE_REGISTRIES: host } });
  return { code, ms: performance.now() - started, json: JSON.parse(out) as { updates: { to: string; notes?: string[] }[]; errors: unknown[] } };
}

const images: ImageLookup = { getTags: async () => ['22', '24'], getDigest: async () => `sha256:${'e'.repeat(64)}` };

function memory(files: Record<string, string>, reads: string[] = []): FileSource {
  return {
    list: async () => Object.keys(files),
    read: async (path) => {
      reads.push(path);
      if (!(path in files)) throw new Error(`${path}: not found`);
      return files[path]!;
    },
  };
}

async function plan(files: Record<string, string>, reads?: string[]) {
  const started = performance.now();
  const result = await scan(memory(files, reads), { images, log: silentLogger, planners: [runtimePlanner()] }, { pinDigests: false });
  return { ...result, ms: performance.now() - started };
}

describe('runtime files a hostile repository writes', () => {
  it('a 50 MB .nvmrc is not read: the scan finishes with its update and no note', async () => {
    const dir = tempCheckout('freshen-runtime-hostile-', { Dockerfile: `FROM ${node}:22\n` });
    writeFileSync(join(dir, '.nvmrc'), Buffer.alloc(50 * 1024 * 1024, '18\n'));
    const heapBefore = process.memoryUsage().heapUsed;
    const { code, ms, json } = await cliScan(dir);
    expect(code).toBe(0);
    expect(json.errors).toEqual([]);
    expect(json.updates.find((u) => u.to.startsWith(`${node}:24`))?.notes).toBeUndefined();
    expect(ms).toBeLessThan(MAX_MS);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
  });

  it('a .nvmrc symlinked to a file outside the checkout is not followed', async () => {
    const outside = join(tempDir('freshen-runtime-outside-'), 'version');
    writeFileSync(outside, '18\n');
    const dir = tempCheckout('freshen-runtime-hostile-', { Dockerfile: `FROM ${node}:22\n` });
    symlinkSync(outside, join(dir, '.nvmrc'));
    const { code, json } = await cliScan(dir);
    expect(code).toBe(0);
    // Read, `18` would disagree with both node:22 and node:24.
    expect(json.updates.find((u) => u.to.startsWith(`${node}:24`))?.notes).toBeUndefined();
  });

  it('a package.json nested a million levels deep and a pyproject.toml of deep inline tables give no note and no crash', async () => {
    const deepJson = `{"engines":${'{"a":'.repeat(1_000_000)}1${'}'.repeat(1_000_000)}}`;
    const deepToml = `[project]\nrequires-python = ">=3.10,<3.12"\nx = ${'{a='.repeat(200_000)}1${'}'.repeat(200_000)}\n`;
    const result = await plan({ Dockerfile: 'FROM node:22\nFROM python:3.12\n', 'package.json': deepJson, 'pyproject.toml': deepToml });
    expect(result.updates.map((u) => [u.to, u.notes])).toEqual([['node:24', undefined]]);
    expect(result.dependencies.filter((d) => d.extra?.runtimeDisagreement)).toEqual([]);
    expect(result.errors.filter((e) => e.file === '(scan)')).toEqual([]);
    expect(result.ms).toBeLessThan(MAX_MS);
  });

  it('a 16 MiB go.mod is read in one pass', () => {
    const text = `module x\n${'require example.com/m v1.0.0\n'.repeat(550_000)}go 1.22\n`;
    const started = performance.now();
    expect(goModVersions(text)).toEqual([{ field: 'go', says: '1.22', constraint: { kind: 'minimum', version: '1.22' } }]);
    expect(performance.now() - started).toBeLessThan(MAX_MS);
  });

  it('a Dockerfile hundreds of folders deep looks in at most 33 folders per file name', async () => {
    const deep = `${Array.from({ length: 300 }, (_, i) => `d${i}`).join('/')}/Dockerfile`;
    const reads: string[] = [];
    const result = await plan({ [deep]: 'FROM node:22\n' }, reads);
    expect(result.updates.map((u) => u.to)).toEqual(['node:24']);
    const runtimeReads = reads.filter((p) => /(^|\/)(\.nvmrc|\.node-version|package\.json)$/.test(p));
    expect(runtimeReads.length).toBeLessThanOrEqual(3 * 33);
    // The Dockerfile's own folder first, the root last.
    expect(runtimeReads[0]).toBe(deep.replace(/Dockerfile$/, '.nvmrc'));
    expect(runtimeReads).toContain('.nvmrc');
  });
});
