// The image planner: each image's tags through the `docker` datasource, digests from the scan's image client → pin, digest, minor/patch and major updates.
import { imageReleases } from '../../datasources/index.js';
import { RateLimitError } from '../../http/index.js';
import type { Datasource, Dependency } from '../../types.js';
import { decideImageUpdates, ScanLookups } from '../decide.js';
import { errorMessage } from '../extract.js';
import { isIgnored } from '../scan.js';
import type { Planner, PlanState } from '../types.js';

export const IMAGES_PLANNER = 'images';

export interface ImagesPlannerOptions {
  /** The registry's `docker` datasource; by default one over the scan's image client (`ctx.images`). */
  docker?: Datasource;
}

/**
 * Runs first: the OS pins and insight planners read the image updates it proposes. With
 * `throwOnRateLimit`, a registry's RateLimitError fails the whole plan (after every lookup has
 * settled), so the job waits for the limit rather than proposing half a plan.
 */
export function imagesPlanner(options: ImagesPlannerOptions = {}): Planner {
  return {
    name: IMAGES_PLANNER,
    async plan(state, ctx) {
      const lookups = new ScanLookups(ctx.images, options.docker ?? imageReleases(ctx.images));
      let rateLimited: RateLimitError | undefined;
      await Promise.all(imageDeps(state).map(({ dep, depIndex }) => planImage(state, lookups, dep, depIndex).catch((err: unknown) => {
        if (err instanceof RateLimitError && state.options.throwOnRateLimit) rateLimited ??= err;
        ctx.log.warn({ depName: dep.depName, file: dep.file, err: errorMessage(err) }, 'lookup failed');
        state.errors.push({ file: dep.file, line: dep.line, depName: dep.depName, message: errorMessage(err) });
      })));
      if (rateLimited) throw rateLimited;
    },
  };
}

/** Every image dependency to look up, with its index in its file's extract() output of its manager. */
function imageDeps(state: PlanState): { dep: Dependency; depIndex: number }[] {
  const counters = new Map<string, number>();
  const out: { dep: Dependency; depIndex: number }[] = [];
  for (const dep of state.dependencies) {
    const key = `${dep.file}\0${dep.manager}`;
    const depIndex = counters.get(key) ?? 0;
    counters.set(key, depIndex + 1);
    if (dep.skipReason || dep.datasource !== 'docker' || isIgnored(dep, state.options.ignore ?? [])) continue;
    out.push({ dep, depIndex });
  }
  return out;
}

async function planImage(state: PlanState, lookups: ScanLookups, dep: Dependency, depIndex: number): Promise<void> {
  const process = state.options.processFor?.(dep) ?? 'pinned';
  const proposals = await decideImageUpdates(dep, lookups, { process, pinDigests: state.options.pinDigests ?? true });
  for (const p of proposals) {
    state.updates.push({ manager: dep.manager, file: dep.file, line: dep.line, depName: dep.depName, depIndex, ...p });
  }
}
