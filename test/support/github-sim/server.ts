// Loopback HTTP adapter, for app processes that reach the simulation with GHE_HOST=127.0.0.1:<port>.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimServer {
  /** http://127.0.0.1:<port> — Octokit's base URL is this plus /api/v3 under GHE_HOST. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** One request on its connection, for handlers that hold, hang or drop it (see faults.ts). */
export interface Exchange {
  /** Resolves when the sender closes the connection before the answer (its timeout fired, or it died). */
  abandoned: Promise<void>;
  /** Closes the connection without an answer. */
  drop(): void;
}

/** The simulation, or something in front of it; null means the request got no answer (dropped). */
export interface SimHandler {
  handle(request: Request, exchange: Exchange): Promise<Response | null>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? 'GET';
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = method === 'GET' || method === 'HEAD' || chunks.length === 0 ? undefined : Buffer.concat(chunks);
  return new Request(new URL(req.url ?? '/', origin), { method, headers, body });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  if (res.destroyed) return;
  res.writeHead(response.status, headers);
  res.end(body);
}

function exchangeOf(req: IncomingMessage, res: ServerResponse): Exchange {
  return {
    abandoned: new Promise<void>((resolve) => res.once('close', () => {
      if (!res.writableEnded) resolve();
    })),
    drop: () => req.socket.destroy(),
  };
}

export function startSimServer(sim: SimHandler, opts: { port?: number } = {}): Promise<SimServer> {
  let origin = '';
  const server = createServer((req, res) => {
    toRequest(req, origin)
      .then((request) => sim.handle(request, exchangeOf(req, res)))
      .then((response) => (response ? send(res, response) : undefined))
      .catch((error: unknown) => {
        if (res.destroyed) return;
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ message: `github-sim crashed: ${String(error)}` }));
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      origin = `http://127.0.0.1:${port}`;
      resolve({
        url: origin,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
