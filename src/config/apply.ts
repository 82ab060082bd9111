// What a repository's config asks of a scan (planners, ignore, process per image), for the app's jobs and the CLI alike.
import type { OsInfoCache } from '../image/os-info.js';
import type { RegistryBlobs } from '../image/registry-os.js';
import { createOsPinsPlanner } from '../engine/planners/os-pins.js';
import type { PlannedUpdate, Planner, ScanOptions } from '../engine/types.js';
import { insightPlanners, type InsightDeps } from '../insight/index.js';
import { processForImage } from '../rebuild/process.js';
import type { Datasource } from '../types.js';
import { matchesAny } from './groups.js';
import type { RepoConfig } from './repo-config.js';

export interface PlannerParts {
  /** The registry client: manifests and layers for OS pins, and what insight planners inspect. */
  images: RegistryBlobs & InsightDeps['images'];
  /** The registry's datasources: OS package pins read `debian` and `alpine`. */
  datasources: ReadonlyMap<string, Datasource>;
  osInfoCache?: OsInfoCache;
  /** npm and pip: settings come from the environment, not from the repository's config. */
  language: Planner[];
  insight: Omit<InsightDeps, 'images'>;
}

/** The planners in the order they must run: OS pins, language packages, then insight (which reads what the others planned). */
export function configuredPlanners(config: RepoConfig, parts: PlannerParts): Planner[] {
  const osPins = createOsPinsPlanner({
    registry: parts.images, datasources: parts.datasources, osMirrors: config.osMirrors, platform: config.platform,
    ...(parts.osInfoCache ? { osInfoCache: parts.osInfoCache } : {}),
  });
  const insight = { images: parts.images, ...(parts.osInfoCache ? { osInfoCache: parts.osInfoCache } : {}), ...parts.insight };
  return [osPins, ...parts.language, ...insightPlanners(insightSettings(config), insight)];
}

/** The insight planners' settings from the repository config. */
export function insightSettings(config: RepoConfig) {
  return {
    platforms: config.platforms.length > 0 ? config.platforms : [config.platform],
    ignoreUnchangedPlatforms: config.ignoreUnchangedPlatforms,
    ...(config.minimumReleaseAge ? { minimumReleaseAge: config.minimumReleaseAge } : {}),
    ...(config.schedule ? { schedule: config.schedule } : {}),
    timezone: config.timezone,
    security: config.security,
    unmaintainedAfter: config.unmaintainedAfter,
  };
}

/** `ignore` (plus any the caller adds, e.g. `/freshen ignore`) and each image's process, for scan(). */
export function configuredScanOptions(config: RepoConfig, alsoIgnore: readonly string[] = []): Pick<ScanOptions, 'ignore' | 'processFor' | 'include'> {
  return {
    ignore: [...config.ignore, ...alsoIgnore],
    // Floating images on the rebuild process are rebuilt, never pinned.
    processFor: (dep) => processForImage(config, dep.depName, dep.currentValue, dep.reference),
    include: (dep) => config.goDirective === 'bump' && dep.datasource === 'golang-version',
  };
}

/** Updates `ignore` leaves out, by dependency name or file path (what groupUpdates drops in the app). */
export function notIgnored<T extends Pick<PlannedUpdate, 'depName' | 'file'>>(updates: readonly T[], config: Pick<RepoConfig, 'ignore'>): T[] {
  return updates.filter((u) => !matchesAny(u, config.ignore));
}
