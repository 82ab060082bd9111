// `freshen scan --write` on tools a Dockerfile downloads: versions from a loopback GitHub, checksums recomputed from the bytes served.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { extractTools } from '../../src/managers/dockerfile-tools/index.js';
import { dataOf } from '../../src/types.js';
import { GitHubSim, startSimServer, type SimServer } from '../support/github-sim/index.js';
import { freePort } from '../support/ports.js';
import { tempCheckout } from '../support/temp-dir.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (label: string) => Buffer.from(`${label} ${'x'.repeat(200)}\n`);

/** A plain file server standing in for go.dev, nodejs.org and dl.k8s.io; logs what it served. */
interface Downloads {
  url: string;
  host: string;
  files: Map<string, Buffer>;
  served: string[];
  close(): Promise<void>;
}

async function startDownloads(): Promise<Downloads> {
  const files = new Map<string, Buffer>();
  const served: string[] = [];
  const server: Server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    served.push(`${req.method} ${req.url} ${body ? 200 : 404}`);
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/octet-stream' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, files, served, close };
}

let sim: GitHubSim;
let simServer: SimServer;
let dl: Downloads;

function release(owner: string, repo: string, tag: string, assets: Record<string, Buffer | string>, extra: { prerelease?: boolean } = {}) {
  sim.createRelease(owner, repo, { tag, assets, ...extra });
}

beforeAll(async () => {
  const port = await freePort();
  sim = new GitHubSim({ htmlBase: `http://127.0.0.1:${port}` });
  simServer = await startSimServer(sim, { port });
  dl = await startDownloads();
  for (const [owner, name] of [['tianon', 'gosu'], ['golang', 'go'], ['nodejs', 'node'], ['kubernetes', 'kubernetes'], ['krallin', 'tini']]) {
    sim.createRepo({ owner: owner!, name: name!, private: false, files: { README: name! } });
  }
  // gosu publishes SHA256SUMS beside its binaries.
  for (const tag of ['1.17', '1.18']) {
    const amd64 = bytesOf(`gosu ${tag} amd64`);
    const arm64 = bytesOf(`gosu ${tag} arm64`);
    release('tianon', 'gosu', tag, { 'gosu-amd64': amd64, 'gosu-arm64': arm64, SHA256SUMS: `${sha256(amd64)}  gosu-amd64\n${sha256(arm64)}  gosu-arm64\n` });
  }
  release('tianon', 'gosu', '1.19-rc1', { 'gosu-amd64': 'rc' }, { prerelease: true });
  // Go: versions from tags, tarballs on another host with no checksum file (hashed).
  for (const tag of ['go1.22.1', 'go1.23.4', 'weekly.2012-03-27', 'go1.24rc1']) sim.createTag('golang', 'go', tag);
  dl.files.set('/dl/go1.23.4.linux-amd64.tar.gz', bytesOf('go 1.23.4'));
  // Node: versions from releases, binaries and SHASUMS256.txt on another host.
  release('nodejs', 'node', 'v24.11.0', {});
  release('nodejs', 'node', 'v24.12.0', {});
  const x64 = bytesOf('node x64');
  const arm64 = bytesOf('node arm64');
  dl.files.set('/dist/v24.12.0/node-v24.12.0-linux-x64.tar.xz', x64);
  dl.files.set('/dist/v24.12.0/node-v24.12.0-linux-arm64.tar.xz', arm64);
  dl.files.set('/dist/v24.12.0/SHASUMS256.txt', Buffer.from(`${sha256('other')}  node-v24.12.0.tar.gz\n${sha256(x64)}  node-v24.12.0-linux-x64.tar.xz\n${sha256(arm64)}  node-v24.12.0-linux-arm64.tar.xz\n`));
  // kubectl: an annotated tool with `<asset>.sha256` beside it and the checksum in an ARG.
  release('kubernetes', 'kubernetes', 'v1.30.0', {});
  release('kubernetes', 'kubernetes', 'v1.31.2', {});
  const kubectl = bytesOf('kubectl 1.31.2');
  dl.files.set('/release/v1.31.2/bin/linux/amd64/kubectl', kubectl);
  dl.files.set('/release/v1.31.2/bin/linux/amd64/kubectl.sha256', Buffer.from(sha256(kubectl)));
  // tini v0.20.0 has no arm64 binary and no checksum file: its update is held.
  release('krallin', 'tini', 'v0.19.0', { 'tini-amd64': bytesOf('tini 19 amd64'), 'tini-arm64': bytesOf('tini 19 arm64') });
  release('krallin', 'tini', 'v0.20.0', { 'tini-amd64': bytesOf('tini 20 amd64') });
});
afterAll(async () => {
  await simServer?.close();
  await dl?.close();
});

