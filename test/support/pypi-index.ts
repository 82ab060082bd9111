// A loopback PyPI-compatible index: the JSON API (/pypi/<name>/json) and the PEP 691 simple API, from in-memory projects.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IndexRelease {
  version: string;
  /** File names; their bytes (and so their sha256) derive from the name. */
  files: string[];
  yanked?: boolean;
  uploadedAt?: string;
}

export interface IndexProject {
  name: string;
  releases: IndexRelease[];
  projectUrls?: Record<string, string>;
  /** Serve this project only on the simple API (the JSON API answers 404). */
  simpleOnly?: boolean;
}

export interface PypiIndex {
  host: string;
  /** The index URL as pip's --index-url takes it. */
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export function fileHash(filename: string): string {
  return createHash('sha256').update(`contents of ${filename}`).digest('hex');
}

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

function jsonApi(project: IndexProject) {
  const releases = Object.fromEntries(
    project.releases.map((r) => [
      r.version,
      r.files.map((filename) => ({ filename, digests: { sha256: fileHash(filename) }, yanked: r.yanked ?? false, upload_time_iso_8601: r.uploadedAt ?? '2024-01-01T00:00:00.000000Z' })),
    ]),
  );
  return { info: { name: project.name, project_urls: project.projectUrls ?? null }, releases };
}

function simpleApi(project: IndexProject) {
  const files = project.releases.flatMap((r) =>
    r.files.map((filename) => ({ filename, url: `../../files/${filename}`, hashes: { sha256: fileHash(filename) }, yanked: r.yanked ?? false })),
  );
  return { meta: { 'api-version': '1.1' }, name: normalize(project.name), files, versions: project.releases.map((r) => r.version) };
}

export async function startPypiIndex(projects: IndexProject[]): Promise<PypiIndex> {
  const byName = new Map(projects.map((p) => [normalize(p.name), p]));
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const json = /^\/pypi\/([^/]+)\/json$/.exec(path);
    const simple = /^\/simple\/([^/]+)\/$/.exec(path);
    const project = byName.get(normalize(decodeURIComponent(json?.[1] ?? simple?.[1] ?? '')));
    if (project && json && !project.simpleOnly) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jsonApi(project)));
    } else if (project && simple) {
      res.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' }).end(JSON.stringify(simpleApi(project)));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/simple`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
