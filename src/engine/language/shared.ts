// What the language planners share: depIndex per file and manager, and the package facts renderers read.
import type { Dependency } from '../../types.js';
import type { PlanState } from '../types.js';

/** Attached as `update.extra.package` by the npm, pip and tool-pins planners; the release-notes planner reads it. */
export interface PackageUpdateFacts {
  /** The datasource's name: 'npm', 'pypi', 'go', 'github-releases', 'github-tags'... */
  datasource: string;
  /** How a tool's versions order (its `versioning`); npm and PyPI packages use semver and PEP 440. */
  versioning?: string;
  name: string;
  fromVersion: string;
  toVersion: string;
  sourceUrl?: string;
}

declare module '../types.js' {
  interface UpdateFacts {
    package: PackageUpdateFacts;
  }
}

/** Each dependency of `manager` with its index in its file's extract() output. */
export function indexedDeps(state: PlanState, manager: string): { dep: Dependency; depIndex: number }[] {
  const counters = new Map<string, number>();
  const out: { dep: Dependency; depIndex: number }[] = [];
  for (const dep of state.dependencies) {
    if (dep.manager !== manager) continue;
    const depIndex = counters.get(dep.file) ?? 0;
    counters.set(dep.file, depIndex + 1);
    out.push({ dep, depIndex });
  }
  return out;
}

export { dirOf, joinPath, selfAndParents } from '../../managers/paths.js';
