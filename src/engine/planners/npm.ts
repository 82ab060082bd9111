// npm planner: newer registry versions → lockfile-only updates (in range) or range bumps keeping their style; majors apart.
import pLimit from 'p-limit';
import semverLib from 'semver';
import { createNpmDatasource, NpmrcError, type NpmDatasource, type NpmPackage, type NpmVersion } from '../../datasources/npm/index.js';
import type { NpmDependencyExtra } from '../../managers/npm/index.js';
import type { Dependency, UpdateType } from '../../types.js';
import { bumpRange } from '../../versioning/semver/index.js';
import { errorMessage } from '../extract.js';
import { isIgnored } from '../scan.js';
import type { PlannedUpdate, Planner, PlanState } from '../types.js';
import { NpmLocks, type NpmProject } from './npm-lock.js';
import { indexedDeps, type PackageUpdateFacts } from '../language/shared.js';

/** Attached as `update.extra.npm`: what the lockfile updater needs. */
export interface NpmUpdateFacts {
  project: NpmProject;
  packageName: string;
  /** The key under which it is installed (the alias for `npm:` aliases). */
  key: string;
  newVersion: string;
  lockfileOnly: boolean;
}

export interface NpmPlannerOptions {
  /** The app's own npmrc text (FRESHEN_NPMRC), merged over each repository's .npmrc. */
  appNpmrc?: string;
  /** What `${NAME}` in an npmrc may resolve to. */
  vars?: Record<string, string | undefined>;
  insecureRegistries?: readonly string[];
  /** For tests: build the datasource for an npmrc text yourself. */
  datasourceFor?: (repoNpmrc: string | undefined) => NpmDatasource;
  /** Lookups through a shared cache (the app); by default straight to the registry. */
  shared?: (direct: NpmDatasource) => NpmDatasource;
}

function updateTypeOf(from: string, to: string): UpdateType {
  const diff = semverLib.diff(from, to);
  if (diff === 'major' || diff === 'premajor') return 'major';
  if (diff === 'minor' || diff === 'preminor') return 'minor';
  return 'patch';
}

/** Versions newer than `current`, neither deprecated nor (unless current is one) prereleases, newest first. */
export function candidateVersions(pkg: NpmPackage, current: string): NpmVersion[] {
  const allowPrerelease = semverLib.prerelease(current) !== null;
  return pkg.versions
    .filter((v) => semverLib.valid(v.version) && !v.deprecated && (allowPrerelease || semverLib.prerelease(v.version) === null))
    .filter((v) => semverLib.gt(v.version, current))
    .sort((a, b) => semverLib.rcompare(a.version, b.version));
}

interface DepPlan {
  dep: Dependency;
  depIndex: number;
  project: NpmProject;
  key: string;
  range: string;
  current: string;
  locked: boolean;
}

function proposal(plan: DepPlan, pkg: NpmPackage, target: NpmVersion): PlannedUpdate | string | null {
  const inRange = semverLib.satisfies(target.version, plan.range);
  if (inRange && !plan.locked) return null;
  const newValue = inRange ? plan.range : bumpRange(plan.range, target.version);
  if (newValue === null) return `the range "${plan.range}" cannot be rewritten to allow ${target.version}`;
  const facts: PackageUpdateFacts = { datasource: 'npm', name: pkg.name, fromVersion: plan.current, toVersion: target.version, ...(pkg.sourceUrl ? { sourceUrl: pkg.sourceUrl } : {}) };
  const npm: NpmUpdateFacts = { project: plan.project, packageName: pkg.name, key: plan.key, newVersion: target.version, lockfileOnly: inRange };
  return {
    manager: 'npm',
    file: plan.dep.file,
    line: plan.dep.line,
    depName: plan.dep.depName,
    depIndex: plan.depIndex,
    from: plan.locked ? plan.current : plan.range,
    to: inRange ? target.version : newValue,
    updateType: updateTypeOf(plan.current, target.version),
    newValue,
    newDigest: null,
    extra: { npm, package: facts, ...(target.publishedAt ? { releaseTimestamp: target.publishedAt } : {}) },
  };
}

