// pip planner: `==` pins → the newest stable, non-yanked release (PEP 440), with that release's file hashes.
import pLimit from 'p-limit';
import type { PypiDatasource, PypiProject, PypiRelease } from '../../datasources/pypi/index.js';
import { joinHashes, parseRequirementsFile, pipManager, type PipDependencyExtra } from '../../managers/pip/index.js';
import { resolveInclude } from '../../managers/pip/includes.js';
import type { Dependency, UpdateType } from '../../types.js';
import * as pep440 from '../../versioning/pep440/index.js';
import { errorMessage } from '../extract.js';
import { isIgnored } from '../scan.js';
import type { PlannedUpdate, Planner, PlanState } from '../types.js';
import { indexedDeps, type PackageUpdateFacts } from '../language/shared.js';

export interface PipPlannerOptions {
  pypi: PypiDatasource;
  /**
   * The app's index (PIP_INDEX_URL); files' own `--index-url` wins. A `user:password@` in it also
   * serves the files' index URLs on its own origin (as pip does), never any other host.
   */
  indexUrl?: string;
}

/** The index URL with the app's `user:password@` when it is on the app index's origin and names none of its own. */
export function withAppCredentials(indexUrl: string, appIndexUrl: string | undefined): string {
  if (!appIndexUrl) return indexUrl;
  try {
    const [url, app] = [new URL(indexUrl), new URL(appIndexUrl)];
    if (url.username !== '' || url.password !== '' || (app.username === '' && app.password === '')) return indexUrl;
    if (url.origin !== app.origin) return indexUrl;
    url.username = app.username;
    url.password = app.password;
    return url.href;
  } catch {
    return indexUrl;
  }
}

/** Release segment numbers of a PEP 440 version (`1!2.3.post1` → [2, 3]). */
function releaseParts(version: string): number[] {
  const match = /^(?:\d+!)?(\d+(?:\.\d+)*)/.exec(version.trim().replace(/^v/i, ''));
  return match ? match[1]!.split('.').map(Number) : [];
}

function updateTypeOf(from: string, to: string): UpdateType {
  const [a, b] = [releaseParts(from), releaseParts(to)];
  if ((a[0] ?? 0) !== (b[0] ?? 0)) return 'major';
  if ((a[1] ?? 0) !== (b[1] ?? 0)) return 'minor';
  return 'patch';
}

/** Newer releases with files, not yanked, stable unless the current pin is a pre-release; newest first. */
export function candidateReleases(project: PypiProject, current: string): PypiRelease[] {
  const allowPre = !pep440.isStable(current);
  return project.releases
    .filter((r) => pep440.isValid(r.version) && !r.yanked && r.files.length > 0 && (allowPre || pep440.isStable(r.version)))
    .filter((r) => pep440.compare(r.version, current) > 0)
    .sort((a, b) => pep440.compare(b.version, a.version));
}

/** Index URL per file: its own `--index-url`, else that of a file that includes it with -r/-c (through any depth). */
function indexUrls(state: PlanState): Map<string, string> {
  const own = new Map<string, string>();
  // Files named only by an include hold pip dependencies without matching pip's file names.
  const included = new Set(state.dependencies.filter((d) => d.manager === pipManager.name).map((d) => d.file));
  const pipFiles = [...state.texts.keys()].filter((f) => pipManager.matches(f) || included.has(f));
  const includes: [string, string][] = [];
  for (const file of pipFiles) {
    const parsed = parseRequirementsFile(state.texts.get(file) ?? '');
    if (parsed.indexUrl) own.set(file, parsed.indexUrl);
    for (const include of parsed.includes) {
      // extractAll followed every include it could and reported the others on their line.
      const target = resolveInclude(file, include.path);
      if ('path' in target && state.texts.has(target.path)) includes.push([file, target.path]);
    }
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [parent, child] of includes) {
      const url = own.get(parent);
      if (url && !own.has(child)) {
        own.set(child, url);
        changed = true;
      }
    }
  }
  return own;
}