const OLD = (n: number) => String(n).repeat(64).slice(0, 64);

function dockerfile(): string {
  return `FROM scratch

ENV GOSU_VERSION 1.17
RUN set -eux; \\
	dpkgArch="$(dpkg --print-architecture)"; \\
	case "$dpkgArch" in \\
		amd64) sha256='${OLD(1)}' ;; \\
		arm64) sha256='${OLD(2)}' ;; \\
		*) echo >&2 "unsupported architecture: $dpkgArch"; exit 1 ;; \\
	esac; \\
	curl -fsSL -o /usr/local/bin/gosu "https://github.com/tianon/gosu/releases/download/$GOSU_VERSION/gosu-$dpkgArch"; \\
	echo "$sha256 */usr/local/bin/gosu" | sha256sum -c -; \\
	chmod +x /usr/local/bin/gosu

# freshen: datasource=github-tags depName=golang/go extractVersion=^go(?<version>\\d+\\.\\d+\\.\\d+)$
ARG GO_VERSION=1.22.1
RUN curl -fsSLo go.tgz "${dl.url}/dl/go\${GO_VERSION}.linux-amd64.tar.gz" \\
 && echo "${OLD(3)}  go.tgz" | sha256sum -c - \\
 && tar -C /usr/local -xzf go.tgz

# freshen: datasource=github-releases depName=nodejs/node extractVersion=^v(?<version>.+)$
ENV NODE_VERSION 24.11.0
RUN ARCH= && dpkgArch="$(dpkg --print-architecture)" \\
  && case "\${dpkgArch##*-}" in \\
    amd64) ARCH='x64' sha256='${OLD(4)}';; \\
    arm64) ARCH='arm64' sha256='${OLD(5)}';; \\
    *) echo "unsupported architecture"; exit 1 ;; \\
  esac \\
  && curl -fsSLO --compressed "${dl.url}/dist/v$NODE_VERSION/node-v$NODE_VERSION-linux-$ARCH.tar.xz" \\
  && curl -fsSLO --compressed "${dl.url}/dist/v$NODE_VERSION/SHASUMS256.txt.asc" \\
  && gpg --batch --verify SHASUMS256.txt.asc \\
  && echo "$sha256  node-v$NODE_VERSION-linux-$ARCH.tar.xz" | sha256sum -c - \\
  && tar -xJf "node-v$NODE_VERSION-linux-$ARCH.tar.xz" -C /usr/local --strip-components=1

# freshen: datasource=github-releases depName=kubernetes/kubernetes
ARG KUBECTL_VERSION=v1.30.0
ARG KUBECTL_SHA256=${OLD(6)}
RUN curl -fsSLo /usr/local/bin/kubectl "${dl.url}/release/\${KUBECTL_VERSION}/bin/linux/amd64/kubectl" \\
 && echo "\${KUBECTL_SHA256}  /usr/local/bin/kubectl" | sha256sum -c -
`;
}

const TINI = `FROM scratch
ARG TINI_VERSION=v0.19.0
RUN dpkgArch="$(dpkg --print-architecture)"; \\
    case "$dpkgArch" in \\
      amd64) sha256='${OLD(7)}' ;; \\
      arm64) sha256='${OLD(8)}' ;; \\
    esac; \\
    curl -fsSLo /tini "https://github.com/krallin/tini/releases/download/\${TINI_VERSION}/tini-\${dpkgArch}"; \\
    echo "$sha256  /tini" | sha256sum -c -
`;

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const env = { FRESHEN_GITHUB_API: simServer.url, FRESHEN_INSECURE_REGISTRIES: `${dl.host},${new URL(simServer.url).host}` };
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t), env });
  return { code, out, err, json: out.startsWith('{') ? JSON.parse(out) : undefined };
}

/** Fetches what the servers serve now at a checksum's URL for this version, and hashes it. */
async function servedSha(url: string, version: string): Promise<string> {
  let real = url.split('{version}').join(version);
  real = real.replace('https://github.com', simServer.url);
  const res = await fetch(real);
  expect(res.status, real).toBe(200);
  return sha256(Buffer.from(await res.arrayBuffer()));
}

