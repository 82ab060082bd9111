// A loopback Python package index serving real distributions: PEP 503 HTML and PEP 691 JSON simple pages, PyPI's JSON API and the files.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildRelease, type Dist, type DistSpec } from './python-dists.js';

export interface IndexedRelease extends DistSpec {
  uploadedAt?: string;
  yanked?: boolean;
}

export interface PythonIndex {
  host: string;
  /** Base URL (`http://127.0.0.1:<port>`); the simple index is `${url}/simple/`. */
  url: string;
  /** Every request: path and the Authorization header it carried. */
  requests: { path: string; authorization?: string }[];
  close(): Promise<void>;
}

export interface PythonIndexOptions {
  /** `user:password` the index requires on every request (401 otherwise). */
  basicAuth?: string;
}

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

interface Served extends IndexedRelease {
  dists: Dist[];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export async function startPythonIndex(releases: IndexedRelease[], options: PythonIndexOptions = {}): Promise<PythonIndex> {
  const served: Served[] = await Promise.all(releases.map(async (r) => ({ ...r, dists: await buildRelease(r) })));
  const byName = new Map<string, Served[]>();
  for (const r of served) byName.set(normalize(r.name), [...(byName.get(normalize(r.name)) ?? []), r]);
  const files = new Map(served.flatMap((r) => r.dists.map((d) => [d.filename, d] as const)));
  const requests: PythonIndex['requests'] = [];
  let base = '';

  const fileJson = (r: Served, d: Dist) => ({
    filename: d.filename,
    url: `${base}/files/${d.filename}`,
    packagetype: d.packagetype,
    digests: { sha256: d.sha256 },
    hashes: { sha256: d.sha256 },
    requires_python: r.requiresPython ?? null,
    'requires-python': r.requiresPython ?? null,
    yanked: r.yanked ?? false,
    upload_time_iso_8601: r.uploadedAt ?? '2024-01-01T00:00:00.000000Z',
  });
  const info = (r: Served) => ({ name: r.name, version: r.version, summary: 'test package', requires_dist: r.requires ?? [], requires_python: r.requiresPython ?? null, project_urls: null, platform: null, license: null });

  function answer(req: IncomingMessage): { status: number; type?: string; body: string | Buffer } {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const simple = /^\/simple\/([^/]+)\/?$/.exec(path);
    const project = /^\/pypi\/([^/]+)\/json$/.exec(path);
    const release = /^\/pypi\/([^/]+)\/([^/]+)\/json$/.exec(path);
    const file = /^\/files\/([^/]+)$/.exec(path);
    if (file) {
      const dist = files.get(file[1]!);
      return dist ? { status: 200, type: 'application/octet-stream', body: dist.bytes } : { status: 404, body: 'not found' };
    }
    const found = byName.get(normalize((simple ?? project ?? release)?.[1] ?? ''));
    if (!found) return { status: 404, body: 'not found' };
    if (release) {
      const r = found.find((x) => x.version === release[2]);
      if (!r) return { status: 404, body: 'not found' };
      return { status: 200, type: 'application/json', body: JSON.stringify({ info: info(r), urls: r.dists.map((d) => fileJson(r, d)) }) };
    }
    if (project) {
      const latest = found.at(-1)!;
      return { status: 200, type: 'application/json', body: JSON.stringify({ info: info(latest), releases: Object.fromEntries(found.map((r) => [r.version, r.dists.map((d) => fileJson(r, d))])) }) };
    }
    if ((req.headers.accept ?? '').includes('application/vnd.pypi.simple.v1+json')) {
      const body = { meta: { 'api-version': '1.1' }, name: normalize(found[0]!.name), versions: found.map((r) => r.version), files: found.flatMap((r) => r.dists.map((d) => fileJson(r, d))) };
      return { status: 200, type: 'application/vnd.pypi.simple.v1+json', body: JSON.stringify(body) };
    }
    const links = found.flatMap((r) =>
      r.dists.map((d) => `<a href="${base}/files/${d.filename}#sha256=${d.sha256}"${r.requiresPython ? ` data-requires-python="${escapeHtml(r.requiresPython)}"` : ''}${r.yanked ? ' data-yanked=""' : ''}>${d.filename}</a><br/>`),
    );
    return { status: 200, type: 'text/html', body: `<!DOCTYPE html><html><body>\n${links.join('\n')}\n</body></html>\n` };
  }

  const expected = options.basicAuth ? `Basic ${Buffer.from(options.basicAuth).toString('base64')}` : undefined;
  const server: Server = createServer((req, res) => {
    requests.push({ path: req.url ?? '/', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test"', 'content-type': 'text/plain' }).end('unauthorized');
      return;
    }
    const { status, type, body } = answer(req);
    res.writeHead(status, { 'content-type': type ?? 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    host: `127.0.0.1:${port}`,
    url: base,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
