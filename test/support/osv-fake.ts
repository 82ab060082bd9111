// A loopback stand-in for the OSV API: /v1/querybatch and /v1/vulns/:id over a table of advisories.
import { createServer, type Server } from 'node:http';

export interface FakeAdvisory {
  id: string;
  ecosystem: string;
  /** Package name as OSV keys it (the source package for Debian/Ubuntu, origin for Alpine). */
  name: string;
  /** Exact versions affected. */
  versions: string[];
  summary?: string;
  aliases?: string[];
  /** Put in database_specific.severity, as GHSA does. */
  severity?: string;
}

export interface OsvFake {
  url: string;
  /** Every querybatch body received. */
  batches: { package: { name: string; ecosystem: string }; version: string }[][];
  vulnRequests: string[];
  close(): Promise<void>;
}

export async function startOsvFake(advisories: FakeAdvisory[], options: { pageSize?: number } = {}): Promise<OsvFake> {
  const fake: Omit<OsvFake, 'url' | 'close'> = { batches: [], vulnRequests: [] };
  const pageSize = options.pageSize ?? 1000;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method === 'POST' && req.url === '/v1/querybatch') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { queries: { package: { name: string; ecosystem: string }; version: string; page_token?: string }[] };
        fake.batches.push(body.queries.map(({ package: p, version }) => ({ package: p, version })));
        const results = body.queries.map((q) => {
          const hits = advisories.filter((a) => a.ecosystem === q.package.ecosystem && a.name === q.package.name && a.versions.includes(q.version));
          const start = q.page_token ? Number(q.page_token) : 0;
          const page = hits.slice(start, start + pageSize).map((a) => ({ id: a.id, modified: '2024-01-01T00:00:00Z' }));
          const next = start + pageSize < hits.length ? { next_page_token: String(start + pageSize) } : {};
          return page.length > 0 ? { vulns: page, ...next } : {};
        });
        return send(200, { results });
      }
      const vuln = /^\/v1\/vulns\/([^/?]+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && vuln) {
        const id = decodeURIComponent(vuln[1]!);
        fake.vulnRequests.push(id);
        const a = advisories.find((x) => x.id === id);
        if (!a) return send(404, { code: 5, message: 'Bug not found.' });
        return send(200, {
          id: a.id,
          summary: a.summary,
          aliases: a.aliases ?? [],
          affected: [{ package: { name: a.name, ecosystem: a.ecosystem }, versions: a.versions }],
          ...(a.severity ? { database_specific: { severity: a.severity } } : {}),
        });
      }
      send(404, { message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    ...fake,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } as OsvFake;
}
