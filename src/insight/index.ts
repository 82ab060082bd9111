// The insight planners in the order they must run, built from the repository's config.
import type { OsvClient } from '../datasources/osv/index.js';
import type { Planner } from '../engine/types.js';
import type { OsInfoCache } from '../image/os-info.js';
import type { EndOfLifeSource } from './end-of-life.js';
import type { FirstSeenStore } from './first-seen.js';
import type { ImageFactsCache, ImageInspector } from './image-facts.js';
import { multiArchPlanner } from './multi-arch.js';
import { releaseAgePlanner } from './release-age.js';
import { runtimePlanner } from './runtime.js';
import { schedulePlanner } from './schedule.js';
import { securityPlanner } from './security.js';
import { unmaintainedPlanner } from './unmaintained.js';
import { whatChangedPlanner } from './what-changed.js';

export interface InsightSettings {
  platforms?: string[];
  /** Drop digest refreshes that change only platforms the repository does not build for (default true). */
  ignoreUnchangedPlatforms?: boolean;
  minimumReleaseAge?: string;
  /** PR-opening windows; a plain cron string is the scan schedule and holds nothing. */
  schedule?: string | string[];
  timezone?: string;
  security?: { bypassSchedule?: boolean; bypassReleaseAge?: boolean };
  /** A tag whose image is older than this while the newest tag of its variant moves is no longer maintained; `off`: not checked. */
  unmaintainedAfter?: string;
}

export interface InsightDeps {
  images: ImageInspector;
  /** Without it nothing is asked about vulnerabilities. */
  osv?: Pick<OsvClient, 'affecting' | 'vulnerability'>;
  firstSeen: FirstSeenStore;
  factsCache?: ImageFactsCache;
  /** Skip reading image layers (what changed, package diffs). Default false. */
  skipWhatChanged?: boolean;
  /** The distributions' release data, to say when an unmaintained base's OS loses support. */
  endOfLife?: EndOfLifeSource;
  osInfoCache?: OsInfoCache;
  now?: () => Date;
}

/**
 * multi-arch first (no work on noise), then runtime files that disagree with a language base image, then what changed, then vulnerabilities (they read the package
 * diff), then unmaintained bases (they reuse what was read), then release age and schedule (security
 * fixes may bypass both). Language planners that add
 * npm/PyPI updates must run before these.
 */
export function insightPlanners(settings: InsightSettings, deps: InsightDeps): Planner[] {
  const planners: Planner[] = [];
  if (settings.ignoreUnchangedPlatforms !== false) planners.push(multiArchPlanner({ images: deps.images, platforms: settings.platforms }));
  planners.push(runtimePlanner());
  if (!deps.skipWhatChanged) planners.push(whatChangedPlanner({ images: deps.images, platforms: settings.platforms, cache: deps.factsCache }));
  if (deps.osv) planners.push(securityPlanner({ osv: deps.osv }));
  if (settings.unmaintainedAfter && settings.unmaintainedAfter !== 'off') {
    planners.push(
      unmaintainedPlanner({
        unmaintainedAfter: settings.unmaintainedAfter, images: deps.images, platforms: settings.platforms,
        ...(deps.endOfLife ? { endOfLife: deps.endOfLife } : {}), ...(deps.osInfoCache ? { osInfoCache: deps.osInfoCache } : {}), now: deps.now,
      }),
    );
  }
  if (settings.minimumReleaseAge) {
    planners.push(
      releaseAgePlanner({
        minimumReleaseAge: settings.minimumReleaseAge,
        images: deps.images,
        firstSeen: deps.firstSeen,
        platforms: settings.platforms,
        bypassForSecurity: settings.security?.bypassReleaseAge ?? true,
        now: deps.now,
      }),
    );
  }
  if (Array.isArray(settings.schedule) && settings.schedule.length > 0) {
    planners.push(
      schedulePlanner({
        schedule: settings.schedule,
        timezone: settings.timezone ?? 'UTC',
        bypassForSecurity: settings.security?.bypassSchedule ?? true,
        now: deps.now,
      }),
    );
  }
  return planners;
}

export { MemoryFirstSeenStore, RedisFirstSeenStore, type FirstSeenStore } from './first-seen.js';
export { MemoryImageFactsCache, type ImageFactsCache, type ImageInspector } from './image-facts.js';
export { scanCronFor, parseScheduleEntry, ScheduleError } from './schedule.js';
export { parseDuration } from './release-age.js';
export type { WhatChanged } from './what-changed.js';
export type { FixedVulnerability } from './security.js';
export { leavesUnmaintainedBase, type UnmaintainedBase } from './unmaintained.js';
export { DEFAULT_RELEASE_DATA_URLS, releaseDataSource, type EndOfLife, type EndOfLifeSource } from './end-of-life.js';
