// The OSV datasource: which known vulnerabilities affect a package version (querybatch) and their details.
import type { HttpClient } from '../../http/index.js';
import { z } from 'zod';

/** The public OSV API; tests and air-gapped installs point elsewhere. */
export const DEFAULT_OSV_URL = 'https://api.osv.dev';

export interface OsvQuery {
  /** OSV ecosystem: `Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`, `npm`, `PyPI`. */
  ecosystem: string;
  name: string;
  version: string;
}

export interface Vulnerability {
  id: string;
  summary?: string;
  aliases: string[];
  /** `CRITICAL`, `HIGH`, `MODERATE`/`MEDIUM`, `LOW`... as the advisory states, or a CVSS score. */
  severity?: string;
}

export class OsvError extends Error {
  override name = 'OsvError';
}

const batchSchema = z.object({
  results: z.array(
    z.object({
      vulns: z.array(z.object({ id: z.string() })).nullish(),
      next_page_token: z.string().nullish(),
    }),
  ),
});

const severityEntry = z.object({ type: z.string(), score: z.string() });
const vulnSchema = z.object({
  id: z.string(),
  summary: z.string().nullish(),
  aliases: z.array(z.string()).nullish(),
  severity: z.array(severityEntry).nullish(),
  database_specific: z.record(z.string(), z.unknown()).nullish(),
  affected: z
    .array(z.object({ ecosystem_specific: z.record(z.string(), z.unknown()).nullish(), database_specific: z.record(z.string(), z.unknown()).nullish() }))
    .nullish(),
});

const MAX_BATCH = 1000;
const MAX_PAGES = 10;

export class OsvClient {
  private readonly base: string;
  private readonly details = new Map<string, Promise<Vulnerability>>();

  constructor(
    private readonly http: HttpClient,
    baseUrl: string = DEFAULT_OSV_URL,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  /** Vulnerability ids affecting each query, in the order asked. */
  async affecting(queries: OsvQuery[]): Promise<string[][]> {
    const out: string[][] = [];
    for (let i = 0; i < queries.length; i += MAX_BATCH) out.push(...(await this.batch(queries.slice(i, i + MAX_BATCH))));
    return out;
  }

  private async batch(queries: OsvQuery[]): Promise<string[][]> {
    const ids = queries.map(() => new Set<string>());
    let pending = queries.map((q, i) => ({ i, q, token: undefined as string | undefined }));
    for (let page = 0; pending.length > 0 && page < MAX_PAGES; page++) {
      const body = {
        queries: pending.map(({ q, token }) => ({ package: { name: q.name, ecosystem: q.ecosystem }, version: q.version, ...(token ? { page_token: token } : {}) })),
      };
      const answer = await this.post('/v1/querybatch', body);
      const parsed = batchSchema.safeParse(answer);
      if (!parsed.success || parsed.data.results.length !== pending.length) throw new OsvError('OSV answered querybatch with an unexpected shape');
      const next: typeof pending = [];
      parsed.data.results.forEach((result, k) => {
        const asked = pending[k]!;
        for (const v of result.vulns ?? []) ids[asked.i]!.add(v.id);
        if (result.next_page_token) next.push({ ...asked, token: result.next_page_token });
      });
      pending = next;
    }
    return ids.map((s) => [...s].sort());
  }

  /** Summary, aliases and severity of one vulnerability (memoized for this client's life). */
  vulnerability(id: string): Promise<Vulnerability> {
    let found = this.details.get(id);
    if (!found) {
      found = this.get(`/v1/vulns/${encodeURIComponent(id)}`).then((json) => {
        const parsed = vulnSchema.safeParse(json);
        if (!parsed.success) throw new OsvError(`OSV answered vulnerability ${id} with an unexpected shape`);
        return toVulnerability(parsed.data);
      });
      this.details.set(id, found);
      found.catch(() => this.details.delete(id));
    }
    return found;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const res = await this.http.request(this.base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      // A query is a read: retrying it is safe.
      retries: 2,
    });
    return this.json(res.status, res.body, path);
  }

  private async get(path: string): Promise<unknown> {
    const res = await this.http.request(this.base + path, { headers: { accept: 'application/json' } });
    return this.json(res.status, res.body, path);
  }

  private json(status: number, body: Buffer, path: string): unknown {
    if (status !== 200) throw new OsvError(`OSV answered ${path} with HTTP ${status}`);
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new OsvError(`OSV answered ${path} with something that is not JSON`);
    }
  }
}

function toVulnerability(v: z.infer<typeof vulnSchema>): Vulnerability {
  const severity = statedSeverity(v);
  return {
    id: v.id,
    ...(v.summary ? { summary: v.summary } : {}),
    aliases: v.aliases ?? [],
    ...(severity ? { severity } : {}),
  };
}

/** The advisory's own word (GHSA, Ubuntu, Alpine...), else its CVSS vector's type. */
function statedSeverity(v: z.infer<typeof vulnSchema>): string | undefined {
  const word = (o: Record<string, unknown> | null | undefined) => (typeof o?.severity === 'string' ? o.severity.toUpperCase() : undefined);
  const stated = word(v.database_specific) ?? v.affected?.map((a) => word(a.ecosystem_specific) ?? word(a.database_specific)).find(Boolean);
  if (stated) return stated;
  const cvss = v.severity?.find((s) => s.type.startsWith('CVSS'));
  return cvss ? cvss.score : undefined;
}
