// The one language planner: current version → the datasource's releases → policy → updates, for every manager with LanguageSupport.
import pLimit from 'p-limit';
import { managers as registeredManagers } from '../../managers/index.js';
import type { ArtifactFacts, CurrentVersion, LanguageSupport } from '../../managers/language-support.js';
import type { Datasource, Dependency, LocatedError, LookupOptions, Manager, Release, ReleaseList, Versioning } from '../../types.js';
import { getVersioning } from '../../versioning/index.js';
import { errorMessage } from '../extract.js';
import { indexedDeps, type PackageUpdateFacts } from '../language/shared.js';
import { isIgnored } from '../scan.js';
import type { PlannedUpdate, Planner, PlanState } from '../types.js';

declare module '../types.js' {
  interface UpdateFacts {
    /** What the lockfile's ArtifactUpdater needs (LanguageSupport.artifact). */
    artifact: ArtifactFacts;
    /** When the target release was published (ISO 8601), for the release-age rule. */
    releaseTimestamp: string;
  }
}

export interface LanguagePlannerOptions {
  datasources: ReadonlyMap<string, Datasource>;
  /** The app's settings handed to LanguageSupport.lookup (PIP_INDEX_URL, GOPROXY...). */
  settings?: Readonly<Record<string, string | undefined>>;
  /** Default: every registered manager with `language`. */
  managers?: readonly Manager[];
  /** Lookups at once across the scan. */
  concurrency?: number;
}

/**
 * Newer releases than `current`: valid, not deprecated or yanked, stable unless `current` is a
 * pre-release; newest first.
 */
export function candidateReleases<R extends Release>(releases: readonly R[], current: string, versioning: Versioning): R[] {
  const allowUnstable = !versioning.isStable(current);
  return releases
    .filter((r) => versioning.isValid(r.version) && !r.deprecated && !r.yanked && (allowUnstable || versioning.isStable(r.version)))
    .filter((r) => versioning.compare(r.version, current) > 0)
    .sort((a, b) => versioning.compare(b.version, a.version));
}

/** Candidates of the same major and, separately, of a higher major; each newest first. */
export function candidateGroups<R extends Release>(releases: readonly R[], current: string, versioning: Versioning): [sameMajor: R[], newMajor: R[]] {
  const candidates = candidateReleases(releases, current, versioning);
  const isMajor = (r: R) => versioning.updateType(current, r.version) === 'major';
  return [candidates.filter((r) => !isMajor(r)), candidates.filter(isMajor)];
}

/** An error a datasource raises about a file rather than a dependency (a refused .npmrc): reported once, at its line. */
function locatedOf(err: unknown): LocatedError | undefined {
  const located = (err as { located?: LocatedError } | null)?.located;
  return located && typeof located.file === 'string' ? located : undefined;
}

export function languagePlanner(options: LanguagePlannerOptions): Planner {
  return {
    name: 'language',
    async plan(state, ctx) {
      const limit = pLimit(options.concurrency ?? 8);
      const lookups = new Map<string, Promise<ReleaseList>>();
      const reportedFiles = new Set<string>();
      const settings = options.settings ?? {};
      const lookup = (datasource: Datasource, name: string, where: LookupOptions) => {
        const key = `${datasource.name}\0${name}\0${where.configFile?.path ?? ''}\0${where.configFile?.text ?? ''}\0${(where.registryUrls ?? []).join(' ')}`;
        let found = lookups.get(key);
        if (!found) lookups.set(key, (found = limit(() => datasource.getReleases(name, where))));
        return found;
      };
      const jobs: Promise<void>[] = [];
      for (const manager of options.managers ?? registeredManagers) {
        const support = manager.language;
        if (!support) continue;
        for (const { dep, depIndex } of indexedDeps(state, manager.name)) {
          if ((dep.skipReason && !state.options.include?.(dep)) || dep.currentValue === null || isIgnored(dep, state.options.ignore ?? [])) continue;
          jobs.push(
            planDependency(state, manager.name, support, dep, depIndex, options.datasources, settings, lookup).catch((err: unknown) => {
              const located = locatedOf(err);
              if (located) {
                if (!reportedFiles.has(located.file)) state.errors.push(located);
                reportedFiles.add(located.file);
                return;
              }
              ctx.log.debug({ depName: dep.depName, err: errorMessage(err) }, 'language lookup failed');
              state.errors.push({ file: dep.file, line: dep.line, depName: dep.depName, message: errorMessage(err) });
            }),
          );
        }
      }
      await Promise.all(jobs);
    },
  };
}

