// The fleet benchmark's world: images in a real registry behind a counting proxy, repositories in the GitHub simulation.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GitHubSim } from '../test/support/github-sim/index.js';
import { pushIndex } from '../test/support/oci-push.js';

export interface CountingProxy {
  host: string;
  /** `METHOD kind` → count, e.g. `HEAD manifest`, `GET tags`, `GET ping`. */
  counts: Map<string, number>;
  total(): number;
  reset(): void;
  close(): Promise<void>;
}

function kindOf(path: string): string {
  if (path === '/v2/' || path === '/v2') return 'ping';
  if (path.includes('/manifests/')) return 'manifest';
  if (path.includes('/tags/list')) return 'tags';
  if (path.includes('/blobs/')) return 'blob';
  return 'other';
}

/** A loopback HTTP proxy in front of the registry that counts what Freshen asks. */
export async function countingProxy(registryHost: string): Promise<CountingProxy> {
  const counts = new Map<string, number>();
  const [host, port] = registryHost.split(':');
  const server: Server = createServer((req, res) => {
    const key = `${req.method} ${kindOf(req.url ?? '')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const upstream = httpRequest({ host, port: Number(port), method: req.method, path: req.url, headers: { ...req.headers, host: registryHost } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => counts.clear(),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export const IMAGE_COUNT = 40;
export const TAGS = ['1.0', '1.1'];

/** 40 images under `namespace` (one per run, so runs do not see each other's tags), tags 1.0 and 1.1. */
export async function pushFleetImages(registryHost: string, namespace = 'fleet'): Promise<string[]> {
  const names: string[] = [];
  const pushes: Promise<unknown>[] = [];
  for (let i = 0; i < IMAGE_COUNT; i++) {
    const name = `${namespace}/base${i}`;
    names.push(name);
    pushes.push((async () => {
      for (const tag of TAGS) await pushIndex(`http://${registryHost}`, name, tag, [{ files: [{ 'release.txt': `${name} ${tag}\n` }] }]);
    })());
  }
  await Promise.all(pushes);
  return names;
}

/** Realistic Dockerfile shapes: single stage, multi-stage build, ARG-selected base, already pinned, up to date. */
const SHAPES: ((a: string, b: string) => string)[] = [
  (a) => `FROM ${a}:1.0\nRUN apk add --no-cache curl\nCOPY . /app\nCMD ["/app/run"]\n`,
  (a, b) => `FROM ${a}:1.0 AS build\nWORKDIR /src\nCOPY . .\nRUN make\n\nFROM ${b}:1.1\nCOPY --from=build /src/out /app\nUSER 1000\n`,
  (a) => `ARG BASE=${a}:1.0\nFROM \${BASE}\nRUN echo hi\n`,
  (a) => `FROM --platform=$BUILDPLATFORM ${a}:1.1 AS tools\nFROM tools\nRUN true\n`,
  (a, b) => `FROM ${a}:1.0\nFROM ${b}:1.0 AS test\nRUN make test\n`,
];

export interface FleetRepo {
  installationId: number;
  repoId: number;
  owner: string;
  repo: string;
  dockerfiles: number;
}

/**
 * `repos` repositories over installations of 100 repositories each (orgs), 1-5 Dockerfiles each
 * (3 on average), images drawn with a skew: a few base images are used by most repositories.
 */
export function createFleet(sim: GitHubSim, repos: number, imageHost: string, images: string[]): FleetRepo[] {
  const fleet: FleetRepo[] = [];
  const perOrg = 100;
  for (let org = 0; org * perOrg < repos; org++) {
    const owner = `org${org}`;
    const inst = sim.createInstallation({ account: owner });
    for (let j = 0; j < perOrg && org * perOrg + j < repos; j++) {
      const n = org * perOrg + j;
      const count = (n % 5) + 1;
      const files: Record<string, string> = {};
      for (let f = 0; f < count; f++) {
        const pick = (salt: number) => `${imageHost}/${images[Math.floor(((n * 7 + f * 13 + salt) % 97) ** 2 / 97) % images.length]!}`;
        files[f === 0 ? 'Dockerfile' : `services/s${f}/Dockerfile`] = SHAPES[(n + f) % SHAPES.length]!(pick(0), pick(31));
      }
      const created = sim.createRepo({ owner, name: `repo${n}`, installationId: inst.id, files });
      fleet.push({ installationId: inst.id, repoId: created.id, owner, repo: `repo${n}`, dockerfiles: count });
    }
  }
  return fleet;
}

/** Distinct image:tag references in the fleet's Dockerfiles (what a perfect cache asks about). */
export function distinctImageTags(sim: GitHubSim, fleet: FleetRepo[]): number {
  const seen = new Set<string>();
  for (const r of fleet) {
    for (const path of sim.listFiles(r.owner, r.repo, 'main')) {
      const text = sim.readFile(r.owner, r.repo, 'main', path) ?? '';
      for (const m of text.matchAll(/([a-z0-9]+\/base\d+:[\d.]+)/g)) seen.add(m[1]!);
    }
  }
  return seen.size;
}
