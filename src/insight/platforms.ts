// Which platforms a dependency is built for, and how planners find the dependency behind an update.
import type { PlannedUpdate, PlanState } from '../engine/types.js';
import { dataOf, type Dependency } from '../types.js';

export const DEFAULT_PLATFORM = 'linux/amd64';

const LITERAL_PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

export function isLiteralPlatform(text: string): boolean {
  return LITERAL_PLATFORM.test(text);
}

/**
 * `FROM --platform=linux/arm64` wins; `$BUILDPLATFORM` and other unresolved values fall back to the
 * configured platforms, then to linux/amd64.
 */
export function platformsFor(dep: Dependency | undefined, configured: readonly string[] | undefined): string[] {
  const written = dep && dataOf(dep, 'dockerfile')?.platform;
  if (typeof written === 'string' && isLiteralPlatform(written)) return [written];
  const listed = (configured ?? []).filter(isLiteralPlatform);
  return listed.length > 0 ? [...new Set(listed)] : [DEFAULT_PLATFORM];
}

/** The dependency an update was planned for: depIndex counts within its file and manager. */
export function dependencyOf(state: Pick<PlanState, 'dependencies'>, update: PlannedUpdate): Dependency | undefined {
  return state.dependencies.filter((d) => d.file === update.file && d.manager === update.manager)[update.depIndex];
}

/** The image reference an update moves to: its digest, else its tag. */
export function newImageRef(update: PlannedUpdate): string | null {
  return update.newDigest ?? update.newValue;
}
