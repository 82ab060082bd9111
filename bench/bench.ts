// npm run bench: extraction speed on a generated corpus, and registry requests per distinct image:tag.
import { performance } from 'node:perf_hooks';
import { parseApkIndex } from '../src/datasources/alpine/apkindex.js';
import { parsePackages } from '../src/datasources/debian/packages.js';
import { createOciClient } from '../src/datasources/oci/index.js';
import { extractAll, scan } from '../src/engine/index.js';
import type { FileSource } from '../src/engine/types.js';
import { createHttpClient, type HttpClient } from '../src/http/index.js';
import { dockerfileManager } from '../src/managers/dockerfile/index.js';
import { MAX_FILE_BYTES } from '../src/managers/limits.js';
import { pnpmLockfile } from '../src/managers/pnpm/index.js';
import { lockedVersions } from '../src/managers/poetry/lock.js';
import { yarnLockfile } from '../src/managers/yarn/index.js';
import { renderTable } from '../src/text-table.js';
import { silentLogger } from '../src/types.js';
import * as hostile from '../test/support/hostile-files.js';
import { pushImage } from '../test/support/oci-push.js';
import { startRegistry } from '../test/support/registry.js';

const SHAPES = [
  (img: string) => `FROM ${img}\nRUN apt-get update && apt-get install -y curl\nCMD ["sh"]\n`,
  (img: string) =>
    `# syntax=${img}\nARG BASE=${img}\nFROM \${BASE} AS build\nWORKDIR /src\nCOPY . .\nRUN <<EOF\nmake\nFROM not-an-image\nEOF\n\nFROM build AS test\nRUN make test\n\nFROM ${img}\nCOPY --from=build /src/out /app\nUSER 1000\n`,
  (img: string) =>
    `FROM --platform=$BUILDPLATFORM ${img} AS a\nRUN set -eux; \\\n    # a comment inside a continuation\n    echo one \\\n    && echo two\nFROM a\nRUN --mount=type=cache,target=/root/.cache,from=${img} true\nONBUILD COPY --from=${img} /x /x\n`,
];

function corpus(count: number, images: string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const shape = SHAPES[i % SHAPES.length]!;
    files.set(`svc${i}/Dockerfile`, shape(images[i % images.length]!));
  }
  return files;
}

/** Wraps the HTTP client to count requests by kind of registry call. */
function countingKinds(http: HttpClient): { http: HttpClient; kinds: Record<string, number> } {
  const kinds: Record<string, number> = {};
  const kindOf = (url: string, method = 'GET') => {
    const path = new URL(url).pathname;
    if (path === '/v2/') return 'ping/auth';
    if (path.includes('/tags/list')) return 'tag list';
    if (path.includes('/manifests/')) return `manifest ${method}`;
    if (path.includes('/blobs/')) return 'blob';
    return 'other (token)';
  };
  const counted: HttpClient = {
    request: (url, options) => {
      const kind = kindOf(url, options?.method);
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      return http.request(url, options);
    },
    stream: (url, options) => http.stream(url, options),
    isInsecureHost: (host) => http.isInsecureHost(host),
    get stats() {
      return http.stats;
    },
    close: () => http.close(),
  };
  return { http: counted, kinds };
}

function memorySource(files: Map<string, string>): FileSource {
  return { list: async () => [...files.keys()], read: async (p) => files.get(p)! };
}

function extractionSpeed(): void {
  const files = corpus(3000, ['node:20.11-alpine', 'python:3.13-slim@sha256:' + 'a'.repeat(64), 'ghcr.io/org/app:1.2.3']);
  const bytes = [...files.values()].reduce((n, t) => n + t.length, 0);
  for (const [path, text] of files) dockerfileManager.extract(text, path); // warm up
  const start = performance.now();
  let deps = 0;
  for (const [path, text] of files) deps += dockerfileManager.extract(text, path).deps.length;
  const seconds = (performance.now() - start) / 1000;
  console.log(`extract: ${files.size} Dockerfiles (${(bytes / 1024).toFixed(0)} KiB, ${deps} dependencies) in ${(seconds * 1000).toFixed(0)} ms`);
  console.log(`extract: ${Math.round(files.size / seconds)} Dockerfiles per second`);
}

