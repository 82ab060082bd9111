// An in-process Freshen (Probot + BullMQ worker) against the GitHub simulation's loopback server.
import { randomUUID } from 'node:crypto';
import { Probot } from 'probot';
import { freshenApp } from '../../src/app.js';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { installationClients } from '../../src/github/client.js';
import { runAgainKey } from '../../src/queue/run-again.js';
import type { ScanContextFactory } from '../../src/jobs/scan-repo.js';
import { startWorker, stopWorker, type FreshenWorker } from '../../src/queue/worker.js';
import { silentLogger } from '../../src/types.js';
import { GitHubSim, startSimServer, type GitHubSimOptions, type SimServer } from './github-sim/index.js';
import { appKeys, QuietOctokit } from './github-sim/testing.js';
import { redisNamespace, type RedisNamespace } from './app-harness.js';

export const SECRET = 'e2e-secret';

export interface AppStack {
  sim: GitHubSim;
  server: SimServer;
  probot: Probot;
  ns: RedisNamespace;
  worker: FreshenWorker;
  deliver(name: string, payload: Record<string, unknown>): Promise<void>;
  /** Waits until no job is waiting or running and none is owed a run again (delayed scheduler runs do not count). */
  settle(timeoutMs?: number): Promise<void>;
  /** Jobs that failed (name, id, error), in order. */
  failures: string[];
  /** Jobs that completed, in order. */
  completed: { name: string; data: Record<string, unknown> }[];
  stop(): Promise<void>;
}

/** Registry access for scans: the test registry over plain HTTP on loopback. */
export function testScanContext(registryHost: string): ScanContextFactory {
  return ({ log }) => ({ images: createOciClient({ insecureRegistries: [registryHost], log }), log });
}

export async function startAppStack(opts: {
  redisUrl: string; registryHost: string; lockDurationMs?: number; sim?: GitHubSimOptions;
  /** The simulation's port, when its `htmlBase` must name it (release assets served at their browser URLs). */
  simPort?: number;
  /** The engine's context per job; default: registry lookups only (no planners). May use the stack's clients and Redis. */
  scanContext?: (runtime: { probot: Probot; ns: RedisNamespace }) => ScanContextFactory;
}): Promise<AppStack> {
  const sim = new GitHubSim({ ...opts.sim, publicKey: appKeys().publicKey });
  const server = await startSimServer(sim, opts.simPort ? { port: opts.simPort } : {});
  const probot = new Probot({
    appId: sim.app.id,
    privateKey: appKeys().privateKey,
    secret: SECRET,
    baseUrl: `${server.url}/api/v3`,
    Octokit: QuietOctokit,
    logLevel: 'fatal',
  });
  const ns = redisNamespace(opts.redisUrl);
  await probot.load(freshenApp({ queue: ns.queue, redis: ns.memory }));
  const failures: string[] = [];
  const worker = startWorker({
    connection: ns.connection,
    redis: ns.memory,
    queue: ns.queue,
    prefix: ns.prefix,
    github: installationClients(probot),
    scanContext: opts.scanContext?.({ probot, ns }) ?? testScanContext(opts.registryHost),
    log: silentLogger,
    concurrency: 2,
    lockDurationMs: opts.lockDurationMs ?? 30_000,
  });
  const completed: AppStack['completed'] = [];
  worker.on('completed', (job) => completed.push({ name: job.name, data: job.data as unknown as Record<string, unknown> }));
  worker.on('failed', (job, err) => failures.push(`${job?.name} ${job?.id}: ${err.stack ?? err.message}`));
  return {
    sim,
    server,
    probot,
    ns,
    worker,
    failures,
    completed,
    deliver: (name, payload) => probot.receive({ id: randomUUID(), name, payload } as Parameters<Probot['receive']>[0]),
    async settle(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // Jobs, owed runs, jobs again: a run added between the first two reads shows in the third.
        const counts = await busyJobs(ns);
        const owed = counts.busy === 0 ? await runsOwed(ns) : [];
        const after = counts.busy === 0 && owed.length === 0 ? await busyJobs(ns) : counts;
        if (failures.length > 0) throw new Error(`job failed:\n${failures.join('\n')}`);
        if (after.busy === 0 && owed.length === 0) return;
        if (Date.now() > deadline) throw new Error(`queue did not settle: ${JSON.stringify({ ...after.counts, owed })}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await stopWorker(worker, 5_000);
      await ns.queue.obliterate({ force: true }).catch(() => undefined);
      await ns.close();
      await server.close();
    },
  };
}

async function busyJobs(ns: RedisNamespace): Promise<{ busy: number; counts: Record<string, number> }> {
  const counts = await ns.queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
  return { busy: Object.values(counts).reduce((a, b) => a + b, 0), counts };
}

/**
 * Job ids whose "run again" flag is set while no job holds the id: a run finished, and the worker
 * is about to add the one a trigger asked for during it (src/queue/run-again.ts).
 */
export async function runsOwed(ns: RedisNamespace): Promise<string[]> {
  const prefix = runAgainKey(ns.queue, '');
  const owed: string[] = [];
  for (const key of await ns.connection.keys(`${prefix}*`)) {
    const jobId = key.slice(prefix.length);
    if (!(await ns.queue.getJob(jobId))) owed.push(jobId);
  }
  return owed;
}

/** The webhook payload GitHub sends when the app is installed on these repositories. */
export function installationCreated(sim: GitHubSim, installationId: number, repos: { id: number; name: string; owner: string }[]) {
  const inst = sim.installations.get(installationId)!;
  return {
    action: 'created',
    installation: { id: installationId, account: { login: inst.account.login, id: inst.account.id, type: inst.account.type } },
    repositories: repos.map((r) => ({ id: r.id, name: r.name, full_name: `${r.owner}/${r.name}`, private: true })),
    sender: { login: 'octo', type: 'User' },
  };
}

/** Installs the app on `owner` with one repository holding `files`, as the installation webhook would, and waits for its first scan. */
export async function installOneRepo(stack: AppStack, owner: string, repo: string, files: Record<string, string>, settleMs?: number): Promise<{ installationId: number; repoId: number }> {
  const inst = stack.sim.createInstallation({ account: owner });
  const repoId = Number(stack.sim.createRepo({ owner, name: repo, installationId: inst.id, files }).id);
  await stack.deliver('installation', installationCreated(stack.sim, inst.id, [{ id: repoId, name: repo, owner }]));
  await stack.settle(settleMs);
  return { installationId: inst.id, repoId };
}
