// A loopback Go module proxy (GOPROXY protocol): `list`, `.info`, `.mod` and real module zips built here, for the go command and the datasource.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { storedZip } from './zip.js';

export interface ProxyVersion {
  version: string;
  /** `.info` Time; default 2024-01-01. */
  time?: string;
  /** The module's files besides go.mod (path → text); default one package file. */
  files?: Record<string, string>;
  /** The module's own go.mod; null for a module without one (its `+incompatible` versions). Default `module <path>\n\ngo 1.19\n`. */
  goMod?: string | null;
  /** Left out of `list` (pseudo-versions never appear there). */
  unlisted?: boolean;
}

export interface ProxyModule {
  path: string;
  versions: ProxyVersion[];
}

export interface GoProxyServer {
  host: string;
  url: string;
  /** Request paths, in order. */
  requests: string[];
  close(): Promise<void>;
}

const escape = (text: string) => text.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

/** The package file every default module has: `package <last element>`, with a function returning its version. */
export function defaultPackage(path: string, version: string): Record<string, string> {
  const name = path.split('/').filter((e) => !/^v[0-9]+$/.test(e)).at(-1)!.replace(/[^a-z0-9]/gi, '');
  return { [`${name}.go`]: `package ${name}\n\n// Version is the version of this module.\nfunc Version() string { return "${version}" }\n` };
}

function goModOf(module: ProxyModule, v: ProxyVersion): string {
  if (v.goMod === null) return `module ${module.path}\n`;
  return v.goMod ?? `module ${module.path}\n\ngo 1.19\n`;
}

/** The module zip as the go command expects it: every file under `<path>@<version>/`. */
export function moduleZip(module: ProxyModule, v: ProxyVersion): Buffer {
  const files = new Map<string, string>();
  const prefix = `${module.path}@${v.version}/`;
  if (v.goMod !== null) files.set(`${prefix}go.mod`, goModOf(module, v));
  for (const [name, text] of Object.entries(v.files ?? defaultPackage(module.path, v.version))) files.set(prefix + name, text);
  return storedZip(files);
}

export async function startGoProxy(modules: ProxyModule[]): Promise<GoProxyServer> {
  const byEscapedPath = new Map(modules.map((m) => [escape(m.path), m]));
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    let url: string;
    try {
      url = decodeURIComponent(req.url ?? '/');
    } catch {
      url = req.url ?? '/';
    }
    requests.push(url);
    const match = /^\/(.+)\/@v\/(list|(.+)\.(info|mod|zip))$/.exec(url);
    const module = match ? byEscapedPath.get(match[1]!) : undefined;
    if (!match || !module) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    if (match[2] === 'list') {
      const listed = module.versions.filter((v) => !v.unlisted).map((v) => v.version);
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(listed.map((v) => `${v}\n`).join(''));
    }
    const version = module.versions.find((v) => escape(v.version) === match[3]);
    if (!version) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    if (match[4] === 'info') {
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Version: version.version, Time: version.time ?? '2024-01-01T00:00:00Z' }));
    }
    if (match[4] === 'mod') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(goModOf(module, version));
    res.writeHead(200, { 'content-type': 'application/zip' }).end(moduleZip(module, version));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
