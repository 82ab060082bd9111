// A faulty network between app processes and the simulation: 502 answers, hangs, and requests held until the test decides.
import type { GitHubSim } from './sim.js';
import { startSimServer, type Exchange, type SimHandler, type SimServer } from './server.js';

/** A request stopped before the simulation saw it: the test lets it through or drops it. */
export interface HeldRequest {
  method: string;
  /** Path decoded, without /api/v3 and the query (`/repos/o/r/git/refs/heads/freshen/x`). */
  path: string;
  /** The door (loopback server) it came through: which process sent it. */
  door: string;
  /** The simulation handles it now, as GitHub would a request whose sender may be gone; its answer is sent if anyone listens. */
  pass(): Promise<void>;
  /** GitHub never saw it: the connection is closed. */
  drop(): void;
}

/** Which request to hold: its method, path (as the simulation logs it) and body text. */
export type Matcher = (request: { method: string; path: string; body: string }) => boolean;

interface Hold {
  match: Matcher;
  resolve: (held: HeldRequest) => void;
}

export type FaultMode = 'none' | '502' | 'hang';

const BAD_GATEWAY = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n';

/** The path decoded, without GitHub Enterprise's /api/v3, and /api/graphql as /graphql. */
function simPath(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  if (path === '/api/graphql') return '/graphql';
  return path.startsWith('/api/v3/') ? path.slice('/api/v3'.length) : path;
}

export class FaultyNetwork {
  /** What every request that is not held meets. */
  mode: FaultMode = 'none';
  /** Requests answered 502 while the mode was '502'. */
  badGateways = 0;
  /** Requests that hung and that their sender gave up on (its own timeout fired). */
  abandoned = 0;
  private readonly holds: Hold[] = [];
  private readonly hanging = new Set<Exchange>();
  private readonly doors = new Map<string, SimServer>();

  constructor(private readonly sim: GitHubSim) {}

  /** A loopback server in front of the simulation; one per process tells who sent what. Same name, same port. */
  async door(name: string): Promise<SimServer> {
    const open = this.doors.get(name);
    if (open) return open;
    const server = await startSimServer(this.handlerFor(name));
    this.doors.set(name, server);
    return server;
  }

  /** Resolves with the next request `match` accepts, held (not answered) until the test passes or drops it. */
  holdNext(match: Matcher): Promise<HeldRequest> {
    return new Promise((resolve) => this.holds.push({ match, resolve }));
  }

  /** Back to a healthy network; requests still hanging are cut off, as a proxy giving up would. */
  heal(): void {
    this.mode = 'none';
    for (const exchange of this.hanging) exchange.drop();
    this.hanging.clear();
  }

  async close(): Promise<void> {
    this.heal();
    await Promise.all([...this.doors.values()].map((d) => d.close()));
    this.doors.clear();
  }

  private handlerFor(door: string): SimHandler {
    return {
      handle: async (request, exchange) => {
        const method = request.method.toUpperCase();
        const path = simPath(new URL(request.url));
        const body = this.holds.length > 0 && method !== 'GET' ? await request.clone().text() : '';
        const hold = this.holds.find((h) => h.match({ method, path, body }));
        if (hold) {
          this.holds.splice(this.holds.indexOf(hold), 1);
          return new Promise<Response | null>((answer) => {
            hold.resolve({
              method, path, door,
              pass: async () => answer(await this.sim.handle(request)),
              drop: () => {
                exchange.drop();
                answer(null);
              },
            });
          });
        }
        if (this.mode === '502') {
          this.badGateways += 1;
          return new Response(BAD_GATEWAY, { status: 502, headers: { 'content-type': 'text/html' } });
        }
        if (this.mode === 'hang') return this.hang(exchange);
        return this.sim.handle(request);
      },
    };
  }

  /** Never answered: resolves (with no answer) once the sender gives up or the network heals. */
  private async hang(exchange: Exchange): Promise<null> {
    this.hanging.add(exchange);
    await exchange.abandoned;
    if (this.hanging.delete(exchange)) this.abandoned += 1;
    return null;
  }
}
