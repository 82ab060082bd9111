// Files a hostile repository (or mirror) could hold, generated at any size: shared by test/security and `npm run bench`.

/** A deterministic byte stream (xorshift), so a failing size or timing can be reproduced. */
export function randomBytes(size: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** `image: "${a:-${a:-…x…}}"` nested until the file is about `bytes` long. */
export function nestedInterpolationCompose(bytes: number): string {
  const depth = Math.max(1, Math.floor((bytes - 40) / 6));
  return `services:\n  app:\n    image: "${'${a:-'.repeat(depth)}node:20${'}'.repeat(depth)}"\n`;
}

/** One anchored service and `count` services that are aliases of it. */
export function composeAliases(count: number): string {
  const lines = ['x-base: &base', '  image: node:20', 'services:'];
  for (let i = 0; i < count; i++) lines.push(`  s${i}: *base`);
  return `${lines.join('\n')}\n`;
}

/** Billion laughs through merge keys: each level merges the previous one `width` times; no `image` anywhere. */
export function composeMergeBomb(levels: number, width = 10): string {
  const lines = ['x-l0: &l0', '  k: v'];
  for (let l = 1; l <= levels; l++) lines.push(`x-l${l}: &l${l}`, `  <<: [${Array(width).fill(`*l${l - 1}`).join(', ')}]`);
  lines.push('services:', `  app:`, `    <<: *l${levels}`);
  return `${lines.join('\n')}\n`;
}

const DOCKERFILE_LINES = [
  (i: number) => `FROM node:20.${i % 30}-alpine AS s${i}`,
  (i: number) => `ARG V${i}=1.${i}`,
  (i: number) => `ENV E${i}=$V${i - 1}`,
  (i: number) => `RUN apt-get update && apt-get install -y curl=7.${i} \\`,
  () => `    jq=1.6-2 && rm -rf /var/lib/apt/lists/*`,
  (i: number) => `COPY --from=s${i - 6} /app /app`,
  (i: number) => `FROM s${i - 6} AS t${i}`,
  (i: number) => `RUN --mount=type=cache,target=/root/.cache,from=ghcr.io/org/cache:${i} apk add --no-cache git~2.${i}`,
];

/** A Dockerfile of `lines` lines mixing stages, ARGs, ENVs, RUNs with continuations and package pins. */
export function longDockerfile(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(DOCKERFILE_LINES[i % DOCKERFILE_LINES.length]!(i));
  return `${out.join('\n')}\n`;
}

/** A Dockerfile of about `bytes` bytes made of `line` repeated. */
export function repeatedLines(line: string, bytes: number): string {
  return `${line}\n`.repeat(Math.max(1, Math.floor(bytes / (line.length + 1))));
}

/** Each ARG doubles the previous one: `$A0$A0`, `$A1$A1`... (exponential if expanded without a cap). */
export function dockerfileArgBomb(levels: number): string {
  const lines = ['ARG A0=xxxxxxxxxxxxxxxx'];
  for (let l = 1; l <= levels; l++) lines.push(`ARG A${l}=$A${l - 1}$A${l - 1}`);
  lines.push(`FROM node:$A${levels}`);
  return `${lines.join('\n')}\n`;
}

/** A requirements.txt of `lines` pins, every third with a hash on a continuation line. */
export function longRequirements(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(i % 3 === 0 ? `pkg-${i}[extra]==1.${i} ; python_version >= "3.8" \\\n    --hash=sha256:${'ab'.repeat(32)}` : `pkg-${i}==2.${i}  # pinned`);
  }
  return `${out.join('\n')}\n`;
}

/** A package-lock.json with `count` packages. */
export function hugePackageLock(count: number): string {
  const packages: Record<string, unknown> = { '': { name: 'app', version: '1.0.0' } };
  for (let i = 0; i < count; i++) {
    packages[`node_modules/pkg-${i}`] = { version: `1.0.${i}`, resolved: `https://example.invalid/pkg-${i}.tgz`, integrity: `sha512-${'A'.repeat(86)}==` };
  }
  return JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages }, null, 2);
}

/** JSON nested `depth` arrays deep. */
export function deepJson(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** A package.json with `count` dependencies. */
export function hugePackageJson(count: number): string {
  const dependencies: Record<string, string> = {};
  for (let i = 0; i < count; i++) dependencies[`pkg-${i}`] = `^1.${i}.0`;
  return JSON.stringify({ name: 'app', version: '1.0.0', dependencies }, null, 2);
}

/** A Debian Packages index of `count` paragraphs. */
export function hugePackagesIndex(count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(
      `Package: pkg-${i}\nSource: src-${i % 1000} (1.${i})\nVersion: 1.${i}-1\nArchitecture: amd64\nDescription: package ${i}\n a long description line\nFilename: pool/main/p/pkg-${i}.deb\nSHA256: ${'cd'.repeat(32)}\n`,
    );
  }
  return out.join('\n');
}

/** An APKINDEX of `count` paragraphs. */
export function hugeApkIndex(count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`C:Q1${'A'.repeat(27)}=\nP:pkg-${i}\nV:1.${i}-r0\nA:x86_64\nt:1700000000\no:origin-${i % 1000}\n`);
  return out.join('\n');
}

/** A RUN whose heredoc feeds a shell whose heredoc feeds a shell... `depth` times. */
export function nestedHeredocDockerfile(depth: number): string {
  const lines = ['FROM debian:12', 'RUN <<E0'];
  for (let d = 1; d <= depth; d++) lines.push(`sh <<E${d}`);
  lines.push('apt-get install -y curl=7.88');
  for (let d = depth; d >= 0; d--) lines.push(`E${d}`);
  return `${lines.join('\n')}\n`;
}
