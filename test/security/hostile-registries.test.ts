// Anyone can run a registry or a package index and name it in a Dockerfile or a requirements file: its answers cost linear time and bounded memory.
import { afterEach, describe, expect, it } from 'vitest';
import { parseChallenge } from '../../src/datasources/oci/auth.js';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { createPypiDatasource } from '../../src/datasources/pypi/index.js';
import { mergeProjects } from '../../src/datasources/pypi/releases.js';
import { createHttpClient } from '../../src/http/index.js';
import { startLoopbackServer, type LoopbackServer } from '../http/loopback-server.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(handler: Parameters<typeof startLoopbackServer>[0]): Promise<LoopbackServer> {
  const server = await startLoopbackServer(handler);
  servers.push(server);
  return server;
}

function timed<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = work();
  return { value, ms: performance.now() - started };
}

describe('a hostile registry', () => {
  it('a 16 KB WWW-Authenticate header of one long word is parsed in linear time (ten times over in well under a second)', () => {
    const headers = ['a'.repeat(16_000), 'a-'.repeat(8_000), `realm="${'x'.repeat(16_000)}`].map((rest) => `Bearer ${rest}`);
    const { ms } = timed(() => {
      for (let i = 0; i < 10; i++) for (const h of headers) parseChallenge(h);
    });
    expect(ms).toBeLessThan(1000);
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull"')).toEqual({
      scheme: 'bearer', realm: 'https://auth.example/token', service: 'reg', scope: 'repository:a/b:pull',
    });
  });

  it('a tag list far longer than asked for fails as one error instead of filling memory; tags no image can have are dropped', async () => {
    const tag = (page: number, i: number) => `${page}.${i}.0`;
    const registry = await serve((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
      const page = Number(url.searchParams.get('page') ?? '0');
      const tags = [...Array.from({ length: 4 }, (_, i) => tag(page, i)), 'x'.repeat(129), '-starts-with-dash'];
      const next = page < 2 ? `</v2/team/app/tags/list?n=10&page=${page + 1}>; rel="next"` : undefined;
      res.writeHead(200, { 'content-type': 'application/json', ...(next ? { link: next } : {}) }).end(JSON.stringify({ name: 'team/app', tags }));
    });
    const client = () => createOciClient({ insecureRegistries: [registry.host], tagPageSize: 10, maxTagPages: 5 });
    // Three pages of four tags each: within 10 × 5.
    expect(await client().getTags(`${registry.host}/team/app`)).toEqual([0, 1, 2].flatMap((p) => [0, 1, 2, 3].map((i) => tag(p, i))));
    // Asked for 10 per page, sent 5,000: past 50 in all the listing stops.
    const wide = await serve((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ tags: Array.from({ length: 200_000 }, (_, i) => `t${i}`) }));
    });
    await expect(createOciClient({ insecureRegistries: [wide.host], tagPageSize: 10, maxTagPages: 5 }).getTags(`${wide.host}/team/app`)).rejects.toThrow(/lists more than 50 tags/);
  });
});

describe('a hostile package index', () => {
  it('a simple-API page of 100,000 files of one version, and a file name of a million dashes, is read in linear time', async () => {
    const files = [
      ...Array.from({ length: 100_000 }, (_, i) => ({ filename: `evil-1.0-${i}-py3-none-any.whl`, hashes: { sha256: 'a'.repeat(64) } })),
      { filename: `evil-${'-'.repeat(1_000_000)}1.0.tar.gz`, hashes: { sha256: 'b'.repeat(64) } },
    ];
    const index = await serve((req, res) => {
      if ((req.url ?? '').startsWith('/pypi/')) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' }).end(JSON.stringify({ name: 'evil', files }));
    });
    const pypi = createPypiDatasource({ http: createHttpClient({ insecureHosts: [index.host] }) });
    const started = performance.now();
    const project = await pypi.getProject('evil', `${index.url}/simple`);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(project.releases.map((r) => r.version)).toEqual(['1.0']);
    expect(project.releases[0]!.files).toHaveLength(100_000);
  });

  it('merging one version of 50,000 files from two indexes takes linear time', () => {
    const release = (prefix: string) => ({ version: '1.0', yanked: false, files: Array.from({ length: 50_000 }, (_, i) => ({ filename: `${prefix}${i}.whl`, hash: `sha256:${i}` })) });
    const { value, ms } = timed(() => mergeProjects([{ name: 'evil', releases: [release('a')] }, { name: 'evil', releases: [release('b')] }]));
    expect(ms).toBeLessThan(2000);
    expect(value.releases[0]!.files).toHaveLength(100_000);
  });
});
