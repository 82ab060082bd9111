// Planner: for each image update, what changed inside the image (facts and the OS package diff).
import pLimit from 'p-limit';
import type { PlannedUpdate, Planner, PlanState, ScanContext } from '../engine/types.js';
import { renderWhatChanged } from './what-changed-markdown.js';
import type { Dependency } from '../types.js';
import { readImageFacts, type ImageFacts, type ImageFactsCache, type ImageInspector } from './image-facts.js';
import { compareUrl } from './links.js';
import { diffPackages, type PackageDiff } from './package-diff.js';
import { dependencyOf, newImageRef, platformsFor } from './platforms.js';

export interface WhatChangedOptions {
  images: ImageInspector;
  /** The config's `platforms`; a literal `FROM --platform=` wins. */
  platforms?: string[];
  cache?: ImageFactsCache;
  /** Images read at once. */
  concurrency?: number;
}

/** An image as the PR shows it: facts without the package list. */
export type ImageSummary = Omit<ImageFacts, 'installed'>;

/** `update.extra.whatChanged`. */
export interface WhatChanged {
  markdown: string;
  summaryMarkdown: string;
  platform: string;
  packageDiff: PackageDiff | null;
  before: ImageSummary | null;
  after: ImageSummary;
}

declare module '../engine/types.js' {
  interface UpdateFacts {
    whatChanged: WhatChanged;
  }
}

export function whatChangedPlanner(options: WhatChangedOptions): Planner {
  return {
    name: 'what-changed',
    async plan(state: PlanState, ctx: ScanContext): Promise<void> {
      const limit = pLimit(options.concurrency ?? 4);
      const memo = new Map<string, Promise<WhatChanged>>();
      await Promise.all(
        state.updates.map((update) =>
          limit(async () => {
            const dep = dependencyOf(state, update);
            if (dep?.datasource !== 'docker' || newImageRef(update) === null) return;
            const key = `${update.depName}|${oldRef(update, dep)}|${newImageRef(update)}|${platformsFor(dep, options.platforms)[0]}`;
            let found = memo.get(key);
            if (!found) memo.set(key, (found = compareImages(options, update, dep)));
            try {
              update.extra = { ...update.extra, whatChanged: await found };
            } catch (err) {
              const message = err instanceof Error ? err.message : String(err);
              ctx.log.warn({ depName: update.depName, file: update.file, err: message }, 'could not tell what changed in the image');
              update.notes = [...(update.notes ?? []), `Freshen could not read what changed inside the image: ${message}`];
            }
          }),
        ),
      );
    },
  };
}

/** The old image: its digest, else its tag as it resolves today; none for a pin (nothing to compare). */
function oldRef(update: PlannedUpdate, dep: Dependency): string | null {
  if (update.updateType === 'pin') return null;
  return dep.currentDigest ?? dep.currentValue;
}

async function compareImages(options: WhatChangedOptions, update: PlannedUpdate, dep: Dependency): Promise<WhatChanged> {
  const platform = platformsFor(dep, options.platforms)[0]!;
  const read = (ref: string) => readImageFacts(options.images, update.depName, ref, platform, { cache: options.cache });
  const was = oldRef(update, dep);
  const [after, before] = await Promise.all([read(newImageRef(update)!), was ? read(was) : Promise.resolve(null)]);
  const diff =
    before?.installed && after.installed && before.installed.format === after.installed.format
      ? diffPackages(before.installed, after.installed, { distro: after.distro, release: after.release })
      : null;
  const sameSource = before && (!before.source || !after.source || before.source === after.source);
  const compare = sameSource ? compareUrl(after.source ?? before.source, before.revision, after.revision) : null;
  const rendered = renderWhatChanged({ platform, before, after, diff, compareUrl: compare });
  return { ...rendered, platform, packageDiff: diff, before: before ? summary(before) : null, after: summary(after) };
}

function summary(facts: ImageFacts): ImageSummary {
  const { installed: _installed, ...rest } = facts;
  return rest;
}