async function planDependency(
  state: PlanState, manager: string, support: LanguageSupport, dep: Dependency, depIndex: number,
  datasources: ReadonlyMap<string, Datasource>, settings: Readonly<Record<string, string | undefined>>,
  lookup: (datasource: Datasource, name: string, where: LookupOptions) => Promise<ReleaseList>,
): Promise<void> {
  const datasource = datasources.get(dep.datasource);
  if (!datasource) throw new Error(`no datasource "${dep.datasource}" is registered`);
  const named = typeof support.versioning === 'function' ? support.versioning(dep) : support.versioning;
  const versioning = getVersioning(named ?? datasource.defaultVersioning);
  const current = support.current(dep, state.texts);
  if (!current) return;
  if (!versioning.isValid(current.version)) throw new Error(`"${current.version}" is not a valid ${versioning.name} version`);
  const where = support.lookup?.(dep, state.texts, settings) ?? {};
  const list = await lookup(datasource, dep.depName, where);
  // The newest of each group is proposed; one the manager holds (a Go `exclude`, a new major path) is
  // listed as held, and the next newest of its group is tried.
  for (const group of candidateGroups(list.releases, current.version, versioning)) {
    let heldOne = false;
    for (const target of group) {
      const result = proposal(manager, support, dep, depIndex, current, target, list, versioning, state.texts);
      if (result === null) break;
      if (typeof result === 'string') {
        state.errors.push({ file: dep.file, line: dep.line, depName: dep.depName, message: result });
        break;
      }
      const held = support.held?.(dep, target, state.texts);
      if (!held) {
        state.updates.push(result);
        break;
      }
      if (!heldOne) state.held.push({ update: result, kind: 'blocked', reason: held });
      heldOne = true;
    }
  }
}

/** The update moving `dep` to `target`; null when nothing changes (in range, nothing locked); a string says why it cannot be written. */
function proposal(
  manager: string, support: LanguageSupport, dep: Dependency, depIndex: number, current: CurrentVersion, target: Release,
  list: ReleaseList, versioning: Versioning, texts: ReadonlyMap<string, string>,
): PlannedUpdate | string | null {
  const range = current.range;
  const inRange = range !== undefined && versioning.matches !== undefined && versioning.matches(target.version, range);
  if (inRange && !current.locked) return null;
  const newValue = inRange
    ? range
    : support.newValue
      ? support.newValue(dep, current, target, versioning)
      : range !== undefined
        ? (versioning.bumpRange?.(range, target.version) ?? null)
        : target.version;
  if (newValue === null) return `the range "${range ?? dep.currentValue}" cannot be rewritten to allow ${target.version}`;
  const facts: PackageUpdateFacts = {
    datasource: dep.datasource, versioning: versioning.name, name: list.name, fromVersion: current.version, toVersion: target.version,
    ...(list.sourceUrl ? { sourceUrl: list.sourceUrl } : {}),
  };
  const artifact = support.artifact?.(dep, current, target, texts);
  return {
    manager,
    file: dep.file,
    line: dep.line,
    depName: dep.depName,
    depIndex,
    from: current.locked && range !== undefined ? current.version : (range ?? current.version),
    to: inRange ? target.version : newValue,
    updateType: versioning.updateType(current.version, target.version),
    newValue,
    newDigest: support.newDigest?.(dep, target) ?? null,
    extra: { package: facts, ...(artifact ? { artifact } : {}), ...(target.publishedAt ? { releaseTimestamp: target.publishedAt } : {}) },
  };
}
