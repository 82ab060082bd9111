// npm run bench:fleet — a simulated fleet (1,000 repositories by default) scanned by 1, 2 and 4 real worker processes.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { enqueueRepoScan } from '../src/queue/jobs.js';
import { redisNamespace, type RedisNamespace } from '../test/support/app-harness.js';
import { GitHubSim, startSimServer, type SimServer } from '../test/support/github-sim/index.js';
import { appKeys } from '../test/support/github-sim/testing.js';
import { startRedis } from '../test/support/redis.js';
import { startRegistry } from '../test/support/registry.js';
import { countingProxy, createFleet, distinctImageTags, pushFleetImages, type CountingProxy, type FleetRepo } from './fleet-world.js';

// 1,000 (the issue's fleet) took about 17 minutes for the three runs on a 2-core machine; 400 takes about 9.
const REPOS = Number(process.env.FLEET_REPOS ?? 400);
const WORKER_COUNTS = (process.env.FLEET_WORKERS ?? '1,2,4').split(',').map(Number);
/** Simulated time runs this much faster: GitHub's hour of 500 writes lasts 3600 / SCALE real seconds. */
const SCALE = Number(process.env.FLEET_TIME_SCALE ?? 60);
const LATENCY_MS = Number(process.env.FLEET_LATENCY_MS ?? 50);
const CONCURRENCY = Number(process.env.FLEET_CONCURRENCY ?? 16);
const PROFILE_DIR = process.env.FLEET_PROFILE_DIR;
/** `js` (default): workers run compiled JavaScript, as in production; `tsx`: TypeScript compiled in each worker. */
const WORKER_RUNTIME = process.env.FLEET_WORKER_RUNTIME === 'tsx' ? 'tsx' : 'js';
const COMPILED_WORKER = 'dist/bench/fleet-worker.js';

interface RunResult {
  workers: number;
  decideS: number;
  prsS: number;
  prs: number;
  writesPerNewPr: number;
  /** Writes for the repositories' dashboard issues (one issue each, created once), apart from the PRs. */
  dashboardWrites: number;
  /** Most GitHub requests of one installation in flight at once, as the simulation saw them (limit 100). */
  peakInFlight: number;
  secondary: number;
  registryRequests: number;
  registryByKind: string;
  distinct: number;
  repeatCountedPerRepo: number;
  repeatMaxRepo: number;
  updatedPrs: number;
  writesPerUpdatedPr: number;
  peakRssMb: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Compiles the project (bench included) to dist/ once: tsx in every worker costs memory (its
 * compiler, source maps) that a production worker started from `npm run build` output does not pay.
 * Type errors elsewhere do not stop the emit; only a missing fresh worker file does.
 */
function compileWorker(): void {
  const started = Date.now();
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'ignore' });
  } catch {
    // tsc exits non-zero on type errors but still writes the files.
  }
  if (!existsSync(COMPILED_WORKER) || statSync(COMPILED_WORKER).mtimeMs < started - 1000) throw new Error(`tsc did not write ${COMPILED_WORKER}`);
}

function startWorkerProcess(env: NodeJS.ProcessEnv, profile: boolean): ChildProcess {
  const flags = profile && PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  // Workers start as the image starts them: the Dockerfile's NODE_OPTIONS. FLEET_NODE_FLAGS replaces them, to compare memory settings.
  const imageOptions = /^\s*NODE_OPTIONS=(\S+)/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1] ?? '';
  flags.push(...(process.env.FLEET_NODE_FLAGS ?? imageOptions).split(/\s+/).filter(Boolean));
  const entry = WORKER_RUNTIME === 'tsx' ? ['--import', 'tsx', 'bench/fleet-worker.ts'] : [COMPILED_WORKER];
  return spawn(process.execPath, [...flags, ...entry], { cwd: process.cwd(), env, stdio: ['ignore', 'ignore', 'inherit'] });
}

function peakRssMb(pid: number | undefined): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

async function sweep(ns: RedisNamespace, fleet: FleetRepo[]): Promise<void> {
  for (const r of fleet) await enqueueRepoScan(ns.queue, { ...r, reason: 'schedule' });
}