async function registryRequests(): Promise<void> {
  const registry = await startRegistry();
  try {
    const images: string[] = [];
    for (let i = 0; i < 10; i++) {
      for (const tag of ['1.0', '1.1', '2.0']) await pushImage(registry.url, `bench/img${i}`, tag);
      images.push(`${registry.host}/bench/img${i}:${i % 2 ? '1.1' : '1.0'}`);
    }
    const files = corpus(500, images);
    const base = createHttpClient({ insecureHosts: [registry.host], logger: silentLogger });
    const { http, kinds } = countingKinds(base);
    const images_ = createOciClient({ http, log: silentLogger });
    const start = performance.now();
    const result = await scan(memorySource(files), { images: images_, log: silentLogger });
    const ms = performance.now() - start;
    const imageDeps = result.dependencies.filter((d) => d.datasource === 'docker' && !d.skipReason);
    const distinctTags = new Set(imageDeps.map((d) => `${d.depName}:${d.currentValue}`)).size;
    const repositories = new Set(imageDeps.map((d) => d.depName)).size;
    const total = http.stats.total;
    console.log(
      `scan: ${files.size} files, ${imageDeps.length} image uses of ${distinctTags} distinct image:tags ` +
        `in ${repositories} repositories, ${result.updates.length} updates, ${result.errors.length} errors, ${ms.toFixed(0)} ms`,
    );
    console.log(`scan: ${total} registry requests = ${(total / distinctTags).toFixed(2)} per distinct image:tag`);
    const askedTags = new Set(result.updates.map((u) => u.to.split('@')[0]));
    for (const d of imageDeps) askedTags.add(`${d.depName}:${d.currentValue}`);
    console.log(`scan: requests by kind ${JSON.stringify(kinds)}; by host ${JSON.stringify(http.stats.byHost)}`);
    console.log(
      `scan: ${kinds['tag list'] ?? 0} tag lists for ${repositories} repositories; ` +
        `${kinds['manifest HEAD'] ?? 0} manifest HEADs for at most ${askedTags.size} distinct image:tags asked; ` +
        `${(kinds['ping/auth'] ?? 0) + (kinds['other (token)'] ?? 0)} auth requests (target: 1 per image:tag + auth)`,
    );
  } finally {
    await registry.stop();
  }
}

const HOSTILE_FILES: [string, string, () => string][] = [
  ['compose: 240 KB nested ${a:-${a:-…}} image', 'docker-compose.yml', () => hostile.nestedInterpolationCompose(240_000)],
  ['compose: 8,000 aliases', 'docker-compose.yml', () => hostile.composeAliases(8000)],
  ['compose: 17,000 aliases (at the 256 KiB YAML cap)', 'docker-compose.yml', () => hostile.composeAliases(17_000)],
  ['compose: merge-key billion laughs (10^9 paths)', 'docker-compose.yml', () => hostile.composeMergeBomb(9)],
  ['workflow: flow sequence at the YAML cap', '.github/workflows/ci.yml', () => `jobs: {}\nx: [${'a,'.repeat(130_000)}]\n`],
  ['Dockerfile: 100,000 lines', 'Dockerfile', () => hostile.longDockerfile(100_000)],
  ['Dockerfile: 16 MiB of RUN lines', 'Dockerfile', () => `FROM debian:12\n${hostile.repeatedLines(`RUN apt-get install -y curl=7.88 && echo ${'x'.repeat(700)}`, MAX_FILE_BYTES - 15)}`],
  ['Dockerfile: 40 ARGs doubling each other', 'Dockerfile', () => hostile.dockerfileArgBomb(40)],
  ['Dockerfile: 5 MB random bytes', 'Dockerfile', () => hostile.randomBytes(5_000_000).toString('utf8')],
  ['Dockerfile: heredocs 2,000 deep', 'Dockerfile', () => hostile.nestedHeredocDockerfile(2000)],
  ['requirements.txt: 16 MiB', 'requirements.txt', () => hostile.longRequirements(250_000).slice(0, MAX_FILE_BYTES)],
  ['package.json: 480,000 dependencies (16 MiB)', 'package.json', () => hostile.hugePackageJson(480_000)],
  ['package-lock.json: 65,000 packages (16 MiB)', 'package-lock.json', () => hostile.hugePackageLock(65_000)],
  ['package-lock.json: 1,000,000 levels deep', 'package-lock.json', () => hostile.deepJson(1_000_000)],
  ['go.mod: 400,000 requirements (16 MiB)', 'go.mod', () => `module example.com/m\n\ngo 1.19\n\nrequire (\n${hostile.repeatedLines('\texample.com/some/long/module/path/x v1.2.3 // indirect', MAX_FILE_BYTES - 64)}\n)\n`],
  ['go.mod: one 16 MiB line', 'go.mod', () => `module example.com/m\nrequire ${'a '.repeat(MAX_FILE_BYTES / 2 - 64)}\n`],
  ['pyproject.toml: 20,000 Poetry dependencies', 'pyproject.toml', () => `[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\n${Array.from({ length: 20_000 }, (_, i) => `dep${i} = { version = "^1.${i}", optional = true }`).join('\n')}\n`],
  ['pyproject.toml: 50,000 nested inline tables', 'pyproject.toml', () => `[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\nx = ${'{ a = '.repeat(50_000)}1${' }'.repeat(50_000)}\n`],
  ['pnpm-workspace.yaml: catalog alias bomb', 'pnpm-workspace.yaml', () => `catalog:\n  a: &a [x, x]\n${Array.from({ length: 40 }, (_, i) => `  b${i}: &b${i} [*${i === 0 ? 'a' : `b${i - 1}`}, *${i === 0 ? 'a' : `b${i - 1}`}]`).join('\n')}\n`],
];

