// A loopback package mirror for tests: generated Debian suites and Alpine repositories from a description.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

/** Fields of one Packages paragraph; Package and Version are required. */
export type DebianPackageSpec = { Package: string; Version: string; Architecture?: string } & Record<string, string>;

export interface DebianSuiteSpec {
  suite: string;
  codename?: string;
  /** Release `Origin:` (default `Test`); `Debian` makes Freshen link the distro's changelogs. */
  origin?: string;
  /** component → Debian arch (`amd64`, `all`) → packages. */
  components: Record<string, Record<string, DebianPackageSpec[]>>;
  /** Which Packages files to publish and list in Release. Default: xz (when the xz tool exists) and gz. */
  formats?: ('xz' | 'gz' | 'plain')[];
  /** Serve InRelease (clearsign armor around Release). Default true; Release is always served. */
  inRelease?: boolean;
  /** Adds `No-Support-for-Architecture-all: Packages`. Default true, as on Debian. */
  archAllInEveryArch?: boolean;
  date?: string;
}

export type ApkPackageSpec = { P: string; V: string; A?: string; o?: string; t?: string };

export interface MirrorSpec {
  /** Root path on the mirror (`debian`, `debian-security`) → suites under `<root>/dists/`. */
  debian?: Record<string, DebianSuiteSpec[]>;
  /** Alpine: repository path (`alpine/v3.20/main`) → arch (`x86_64`) → packages. */
  alpine?: Record<string, Record<string, ApkPackageSpec[]>>;
}

export interface OsMirror {
  url: string;
  /** Every request served, in order: `GET /debian/dists/bookworm/InRelease 200`. */
  requests: string[];
  /** Flips a byte of a served file without changing the Release that lists it. */
  corrupt(path: string): void;
  /** Serves `body` at `path` from now on (Release files are not regenerated). */
  put(path: string, body: Buffer | string): void;
  /** Regenerates everything from a new description (new Release dates, checksums, ETags). */
  update(spec: MirrorSpec): Promise<void>;
  close(): Promise<void>;
}

export const hasXz = spawnSync('xz', ['--version']).status === 0;

function xz(data: Buffer): Buffer {
  const out = spawnSync('xz', ['-c', '-6'], { input: data, maxBuffer: 1 << 28 });
  if (out.status !== 0) throw new Error(`xz failed: ${out.stderr.toString()}`);
  return out.stdout;
}

/** A tar archive of the given entries (a `linkname` makes a symlink). */
export async function tarOf(entries: { name: string; content?: string | Buffer; linkname?: string; type?: 'directory' }[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const e of entries) {
    if (e.linkname) pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname });
    else if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory' });
    else pack.entry({ name: e.name }, typeof e.content === 'string' ? Buffer.from(e.content) : (e.content ?? Buffer.alloc(0)));
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function packagesText(packages: DebianPackageSpec[], arch: string): string {
  return packages
    .map((p) => {
      const fields: Record<string, string> = { Architecture: arch, Filename: `pool/main/${p.Package[0]}/${p.Package}/${p.Package}_${p.Version}_${arch}.deb`, ...p };
      return Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n') + '\nDescription: test package\n that spans two lines\n';
    })
    .join('\n');
}