async function drained(ns: RedisNamespace, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await ns.queue.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
    if (Object.values(counts).every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(counts)}`);
    await sleep(200);
  }
}

/** When each repository was decided: its open-PR list is read right after the scan's plan. */
function decidedAt(sim: GitHubSim, fleet: FleetRepo[], since: number): number {
  let last = 0;
  for (const r of fleet) {
    const hit = sim.requests.find((q) => q.at >= since && q.method === 'GET' && q.path === `/repos/${r.owner}/${r.repo}/pulls`);
    if (!hit) return Number.NaN;
    last = Math.max(last, hit.at);
  }
  return last;
}

async function run(workers: number, registryHost: string, redisUrl: string): Promise<RunResult> {
  const sim = new GitHubSim({ publicKey: appKeys().publicKey, latencyMs: LATENCY_MS, contentLimits: { perMinute: 80, perHour: 500, timeScale: SCALE, concurrent: 100 } });
  const server: SimServer = await startSimServer(sim);
  const proxy: CountingProxy = await countingProxy(registryHost);
  const images = await pushFleetImages(registryHost, `fleet${workers}w${Date.now().toString(36)}`);
  const fleet = createFleet(sim, REPOS, proxy.host, images);
  const distinct = distinctImageTags(sim, fleet);
  const ns = redisNamespace(redisUrl);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FRESHEN_ROLE: 'worker', APP_ID: String(sim.app.id), PRIVATE_KEY: appKeys().privateKey, WEBHOOK_SECRET: 'fleet',
    REDIS_URL: redisUrl, FRESHEN_REDIS_PREFIX: ns.prefix, GHE_HOST: `127.0.0.1:${server.port}`, GHE_PROTOCOL: 'http',
    FRESHEN_INSECURE_REGISTRIES: proxy.host, FRESHEN_WORKER_CONCURRENCY: String(CONCURRENCY), LOG_LEVEL: 'fatal',
    // At 60x a simulated minute is one second, so event-loop lag on a busy 2-core machine is a large
    // share of it: the per-minute pace gets a wider margin here than the production default (70).
    FRESHEN_BUDGET_TIME_SCALE: String(SCALE), FRESHEN_GITHUB_WRITES_PER_MINUTE: process.env.FRESHEN_GITHUB_WRITES_PER_MINUTE ?? '55', FRESHEN_MAX_INLINE_WAIT_SECONDS: String(30 / SCALE),
  };
  const children = Array.from({ length: workers }, (_, i) => startWorkerProcess(env, i === 0 && workers === 2));
  const start = Date.now();
  const t0 = performance.now();
  await sweep(ns, fleet);
  await drained(ns, 20 * 60_000);
  const prsS = (performance.now() - t0) / 1000;
  const decideS = (decidedAt(sim, fleet, start) - start) / 1000;
  const prs = fleet.filter((r) => sim.pulls(r.owner, r.repo).length === 1).length;
  const isDashboardWrite = (q: { method: string; path: string }) => /^\/repos\/[^/]+\/[^/]+\/issues(\/\d+)?$/.test(q.path) && (q.method === 'POST' || q.method === 'PATCH');
  const dashboardWrites = sim.requests.filter((q) => q.contentCreating && isDashboardWrite(q)).length;
  const writesPerNewPr = (sim.contentCreatingRequests() - dashboardWrites) / Math.max(1, prs);
  const byRoute = new Map<string, number>();
  for (const q of sim.requests.filter((r) => r.contentCreating)) {
    const route = `${q.method} ${q.path.replace(/^\/repos\/[^/]+\/[^/]+/, '').replace(/\/\d+\//, '/:n/')}`;
    byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
  }
  const firstSecondary = sim.secondaryLimitAnswers;
  const firstRefused = sim.requests.filter((q) => q.status === 403).slice(0, 3).map((q) => `${q.method} ${q.path} ${q.at - start}ms`);
  console.log(`first sweep writes by route: ${[...byRoute].map(([k, n]) => `${k} ${n}`).join(', ')}; secondary-limit answers ${firstSecondary} ${firstRefused.join('; ')}`);
  const registryRequests = proxy.total();
  const registryByKind = [...proxy.counts].map(([k, n]) => `${k} ${n}`).join(', ');

  // Repeat sweeps: the first sees the PRs Freshen just opened; the second finds nothing new.
  await sweep(ns, fleet);
  await drained(ns, 10 * 60_000);
  sim.clearRequests();
  await sweep(ns, fleet);
  await drained(ns, 10 * 60_000);
  const perRepo = fleet.map((r) => sim.requests.filter((q) => q.counted && (q.path === `/repos/${r.owner}/${r.repo}` || q.path.startsWith(`/repos/${r.owner}/${r.repo}/`))).length);
  const orgLevel = sim.requests.filter((q) => q.counted && /^\/repos\/[^/]+\/\.github\//.test(q.path)).length;
  const repeatCountedPerRepo = (perRepo.reduce((a, b) => a + b, 0) + orgLevel) / fleet.length;

  // New tags for a quarter of the images: the lookup cache's tag TTL is made to pass, PRs are updated.
  const bumped = images.slice(0, 10);
  const { pushIndex } = await import('../test/support/oci-push.js');
  for (const name of bumped) await pushIndex(`http://${registryHost}`, name, '1.2', [{ files: [{ 'release.txt': `${name} 1.2\n` }] }]);
  for (const key of await ns.memory.keys(`${ns.prefix}:cache:lookup:public:tags:*`)) await ns.memory.del(key.slice(ns.prefix.length + 1));
  sim.clearRequests();
  const bodiesBefore = new Map(fleet.map((r) => [r.repo, sim.pulls(r.owner, r.repo)[0]?.headSha]));
  await sweep(ns, fleet);
  await drained(ns, 10 * 60_000);
  const updatedPrs = fleet.filter((r) => sim.pulls(r.owner, r.repo)[0]?.headSha !== bodiesBefore.get(r.repo)).length;
  const updateDashboardWrites = sim.requests.filter((q) => q.contentCreating && isDashboardWrite(q)).length;
  const writesPerUpdatedPr = (sim.contentCreatingRequests() - updateDashboardWrites) / Math.max(1, updatedPrs);
  const peakInFlight = Math.max(0, ...sim.limits.peakConcurrency.values());

  const rss = children.map((c) => peakRssMb(c.pid));
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))));
  const secondary = sim.secondaryLimitAnswers;
  const refused = sim.requests.filter((q) => q.status === 403).map((q) => `${q.method} ${q.path}`);
  if (refused.length > 0) console.log(`403 answers in the last sweep: ${refused.slice(0, 5).join('; ')}`);
  await ns.queue.obliterate({ force: true }).catch(() => undefined);
  await ns.close();
  await proxy.close();
  await server.close();
  return {
    workers, decideS, prsS, prs, writesPerNewPr, dashboardWrites, peakInFlight, secondary, registryRequests, registryByKind, distinct,
    repeatCountedPerRepo, repeatMaxRepo: Math.max(...perRepo), updatedPrs, writesPerUpdatedPr, peakRssMb: rss,
  };
}