/** The newest same-major version and, separately, the newest major. */
function targetsOf(pkg: NpmPackage, current: string): NpmVersion[] {
  const candidates = candidateVersions(pkg, current);
  const major = semverLib.major(current);
  const sameMajor = candidates.find((v) => semverLib.major(v.version) === major);
  const newest = candidates[0];
  return [sameMajor, newest && semverLib.major(newest.version) > major ? newest : undefined].filter((v): v is NpmVersion => !!v);
}

export function npmPlanner(options: NpmPlannerOptions = {}): Planner {
  return {
    name: 'npm',
    async plan(state: PlanState, ctx) {
      const locks = new NpmLocks(state.texts);
      const sources = new Map<string, NpmDatasource>();
      const packages = new Map<string, Promise<NpmPackage>>();
      const limit = pLimit(8);
      // A refused .npmrc is reported once, at its line; the dependencies it governs are not looked up.
      const refusedNpmrcs = new Set<string>();
      const datasourceFor = (npmrcPath: string | undefined): NpmDatasource => {
        const text = npmrcPath ? state.texts.get(npmrcPath) : undefined;
        const key = `${npmrcPath ?? ''}\0${text ?? ''}`;
        let source = sources.get(key);
        if (!source) {
          const direct = options.datasourceFor?.(text) ??
            createNpmDatasource({ repoNpmrc: text, ...(npmrcPath ? { repoNpmrcPath: npmrcPath } : {}), appNpmrc: options.appNpmrc, vars: options.vars, insecureRegistries: options.insecureRegistries, log: ctx.log });
          source = options.shared ? options.shared(direct) : direct;
          sources.set(key, source);
        }
        return source;
      };
      const refusal = (npmrcPath: string | undefined): NpmrcError | undefined => {
        try {
          datasourceFor(npmrcPath);
          return undefined;
        } catch (err) {
          if (!(err instanceof NpmrcError)) throw err;
          if (!refusedNpmrcs.has(err.file)) state.errors.push(err.located);
          refusedNpmrcs.add(err.file);
          return err;
        }
      };
      const lookup = (npmrcPath: string | undefined, name: string) => {
        const cacheKey = `${npmrcPath ?? ''}\0${name}`;
        let found = packages.get(cacheKey);
        if (!found) {
          found = limit(() => datasourceFor(npmrcPath).getPackage(name));
          packages.set(cacheKey, found);
        }
        return found;
      };

      const jobs = indexedDeps(state, 'npm')
        .filter(({ dep }) => !dep.skipReason && dep.currentValue !== null && !isIgnored(dep, state.options.ignore ?? []))
        .map(async ({ dep, depIndex }) => {
          try {
            const plan = planOf(dep, depIndex, locks);
            if (!plan || refusal(plan.project.npmrc)) return;
            const pkg = await lookup(plan.project.npmrc, dep.depName);
            for (const target of targetsOf(pkg, plan.current)) {
              const result = proposal(plan, pkg, target);
              if (typeof result === 'string') state.errors.push({ file: dep.file, line: dep.line, depName: dep.depName, message: result });
              else if (result) state.updates.push(result);
            }
          } catch (err) {
            state.errors.push({ file: dep.file, line: dep.line, depName: dep.depName, message: errorMessage(err) });
          }
        });
      await Promise.all(jobs);
    },
  };
}

function planOf(dep: Dependency, depIndex: number, locks: NpmLocks): DepPlan | null {
  const extra = dep.extra as unknown as NpmDependencyExtra;
  const range = dep.currentValue!;
  const project = locks.projectOf(dep.file);
  const lockedVersion = locks.lockedVersion(project, dep.file, extra.key);
  const current = lockedVersion ?? semverLib.minVersion(range)?.version;
  if (!current) return null;
  return { dep, depIndex, project, key: extra.key, range, current, locked: lockedVersion !== undefined };
}