function addDebianSuite(files: Map<string, Buffer>, root: string, spec: DebianSuiteSpec): void {
  const base = `/${root}/dists/${spec.suite}/`;
  const formats = spec.formats ?? (hasXz ? ['xz', 'gz'] : ['gz']);
  const listed: string[] = [];
  for (const [component, arches] of Object.entries(spec.components)) {
    for (const [arch, packages] of Object.entries(arches)) {
      const plain = Buffer.from(packagesText(packages, arch));
      const variants: Record<string, Buffer> = {};
      if (formats.includes('plain')) variants.Packages = plain;
      if (formats.includes('gz')) variants['Packages.gz'] = gzipSync(plain);
      if (formats.includes('xz')) variants['Packages.xz'] = xz(plain);
      for (const [name, body] of Object.entries(variants)) {
        const path = `${component}/binary-${arch}/${name}`;
        files.set(base + path, body);
        listed.push(` ${sha256(body)} ${String(body.length).padStart(9)} ${path}`);
      }
    }
  }
  const arches = [...new Set(Object.values(spec.components).flatMap((a) => Object.keys(a)))].filter((a) => a !== 'all');
  const release = [
    `Origin: ${spec.origin ?? 'Test'}`,
    `Suite: ${spec.suite}`,
    `Codename: ${spec.codename ?? spec.suite.split('-')[0]}`,
    `Date: ${spec.date ?? new Date().toUTCString()}`,
    `Architectures: all ${arches.join(' ')}`,
    `Components: ${Object.keys(spec.components).join(' ')}`,
    ...(spec.archAllInEveryArch === false ? [] : ['No-Support-for-Architecture-all: Packages']),
    'SHA256:',
    ...listed,
  ].join('\n') + '\n';
  files.set(base + 'Release', Buffer.from(release));
  if (spec.inRelease === false) return;
  const dashEscaped = release.split('\n').map((l) => (l.startsWith('-') ? '- ' + l : l)).join('\n');
  const signed = `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n${dashEscaped}-----BEGIN PGP SIGNATURE-----\n\nbm90IGEgcmVhbCBzaWduYXR1cmU=\n-----END PGP SIGNATURE-----\n`;
  files.set(base + 'InRelease', Buffer.from(signed));
}

/** APKINDEX.tar.gz as abuild writes it: a gzip'd signature tar cut before its end blocks, then the gzip'd index tar. */
async function apkIndexArchive(packages: ApkPackageSpec[], arch: string): Promise<Buffer> {
  const index = packages
    .map((p) => `C:Q1${createHash('sha1').update(p.P + p.V).digest('base64')}\nP:${p.P}\nV:${p.V}\nA:${p.A ?? arch}\nS:1000\nI:4000\nT:test package\nU:https://example.invalid/\nL:MIT\no:${p.o ?? p.P}\nt:${p.t ?? '1730000000'}\n`)
    .join('\n');
  const signature = await tarOf([{ name: '.SIGN.RSA.test-key.rsa.pub', content: Buffer.from('not a real signature') }]);
  const indexTar = await tarOf([{ name: 'DESCRIPTION', content: 'test' }, { name: 'APKINDEX', content: index + '\n' }]);
  return Buffer.concat([gzipSync(signature.subarray(0, signature.length - 1024)), gzipSync(indexTar)]);
}

async function build(spec: MirrorSpec): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const [root, suites] of Object.entries(spec.debian ?? {})) for (const s of suites) addDebianSuite(files, root, s);
  for (const [repo, arches] of Object.entries(spec.alpine ?? {})) {
    for (const [arch, packages] of Object.entries(arches)) files.set(`/${repo}/${arch}/APKINDEX.tar.gz`, await apkIndexArchive(packages, arch));
  }
  return files;
}

export async function startOsMirror(spec: MirrorSpec): Promise<OsMirror> {
  let files = await build(spec);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = files.get(path);
    const etag = body ? `"${sha256(body).slice(0, 32)}"` : undefined;
    const status = !body ? 404 : req.headers['if-none-match'] === etag ? 304 : 200;
    requests.push(`${req.method} ${path} ${status}`);
    if (etag) res.setHeader('ETag', etag);
    res.writeHead(status);
    res.end(status === 200 ? body : undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    corrupt(path) {
      const body = files.get(path);
      if (!body) throw new Error(`mirror has no ${path}`);
      const copy = Buffer.from(body);
      copy[copy.length >> 1] = copy[copy.length >> 1]! ^ 0xff;
      files.set(path, copy);
    },
    put(path, body) {
      files.set(path, Buffer.from(body));
    },
    async update(next) {
      files = await build(next);
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** FetchIndexFile over plain fetch, for tests (the app wires the shared HTTP client instead). */
export async function plainFetchIndex(url: string, validators?: { etag?: string; lastModified?: string }) {
  const headers: Record<string, string> = {};
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
  const res = await fetch(url, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, body, etag: res.headers.get('etag') ?? undefined, lastModified: res.headers.get('last-modified') ?? undefined };
}