async function main(): Promise<void> {
  if (WORKER_RUNTIME === 'js') compileWorker();
  const redis = await startRedis();
  const registry = await startRegistry();
  const hourS = 3600 / SCALE;
  console.log(`fleet: ${REPOS} repositories in ${Math.ceil(REPOS / 100)} installations, ~${REPOS * 3} Dockerfiles, 40 images; GitHub latency ${LATENCY_MS} ms;`);
  console.log(`time scale ${SCALE}x: GitHub's content limits of 80/min and 500/h per installation last ${60 / SCALE} s and ${hourS} s here; ${CONCURRENCY} jobs per worker (${WORKER_RUNTIME === 'js' ? 'compiled JavaScript' : 'TypeScript through tsx'})`);
  const results: RunResult[] = [];
  try {
    for (const workers of WORKER_COUNTS) {
      const result = await run(workers, registry.host, redis.url);
      results.push(result);
      console.log(JSON.stringify(result));
    }
  } finally {
    await registry.stop();
    await redis.stop();
  }
  console.log('\n| workers | scan+decide all (s) | all PRs exist (s) | PRs | writes/new PR (+ dashboard issues) | writes/updated PR | secondary-limit answers | peak in-flight/installation | registry requests (distinct image:tags) | counted GitHub requests/repo on repeat | peak RSS/worker (MB) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(`| ${r.workers} | ${r.decideS.toFixed(1)} | ${r.prsS.toFixed(1)} | ${r.prs} | ${r.writesPerNewPr.toFixed(2)} (+ ${r.dashboardWrites}) | ${r.writesPerUpdatedPr.toFixed(2)} (${r.updatedPrs}) | ${r.secondary} | ${r.peakInFlight} | ${r.registryRequests} (${r.distinct}): ${r.registryByKind} | ${r.repeatCountedPerRepo.toFixed(2)} (max ${r.repeatMaxRepo}) | ${r.peakRssMb.join(', ')} |`);
  }
  const one = results.find((r) => r.workers === 1);
  const four = results.find((r) => r.workers === 4);
  if (one && four) console.log(`\nscan+decide speed-up 1 → 4 workers: ${(one.decideS / four.decideS).toFixed(2)}x`);
}

void main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
