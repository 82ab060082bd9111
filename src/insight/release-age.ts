// Planner: holds back updates to releases younger than `minimumReleaseAge`, saying when they become eligible.
import pLimit from 'p-limit';
import type { PlannedUpdate, Planner, PlanState, ScanContext } from '../engine/types.js';
import type { Dependency } from '../types.js';
import type { FirstSeenStore } from './first-seen.js';
import type { ImageInspector } from './image-facts.js';
import { dependencyOf, newImageRef, platformsFor } from './platforms.js';

const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

/** `3 days`, `12 hours`, `1 week`, `30 minutes`, `0` → milliseconds; null when not understood. */
export function parseDuration(text: string): number | null {
  const value = text.trim().toLowerCase();
  if (value === '0') return 0;
  const m = /^(\d+)\s*(minute|min|hour|h|day|d|week|w)s?$/.exec(value);
  if (!m) return null;
  const unit = { min: 'minute', h: 'hour', d: 'day', w: 'week' }[m[2]!] ?? m[2]!;
  return Number(m[1]) * UNITS[unit]!;
}

export interface ReleaseAgeOptions {
  /** As written in the config, e.g. `3 days`. */
  minimumReleaseAge: string;
  images: Pick<ImageInspector, 'getImageConfig'>;
  firstSeen: FirstSeenStore;
  platforms?: string[];
  /** Updates that fix known vulnerabilities are not held (default true). */
  bypassForSecurity?: boolean;
  now?: () => Date;
}

export interface ReleaseTime {
  at: Date;
  /** `created` from the image config, the datasource's publish time, or Freshen's first sighting. */
  from: 'created' | 'published' | 'first seen';
}

export function releaseAgePlanner(options: ReleaseAgeOptions): Planner {
  const minimum = parseDuration(options.minimumReleaseAge);
  if (minimum === null) throw new Error(`minimumReleaseAge "${options.minimumReleaseAge}" is not a duration such as "3 days"`);
  return {
    name: 'release-age',
    async plan(state: PlanState, ctx: ScanContext): Promise<void> {
      if (minimum === 0) return;
      const now = options.now?.() ?? new Date();
      const limit = pLimit(8);
      const verdicts = await Promise.all(
        state.updates.map((update) =>
          limit(async () => {
            if (update.extra?.security === true && options.bypassForSecurity !== false) return null;
            const released = await releaseTime(options, update, dependencyOf(state, update), now, ctx);
            const eligibleAt = new Date(released.at.getTime() + minimum);
            return eligibleAt > now ? { released, eligibleAt } : null;
          }),
        ),
      );
      const kept: PlannedUpdate[] = [];
      state.updates.forEach((update, i) => {
        const verdict = verdicts[i];
        if (!verdict) return void kept.push(update);
        state.held.push({
          kind: 'release-age',
          update,
          reason: `minimum release age ${options.minimumReleaseAge}: released ${verdict.released.at.toISOString()} (${verdict.released.from})`,
          eligibleAt: verdict.eligibleAt.toISOString(),
        });
      });
      state.updates = kept;
    },
  };
}

/** A `created` before 2001 is a reproducible-build placeholder (often the epoch), and the future is a lie. */
export function plausibleTime(iso: string | undefined, now: Date): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 2001 || date.getTime() > now.getTime() + 86_400_000) return null;
  return date;
}

export async function releaseTime(
  options: Pick<ReleaseAgeOptions, 'images' | 'firstSeen' | 'platforms'>,
  update: PlannedUpdate,
  dep: Dependency | undefined,
  now: Date,
  ctx: Pick<ScanContext, 'log'>,
): Promise<ReleaseTime> {
  const published = plausibleTime(typeof update.extra?.releaseTimestamp === 'string' ? update.extra.releaseTimestamp : undefined, now);
  if (published) return { at: published, from: 'published' };
  const datasource = dep?.datasource ?? update.manager;
  const target = datasource === 'docker' ? newImageRef(update) : update.newValue;
  // Recorded whatever else is known, so the clock runs from the first scan that saw the release.
  const seen = await options.firstSeen.firstSeen(`${datasource}|${update.depName}|${target ?? ''}`, now);
  if (datasource === 'docker' && target) {
    try {
      const config = await options.images.getImageConfig(update.depName, target, platformsFor(dep, options.platforms)[0]);
      const created = plausibleTime(config.created, now);
      if (created) return { at: created, from: 'created' };
    } catch (err) {
      ctx.log.debug({ depName: update.depName, err: err instanceof Error ? err.message : String(err) }, 'no created time; using first seen');
    }
  }
  return { at: seen, from: 'first seen' };
}