/** Lockfiles are read by the planner (the version installed now), not by extract: timed on their own. */
const HOSTILE_LOCKFILES: [string, () => string, (text: string) => unknown][] = [
  ['yarn.lock (Berry): 100,000 entries', () => `__metadata:\n  version: 8\n\n${Array.from({ length: 100_000 }, (_, i) => `"lib${i}@npm:^1.0.0":\n  version: 1.0.${i}\n  resolution: "lib${i}@npm:1.0.${i}"\n`).join('\n')}`,
    (text) => yarnLockfile.lockedVersion(text, 'yarn.lock', 'package.json', 'lib99999', '^1.0.0')],
  ['yarn.lock (classic): one key line of 500,000 descriptors', () => `# yarn lockfile v1\n\n${Array.from({ length: 500_000 }, (_, i) => `lib@^${i}.0.0`).join(', ')}:\n  version "1.0.0"\n`,
    (text) => yarnLockfile.lockedVersion(text, 'yarn.lock', 'package.json', 'lib', '^1.0.0')],
  ['pnpm-lock.yaml: 60,000 packages', () => `lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      lib0:\n        specifier: ^1.0.0\n        version: 1.0.0\n\npackages:\n\n${Array.from({ length: 60_000 }, (_, i) => `  lib${i}@1.0.0:\n    resolution: {integrity: sha512-${'A'.repeat(86)}==}\n`).join('\n')}`,
    (text) => pnpmLockfile.lockedVersion(text, 'pnpm-lock.yaml', 'package.json', 'lib0', '^1.0.0')],
  ['poetry.lock: 50,000 packages', () => Array.from({ length: 50_000 }, (_, i) => `[[package]]\nname = "lib${i}"\nversion = "1.0.${i}"\ndescription = ""\noptional = false\npython-versions = "*"\nfiles = []\n`).join('\n'),
    (text) => lockedVersions(text).size],
];

/** Per hostile file: wall and CPU time of extractAll (every manager that reads it), and what it reported. */
async function hostileInputs(): Promise<void> {
  const rows: string[][] = [];
  const timeIt = async (run: () => unknown): Promise<{ wall: number; cpu: number }> => {
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    await run();
    const cpu = process.cpuUsage(cpuBefore);
    return { wall: performance.now() - start, cpu: (cpu.user + cpu.system) / 1000 };
  };
  for (const [label, file, make] of HOSTILE_FILES) {
    const text = make();
    let outcome = '';
    const { wall, cpu } = await timeIt(async () => {
      const result = await extractAll(memorySource(new Map([[file, text]])));
      outcome = `${result.dependencies.length} deps, ${result.errors.length} errors${result.errors[0] ? `: ${result.errors[0].message.slice(0, 60)}` : ''}`;
    });
    rows.push([label, `${(text.length / 1024).toFixed(0)} KiB`, wall.toFixed(0), cpu.toFixed(0), outcome]);
  }
  for (const [label, make, read] of HOSTILE_LOCKFILES) {
    const text = make();
    let outcome = '';
    const { wall, cpu } = await timeIt(() => {
      try {
        outcome = `read: ${String(read(text)).slice(0, 40)}`;
      } catch (err) {
        outcome = `refused: ${(err as Error).message.slice(0, 60)}`;
      }
    });
    rows.push([label, `${(text.length / 1024).toFixed(0)} KiB`, wall.toFixed(0), cpu.toFixed(0), outcome]);
  }
  const indexes: [string, string, (text: string) => { size: number }][] = [
    ['Debian Packages index (16 MiB)', hostile.hugePackagesIndex(65_000), parsePackages],
    ['APKINDEX (16 MiB)', hostile.hugeApkIndex(175_000), parseApkIndex],
  ];
  for (const [label, text, parse] of indexes) {
    let size = 0;
    const { wall, cpu } = await timeIt(() => (size = parse(text).size));
    rows.push([label, `${(text.length / 1024).toFixed(0)} KiB`, wall.toFixed(0), cpu.toFixed(0), `${size} packages`]);
  }
  console.log('hostile inputs (target: under 2 s each):');
  process.stdout.write(renderTable(['File', 'Size', 'Wall ms', 'CPU ms', 'Result'], rows));
}

extractionSpeed();
await hostileInputs();
await registryRequests();
