// The rebuild process inside the jobs: the scheduled check after a scan, and the `rebuild-<repo id>` job of `/rebuild`.
import { extractAll, isIgnored, managedPath } from '../engine/index.js';
import type { ImageLookup } from '../engine/types.js';
import { formatConfigProblem, type RepoConfig } from '../config/repo-config.js';
import { ignoredDependencyNames } from '../commands/ignore-store.js';
import { loadRepoConfig } from '../github/repo-config-loader.js';
import { dispatchPort, requesterPort } from '../github/rebuild-ports.js';
import { openTree, readDefaultBranchHead } from '../github/repo-reader.js';
import type { GitHub, RepoRef } from '../github/types.js';
import { floatingBaseImages } from '../rebuild/process.js';
import { publishedBaseReader, type PublishedImageSource } from '../rebuild/published.js';
import { runRebuild, type RebuildOutcome } from '../rebuild/run.js';
import { defaultRebuildSettings, type FloatingBaseImage } from '../rebuild/types.js';
import type { Dependency, Logger } from '../types.js';
import { rateLimitWaitMs } from '../budget/errors.js';
import type { RepoJobData } from './job-data.js';
import { rebuildRepoRef, rebuildStores, recordCurrentDigests, refreshStatusIssue, type StatusDeps } from './repo-status.js';
import type { ScanContextFactory } from './scan-repo.js';

export interface RebuildJobDeps extends StatusDeps {
  github: (installationId: number) => Promise<GitHub>;
  scanContext: ScanContextFactory;
  log: Logger;
  maxBlobBytes?: number;
}

/** The repository's floating base images on the rebuild process, leaving out what people ignored. */
export function rebuildImagesOf(deps: readonly Dependency[], config: RepoConfig, ignored: readonly string[]): FloatingBaseImage[] {
  const ignore = [...config.ignore, ...ignored];
  return floatingBaseImages(deps.filter((d) => !isIgnored(d, ignore)), config);
}

function hasPublishedReads(lookup: ImageLookup): lookup is ImageLookup & PublishedImageSource {
  const l = lookup as Partial<PublishedImageSource>;
  return typeof l.getManifest === 'function' && typeof l.getImageConfig === 'function';
}

export interface RebuildCheckInput {
  gh: GitHub;
  repo: RepoRef;
  defaultBranch: string;
  config: RepoConfig;
  images: readonly FloatingBaseImage[];
  trigger: 'scheduled' | 'command';
  /** Registry access made for this run (a fresh client: a long-lived one would remember old digests). */
  lookup: ImageLookup;
}

/** Runs the rebuild check, remembers the digests it saw, and refreshes the status issue. */
export async function checkRebuild(deps: RebuildJobDeps, input: RebuildCheckInput): Promise<RebuildOutcome> {
  const { ledger, gate } = rebuildStores(deps.redis);
  const outcome = await runRebuild(
    {
      repo: rebuildRepoRef(input.repo),
      trigger: input.trigger,
      defaultBranch: input.defaultBranch,
      images: input.images,
      settings: input.config.rebuild ?? defaultRebuildSettings,
    },
    {
      ledger,
      gate,
      lookup: input.lookup,
      dispatcher: dispatchPort(input.gh),
      requesters: requesterPort(input.gh, input.repo),
      log: deps.log,
      ...(hasPublishedReads(input.lookup) ? { readPublishedBase: publishedBaseReader(input.lookup) } : {}),
    },
  );
  if (outcome.plan) {
    await recordCurrentDigests(deps.redis, input.repo.repoId, new Map(outcome.plan.checks.map((c) => [c.image.key, c.currentDigest])));
  }
  return outcome;
}

/**
 * The scan's part of the rebuild process. A dispatch GitHub refused is kept in the ledger (and shown
 * on the status issue) without failing the scan; a rate limit still delays the job.
 */
export async function scheduledRebuild(deps: RebuildJobDeps, input: Omit<RebuildCheckInput, 'trigger'>): Promise<RebuildOutcome | { status: 'refused'; message: string }> {
  try {
    return await checkRebuild(deps, { ...input, trigger: 'scheduled' });
  } catch (err) {
    if (rateLimitWaitMs(err) !== null) throw err;
    deps.log.warn({ err: (err as Error).message }, 'rebuild dispatch refused; the next run tries again');
    return { status: 'refused', message: (err as Error).message };
  }
}

/** Frees the gate and tells whoever asked, when the rebuild job cannot even start. */
async function abandon(deps: RebuildJobDeps, gh: GitHub, repo: RepoRef, why: string): Promise<void> {
  const { gate } = rebuildStores(deps.redis);
  const pending = await gate.pending(repo.repoId);
  const late = await gate.finish(repo.repoId, pending, { dispatched: false, cooldownMs: 0 });
  const port = requesterPort(gh, repo);
  const requesters = [...pending.requesters, ...late];
  for (const issueNumber of new Set(requesters.map((r) => r.issueNumber))) {
    const mine = requesters.filter((r) => r.issueNumber === issueNumber);
    await port.reply(issueNumber, `${[...new Set(mine.map((r) => `@${r.login}`))].join(' ')} Nothing dispatched: ${why}`);
    for (const r of mine) await port.react(r.commentId, 'confused');
  }
}

/** The `rebuild-repo` job: serves the `/rebuild` commands the gate let through. */
export async function rebuildRepository(deps: RebuildJobDeps, data: RepoJobData): Promise<RebuildOutcome | { status: 'abandoned'; message: string }> {
  const repo: RepoRef = { installationId: data.installationId, repoId: data.repoId, owner: data.owner, repo: data.repo };
  const log = deps.log.child?.({ repo: `${data.owner}/${data.repo}`, reason: data.reason }) ?? deps.log;
  const gh = await deps.github(data.installationId);
  let input: RebuildCheckInput;
  try {
    const head = await readDefaultBranchHead(gh, repo);
    const loaded = await loadRepoConfig(gh, repo, head.branch);
    if (!loaded.ok) {
      const message = `\`.github/freshen.yml\` is invalid (${loaded.problems.map((p) => formatConfigProblem(p)).join('; ')}).`;
      await abandon(deps, gh, repo, message);
      return { status: 'abandoned', message };
    }
    const source = await openTree(gh, repo, head.treeSha, { managed: managedPath, maxBlobBytes: deps.maxBlobBytes, log });
    const extracted = await extractAll(source);
    const ignored = ignoredDependencyNames(await rebuildStores(deps.redis).ignores.list(repo.repoId));
    const images = rebuildImagesOf(extracted.dependencies, loaded.config, ignored);
    const lookup = deps.scanContext({ repo, config: loaded.config, log }).images;
    input = { gh, repo, defaultBranch: head.branch, config: loaded.config, images, trigger: 'command', lookup };
  } catch (err) {
    await abandon(deps, gh, repo, `Freshen could not read the repository: ${(err as Error).message}`);
    throw err;
  }
  try {
    return await checkRebuild({ ...deps, log }, input);
  } finally {
    await refreshStatusIssue(deps, gh, repo);
  }
}