/** One project from several indexes, as pip sees it with --extra-index-url: every release of each, files joined. */
export function mergeProjects(found: PypiProject[]): PypiProject {
  const [first, ...rest] = found;
  if (!first || rest.length === 0) return first!;
  const byVersion = new Map<string, PypiRelease>();
  for (const release of found.flatMap((p) => p.releases)) {
    const seen = byVersion.get(release.version);
    if (!seen) { byVersion.set(release.version, release); continue; }
    const names = new Set(seen.files.map((s) => s.filename));
    const files = [...seen.files, ...release.files.filter((f) => !names.has(f.filename))];
    const publishedAt = [seen.publishedAt, release.publishedAt].filter((t): t is string => !!t).sort()[0];
    byVersion.set(release.version, { version: release.version, yanked: seen.yanked && release.yanked, files: files.sort((a, b) => a.filename.localeCompare(b.filename)), ...(publishedAt ? { publishedAt } : {}) });
  }
  const sourceUrl = found.find((p) => p.sourceUrl)?.sourceUrl;
  return { name: first.name, releases: [...byVersion.values()], ...(sourceUrl ? { sourceUrl } : {}) };
}

/** Asks the main index and every extra index; an index without the project is skipped, all failing is an error. */
async function lookupAll(lookup: (index: string | undefined) => Promise<PypiProject>, main: string | undefined, extras: string[]): Promise<PypiProject> {
  if (extras.length === 0) return lookup(main);
  const settled = await Promise.allSettled([main, ...extras.filter((e) => e !== main)].map((index) => lookup(index)));
  const found = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (found.length === 0) throw (settled[0] as PromiseRejectedResult).reason;
  return mergeProjects(found);
}

function proposal(dep: Dependency, depIndex: number, project: PypiProject, release: PypiRelease): PlannedUpdate {
  const current = dep.currentValue!;
  const facts: PackageUpdateFacts = { datasource: 'pypi', name: dep.depName, fromVersion: current, toVersion: release.version, ...(project.sourceUrl ? { sourceUrl: project.sourceUrl } : {}) };
  // Hashes only where the pin had them, and then every file of the release (as pip-compile --generate-hashes).
  const newDigest = dep.currentDigest === null ? null : joinHashes(release.files.map((f) => f.hash));
  return {
    manager: 'pip',
    file: dep.file,
    line: dep.line,
    depName: dep.depName,
    depIndex,
    from: current,
    to: release.version,
    updateType: updateTypeOf(current, release.version),
    newValue: release.version,
    newDigest,
    extra: { package: facts, ...(release.publishedAt ? { releaseTimestamp: release.publishedAt } : {}) },
  };
}

export function pipPlanner(options: PipPlannerOptions): Planner {
  return {
    name: 'pip',
    async plan(state, ctx) {
      const urls = indexUrls(state);
      const limit = pLimit(8);
      const projects = new Map<string, Promise<PypiProject>>();
      const lookup = (name: string, index: string | undefined) => {
        const key = `${index ?? ''}\0${name}`;
        let found = projects.get(key);
        if (!found) projects.set(key, (found = limit(() => options.pypi.getProject(name, index))));
        return found;
      };
      const jobs = indexedDeps(state, 'pip')
        .filter(({ dep }) => !dep.skipReason && dep.currentValue !== null && !isIgnored(dep, state.options.ignore ?? []))
        .map(async ({ dep, depIndex }) => {
          try {
            if (!pep440.isValid(dep.currentValue!)) throw new Error(`"${dep.currentValue}" is not a PEP 440 version`);
            const extra = dep.extra as unknown as PipDependencyExtra;
            const main = extra.indexUrl ?? urls.get(dep.file) ?? options.indexUrl;
            const withApp = (url: string) => withAppCredentials(url, options.indexUrl);
            const project = await lookupAll((index) => lookup(dep.depName, index), main && withApp(main), (extra.extraIndexUrls ?? []).map(withApp));
            const candidates = candidateReleases(project, dep.currentValue!);
            const major = releaseParts(dep.currentValue!)[0];
            const sameMajor = candidates.find((r) => releaseParts(r.version)[0] === major);
            const newest = candidates[0];
            for (const release of [sameMajor, newest !== sameMajor ? newest : undefined]) {
              if (release) state.updates.push(proposal(dep, depIndex, project, release));
            }
          } catch (err) {
            ctx.log.debug({ depName: dep.depName, err: errorMessage(err) }, 'pypi lookup failed');
            state.errors.push({ file: dep.file, line: dep.line, depName: dep.depName, message: errorMessage(err) });
          }
        });
      await Promise.all(jobs);
    },
  };
}
