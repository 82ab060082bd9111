// Planner: flags base images whose tag stopped getting rebuilds while the newest tag of the same variant still moves.
import pLimit from 'p-limit';
import { isIgnored } from '../engine/scan.js';
import type { PlannedUpdate, Planner, PlanState, ScanContext } from '../engine/types.js';
import type { OsInfoCache } from '../image/os-info.js';
import { readImageOs, type RegistryBlobs } from '../image/registry-os.js';
import type { Dependency } from '../types.js';
import { docker } from '../versioning/index.js';
import type { EndOfLife, EndOfLifeSource } from './end-of-life.js';
import type { ImageInspector } from './image-facts.js';
import { dependencyOf, platformsFor } from './platforms.js';
import { parseDuration, plausibleTime } from './release-age.js';

/** `dependency.extra.unmaintained` and `update.extra.unmaintained`: the tag's image stopped being rebuilt. */
export interface UnmaintainedBase {
  /** The tag as written: `3.8-slim`. */
  tag: string;
  /** When the tag's current image was built (its config's `created`), ISO 8601. */
  created: string;
  /** Newer tags of the same variant built since (only the newest is read), newest first. */
  newerTags: { tag: string; created: string }[];
  /** When the image's OS release loses security support, where the distribution publishes it. */
  endOfLife?: EndOfLife;
}

declare module '../engine/types.js' {
  interface UpdateFacts {
    unmaintained: UnmaintainedBase;
  }
}

declare module '../types.js' {
  interface DependencyInsights {
    unmaintained: UnmaintainedBase;
  }
}

export interface UnmaintainedOptions {
  /** As written in the config: `120 days`. */
  unmaintainedAfter: string;
  images: Pick<ImageInspector, 'getImageConfig'> & RegistryBlobs;
  platforms?: string[];
  /** Without it no end-of-life date is looked up (and no image layers are read for it). */
  endOfLife?: EndOfLifeSource;
  osInfoCache?: OsInfoCache;
  now?: () => Date;
}

export function unmaintainedPlanner(options: UnmaintainedOptions): Planner {
  const maxAge = parseDuration(options.unmaintainedAfter);
  if (maxAge === null) throw new Error(`unmaintainedAfter "${options.unmaintainedAfter}" is not a duration such as "120 days"`);
  return {
    name: 'unmaintained',
    async plan(state: PlanState, ctx: ScanContext): Promise<void> {
      const now = options.now?.() ?? new Date();
      const check = new BaseCheck(options, ctx, state, now, now.getTime() - maxAge);
      const limit = pLimit(4);
      await Promise.all(
        state.dependencies.filter((dep) => isCandidate(dep, state.options.ignore ?? [])).map((dep) =>
          limit(async () => {
            const verdict = await check.of(dep);
            if (verdict) dep.extra = { ...dep.extra, unmaintained: verdict };
          }),
        ),
      );
      for (const update of [...state.updates, ...state.held.map((h) => h.update)]) {
        const verdict = dependencyOf(state, update)?.extra?.unmaintained;
        if (verdict) update.extra = { ...update.extra, unmaintained: verdict };
      }
    },
  };
}

/** Image dependencies with a version tag (`3.8-slim`, not `latest` or `bookworm`): only those have newer tags of a variant. */
function isCandidate(dep: Dependency, ignore: readonly string[]): boolean {
  return dep.datasource === 'docker' && !dep.skipReason && dep.currentValue !== null && docker.isStable(dep.currentValue) && !isIgnored(dep, ignore);
}

/**
 * At most two image configs per image:tag and platform: the tag's own, and, when that is old, the
 * newest tag of the same variant. Both are read by digest, so a shared cache keeps them for good.
 */
class BaseCheck {
  private readonly verdicts = new Map<string, Promise<UnmaintainedBase | null>>();

  constructor(
    private readonly options: UnmaintainedOptions,
    private readonly ctx: ScanContext,
    private readonly state: PlanState,
    private readonly now: Date,
    private readonly cutoff: number,
  ) {}

  of(dep: Dependency): Promise<UnmaintainedBase | null> {
    const platform = platformsFor(dep, this.options.platforms)[0]!;
    const key = `${dep.depName}|${dep.currentValue}|${platform}`;
    let found = this.verdicts.get(key);
    if (!found) {
      found = this.judge(dep.depName, dep.currentValue!, platform).catch((err: unknown) => {
        this.ctx.log.debug({ depName: dep.depName, tag: dep.currentValue, err: err instanceof Error ? err.message : String(err) }, 'could not tell whether the base is maintained');
        return null;
      });
      this.verdicts.set(key, found);
    }
    return found;
  }

  private async judge(depName: string, tag: string, platform: string): Promise<UnmaintainedBase | null> {
    const created = await this.createdOf(depName, tag, platform);
    if (!created || created.getTime() > this.cutoff) return null;
    const picked = docker.pickUpdates(tag, await this.ctx.images.getTags(depName));
    const newest = picked.major ?? picked.nonMajor;
    if (!newest) return null;
    // The newest line must itself be fresh: when every tag is old, the repository as a whole stopped.
    const newer = await this.createdOf(depName, newest, platform);
    if (!newer || newer.getTime() <= this.cutoff || newer <= created) return null;
    const verdict: UnmaintainedBase = { tag, created: created.toISOString(), newerTags: [{ tag: newest, created: newer.toISOString() }] };
    const endOfLife = await this.endOfLifeOf(depName, tag, platform);
    return endOfLife ? { ...verdict, endOfLife } : verdict;
  }

  /** The tag's digest (HEAD, often already asked by the update decision), then its config by digest. */
  private async createdOf(depName: string, tag: string, platform: string): Promise<Date | null> {
    const digest = await this.ctx.images.getDigest(depName, tag);
    const config = await this.options.images.getImageConfig(depName, digest, platform);
    return plausibleTime(config.created, this.now);
  }

  /** The OS release: from what the what-changed planner already read of the image, else its os-release (cached by digest). */
  private async endOfLifeOf(depName: string, tag: string, platform: string): Promise<EndOfLife | null> {
    const source = this.options.endOfLife;
    if (!source) return null;
    const known = this.state.updates.map((u) => this.osFromFacts(u, depName, tag)).find((os) => os !== null);
    try {
      const os = known ?? (await readImageOs(this.options.images, { depName, ref: tag, platform }, this.options.osInfoCache ? { cache: this.options.osInfoCache } : {})).info;
      return await source.endOfLife(os);
    } catch (err) {
      this.ctx.log.debug({ depName, tag, err: err instanceof Error ? err.message : String(err) }, 'could not read the OS release of the base');
      return null;
    }
  }

  private osFromFacts(update: PlannedUpdate, depName: string, tag: string): { distro: string; release: string | null } | null {
    if (update.depName !== depName || dependencyOf(this.state, update)?.currentValue !== tag) return null;
    const before = update.extra?.whatChanged?.before;
    return before?.distro ? { distro: before.distro, release: before.release } : null;
  }
}

/** True when the update moves an unmaintained base to the newest line that still moves. */
export function leavesUnmaintainedBase(update: Pick<PlannedUpdate, 'newValue' | 'extra'>): boolean {
  const base = update.extra?.unmaintained;
  return base !== undefined && update.newValue !== null && base.newerTags.some((t) => t.tag === update.newValue);
}