describe('freshen CLI with tool version pins', () => {
  it('extract lists each tool with its source and its checksums', async () => {
    const { json } = await cli(['extract', tempCheckout('freshen-tools-', { Dockerfile: dockerfile() }), '--json']);
    const tools = json.dependencies.filter((d: { manager: string }) => d.manager === 'dockerfile-tools');
    expect(tools.map((d: { depName: string; currentValue: string }) => `${d.depName}@${d.currentValue}`)).toEqual([
      'tianon/gosu@1.17', 'golang/go@1.22.1', 'nodejs/node@24.11.0', 'kubernetes/kubernetes@v1.30.0',
    ]);
    expect(tools[0].currentDigest).toBe(`amd64=sha256:${OLD(1)} arm64=sha256:${OLD(2)}`);
    expect(tools[3].currentDigest).toBe(`KUBECTL_SHA256=sha256:${OLD(6)}`);
  });

  it('scan --write moves every version and leaves every checksum matching the bytes served for it', async () => {
    const dir = tempCheckout('freshen-tools-', { Dockerfile: dockerfile() });
    sim.clearRequests();
    dl.served.length = 0;
    const { code, json, err } = await cli(['scan', dir, '--json', '--write']);
    const simPaths = sim.requests.map((r) => r.path);
    const served = [...dl.served];
    expect(err).toBe('');
    expect(json.errors).toEqual([]);
    expect(code).toBe(0);
    expect(json.updates.map((u: { from: string; to: string }) => `${u.from} -> ${u.to}`)).toEqual([
      'GOSU_VERSION=1.17 -> GOSU_VERSION=1.18',
      'GO_VERSION=1.22.1 -> GO_VERSION=1.23.4',
      'NODE_VERSION=24.11.0 -> NODE_VERSION=24.12.0',
      'KUBECTL_VERSION=v1.30.0 -> KUBECTL_VERSION=v1.31.2',
    ]);
    const node = json.updates.find((u: { depName: string }) => u.depName === 'nodejs/node');
    expect(node.notes.join('\n')).toMatch(/gpg --verify/);
    expect(node.notes.join('\n')).toMatch(/x64|amd64.*SHASUMS256\.txt/);

    const written = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    const { deps, errors } = extractTools(written, 'Dockerfile');
    expect(errors).toEqual([]);
    expect(deps.map((d) => d.currentValue)).toEqual(['1.18', '1.23.4', '24.12.0', 'v1.31.2']);
    let checked = 0;
    for (const dep of deps) {
      const extra = dataOf(dep, 'dockerfile-tools')!;
      const hexes = dep.currentDigest!.split(' ').map((part) => part.split(':').pop());
      for (const [i, checksum] of extra.checksums.entries()) {
        expect(hexes[i], `${dep.depName} ${checksum.label}`).toBe(await servedSha(checksum.url!, dep.currentValue!));
        checked++;
      }
    }
    expect(checked).toBe(6);
    // Only the version and checksum bytes changed.
    const before = dockerfile().split('\n');
    const changed = written.split('\n').map((line, i) => (line === before[i] ? null : i + 1)).filter((n) => n !== null);
    expect(changed).toEqual([3, 7, 8, 16, 18, 22, 25, 26, 36, 37]);
    // Published checksum files were read where they exist; only the Go tarball had to be hashed.
    expect(simPaths).toContain('/tianon/gosu/releases/download/1.18/SHA256SUMS');
    expect(simPaths.filter((p) => p.includes('/releases/download/1.18/gosu-'))).toEqual([]);
    expect(served).toContain('GET /dl/go1.23.4.linux-amd64.tar.gz 200');
    expect(served.filter((line) => line.includes('.tar.xz '))).toEqual([]);
    expect(served).toContain('GET /release/v1.31.2/bin/linux/amd64/kubectl.sha256 200');
  });

  it('holds an update when a checksum for the new version cannot be had, and writes nothing', async () => {
    const dir = tempCheckout('freshen-tools-', { Dockerfile: TINI });
    const { code, json } = await cli(['scan', dir, '--json', '--write']);
    expect(code).toBe(0);
    expect(json.updates).toEqual([]);
    expect(json.held).toHaveLength(1);
    expect(json.held[0]).toMatchObject({ depName: 'krallin/tini', from: 'TINI_VERSION=v0.19.0', to: 'TINI_VERSION=v0.20.0' });
    expect(json.held[0].reason).toMatch(/arm64.*v0\.20\.0.*no asset tini-arm64.*stays at v0\.19\.0/);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(TINI);
  });
});
