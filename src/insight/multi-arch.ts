// Planner: drops a digest refresh when the index changed only for platforms the repository does not use.
import type { PlannedUpdate, Planner, PlanState, ScanContext } from '../engine/types.js';
import { parsePlatform, selectPlatform } from '../image/manifest.js';
import type { ImageInspector } from './image-facts.js';
import { dependencyOf, platformsFor } from './platforms.js';

export interface MultiArchOptions {
  images: Pick<ImageInspector, 'getManifest'>;
  platforms?: string[];
}

export function multiArchPlanner(options: MultiArchOptions): Planner {
  return {
    name: 'multi-arch',
    async plan(state: PlanState, ctx: ScanContext): Promise<void> {
      const unchanged = await Promise.all(
        state.updates.map(async (update) => {
          const dep = dependencyOf(state, update);
          if (update.updateType !== 'digest' || dep?.datasource !== 'docker' || !dep.currentDigest || !update.newDigest) return false;
          try {
            return await samePlatformImages(options, update, dep.currentDigest, platformsFor(dep, options.platforms));
          } catch (err) {
            // When in doubt, propose: a missed refresh is worse than one PR too many.
            ctx.log.debug({ depName: update.depName, err: err instanceof Error ? err.message : String(err) }, 'multi-arch check skipped');
            return false;
          }
        }),
      );
      const dropped = state.updates.filter((_, i) => unchanged[i]);
      for (const update of dropped) {
        ctx.log.info({ depName: update.depName, file: update.file, to: update.to }, 'digest refresh dropped: only other platforms changed');
      }
      state.updates = state.updates.filter((_, i) => !unchanged[i]);
    },
  };
}

/** True when both digests are indexes and every used platform points at the same image in both. */
async function samePlatformImages(options: MultiArchOptions, update: PlannedUpdate, oldDigest: string, platforms: string[]): Promise<boolean> {
  const [before, after] = await Promise.all([
    options.images.getManifest(update.depName, oldDigest),
    options.images.getManifest(update.depName, update.newDigest!),
  ]);
  if (before.kind !== 'index' || after.kind !== 'index') return false;
  return platforms.every((platform) => {
    const wanted = parsePlatform(platform);
    const was = selectPlatform(before, wanted)?.digest;
    return was !== undefined && was === selectPlatform(after, wanted)?.digest;
  });
}
