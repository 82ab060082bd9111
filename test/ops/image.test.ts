// Freshen's own Dockerfile and docker-compose.yml, checked without a Docker engine.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyUpdates, extractAll } from '../../src/engine/index.js';
import type { FileSource } from '../../src/engine/types.js';
import { baseImageOf, parseDockerfile, type Stage } from '../../src/managers/dockerfile/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const dockerfile = read('Dockerfile');
const compose = read('docker-compose.yml');
const parsed = parseDockerfile(dockerfile);
const finalStage = parsed.stages.at(-1)!;

function onlyFiles(files: Record<string, string>): FileSource {
  return {
    list: async () => Object.keys(files),
    read: async (path: string) => files[path]!,
  };
}

/** The schema still marks sub-schemas with draft-04 `id` strings, which ajv refuses; they are labels only. */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).filter(([k, v]) => !(k === 'id' && typeof v === 'string')).map(([k, v]) => [k, withoutLegacyIds(v)]));
}

const runCommands = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args.text);

describe("Freshen's Dockerfile", () => {
  it('parses without errors and has a build and a runtime stage from the same pinned base', () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    const bases = parsed.stages.map((s) => baseImageOf(parsed.stages, s)?.reference.value.text);
    expect(bases[0]).toMatch(/^node:\d+[\w.-]*@sha256:[0-9a-f]{64}$/);
    expect(bases[1]).toBe(bases[0]);
  });

  it('builds with dev dependencies and runs with production dependencies only, no install scripts', () => {
    const build = runCommands(parsed.stages[0]!).join('\n');
    expect(build).toMatch(/npm ci\b(?!.*--omit=dev)/);
    expect(build).toContain('tsc -p tsconfig.build.json');
    const runtime = runCommands(finalStage).join('\n');
    expect(runtime).toMatch(/npm ci .*--omit=dev/);
    expect(runtime).toContain('--ignore-scripts');
    expect(runtime).not.toMatch(/\b(curl|wget|tsc|npm run)\b/);
    const copies = finalStage.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.raw);
    expect(copies.some((c) => /--from=build .*dist\/src/.test(c))).toBe(true);
  });

  it('runs the built JS as a non-root user, with a HEALTHCHECK that needs no curl', () => {
    const users = finalStage.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args.text);
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const healthcheck = finalStage.instructions.find((i) => i.keyword === 'HEALTHCHECK')!;
    expect(healthcheck.raw).toContain('dist/src/observability/healthcheck.js');
    expect(existsSync(join(ROOT, 'src/observability/healthcheck.ts'))).toBe(true);
    const cmd = finalStage.instructions.find((i) => i.keyword === 'CMD')!;
    expect(cmd.args.text).toBe('["node", "dist/src/main.js"]');
  });

  it('carries the OCI labels, the moving ones from build args, base.digest following the pinned digest', () => {
    const labels = finalStage.instructions.filter((i) => i.keyword === 'LABEL').map((i) => i.logical.text).join(' ');
    for (const key of ['source', 'revision', 'created', 'version', 'base.name', 'base.digest']) {
      expect(labels).toMatch(new RegExp(`org\\.opencontainers\\.image\\.${key.replace('.', '\\.')}="\\$\\{[A-Z_]+\\}"`));
    }
    const args = finalStage.instructions.filter((i) => i.keyword === 'ARG').map((i) => i.args.text.split('=')[0]);
    expect(args).toEqual(expect.arrayContaining(['VERSION', 'REVISION', 'CREATED', 'SOURCE', 'NODE_IMAGE', 'NODE_DIGEST']));
  });

  it('keeps secrets, git data and node_modules out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['.env', '*.pem', '.git', 'node_modules']) expect(ignored).toContain(entry);
  });
});

describe("Freshen's own extract on its image files", () => {
  it('finds every base image, each pinned by digest, and the OS packages of the runtime, each pinned by version', async () => {
    const { dependencies, errors } = await extractAll(onlyFiles({ Dockerfile: dockerfile, 'docker-compose.yml': compose }));
    expect(errors).toEqual([]);
    const images = dependencies.filter((d) => d.datasource === 'docker');
    expect(images.map((d) => `${d.file} ${d.depName}`).sort()).toEqual([
      'Dockerfile docker.io/library/node',
      'Dockerfile docker.io/library/node',
      'docker-compose.yml docker.io/library/redis',
    ]);
    for (const dep of images) expect(dep.currentDigest, `${dep.file}:${dep.line}`).toMatch(/^sha256:[0-9a-f]{64}$/);
    const packages = dependencies.filter((d) => d.manager === 'os-packages');
    expect(packages.map((d) => d.depName).sort()).toEqual(['ca-certificates', 'golang-1.23-go', 'python3-poetry']);
    for (const dep of packages) expect(dep.skipReason, dep.depName).toBeUndefined();
  });

  it('updates the digest in one place, so both stages and the base.digest label follow', async () => {
    const { dependencies } = await extractAll(onlyFiles({ Dockerfile: dockerfile }));
    const dep = dependencies[0]!;
    const newDigest = `sha256:${'ab'.repeat(32)}`;
    const result = applyUpdates(new Map([['Dockerfile', dockerfile]]), [
      { manager: 'dockerfile', file: 'Dockerfile', line: dep.line, depName: dep.depName, from: dep.reference ?? '', to: `node:${dep.currentValue}@${newDigest}`, updateType: 'digest', newValue: dep.currentValue, newDigest, depIndex: 0 },
    ] as never);
    expect(result.errors).toEqual([]);
    const text = result.files.get('Dockerfile')!;
    expect(text.split('\n').filter((l, i) => l !== dockerfile.split('\n')[i])).toEqual([`ARG NODE_DIGEST=${newDigest}`]);
  });
});

describe('docker-compose.yml', () => {
  const doc = parse(compose, { merge: true }) as Record<string, any>;

  it('validates against the Compose specification schema', () => {
    // The file names the draft as http://...#; ajv registers it under https without the '#'.
    const { $schema: _draft, ...schema } = JSON.parse(read('test/fixtures/compose-spec.json')) as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(withoutLegacyIds(schema) as object);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    // The schema can fail: a misspelt key is refused.
    expect(validate({ services: { web: { imagee: 'x' } } })).toBe(false);
  });

  it('runs Redis with AOF persistence, a healthcheck and a volume', () => {
    const redis = doc.services.redis;
    expect(redis.command.join(' ')).toContain('--appendonly yes');
    expect(redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(redis.volumes).toEqual(['redis-data:/data']);
    expect(doc.volumes).toHaveProperty('redis-data');
  });

  it('runs web and a scalable worker from the same build, with roles, .env, restarts and health conditions', () => {
    const { web, worker } = doc.services;
    expect(web.build).toBe('.');
    expect(worker.build).toBe(web.build);
    expect(web.environment.FRESHEN_ROLE).toBe('web');
    expect(worker.environment.FRESHEN_ROLE).toBe('worker');
    for (const service of [web, worker]) {
      expect(service.env_file).toBe('.env');
      expect(service.restart).toBe('unless-stopped');
      expect(service.depends_on.redis.condition).toBe('service_healthy');
    }
    // `--scale worker=N` needs no fixed name and no host port.
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
  });

  it('refers only to settings listed in .env.example', () => {
    const listed = new Set([...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const referenced = [...compose.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
    const environmentKeys = Object.values(doc.services as Record<string, { environment?: Record<string, string> }>).flatMap((s) => Object.keys(s.environment ?? {}));
    const missing = [...referenced, ...environmentKeys].filter((name) => !listed.has(name));
    expect(missing).toEqual([]);
  });
});
