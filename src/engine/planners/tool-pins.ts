// The tool pin planner: newer versions of tools a Dockerfile downloads, with every checksum that guards them, or held with why.
import type { GitHubRelease, GitHubReleaseSource } from '../../datasources/github-releases/index.js';
import { decodeDigest, encodeDigest, SAFE_TOOL_VERSION, VERSION_MARK, type DigestPart, type ToolExtra, type ToolSource } from '../../managers/dockerfile-tools/index.js';
import { dataOf, type Dependency, type UpdateType, type Versioning } from '../../types.js';
import { getVersioning, loose, pep440, semver } from '../../versioning/index.js';
import { errorMessage } from '../extract.js';
import { isIgnored } from '../scan.js';
import type { PackageUpdateFacts } from '../language/shared.js';
import type { PlannedUpdate, Planner, PlanState, ScanContext } from '../types.js';
import { ChecksumFinder, type ChecksumOptions, type FoundChecksum } from './tool-checksums.js';

export const TOOL_PINS_PLANNER = 'tool-pins';
/** Tools a Dockerfile downloads, and packages its RUNs install with a pinned version: both move the same way. */
const TOOL_MANAGERS = new Set(['dockerfile-tools', 'run-installs']);

declare module '../types.js' {
  interface UpdateFacts {
    /** What moves: `apt`/`apk` for an OS package pin, the ARG/ENV (or package) name for a tool pin. */
    tool: string;
    /** Where a tool's versions come from: its datasource's name. */
    source: string;
    /** The GitHub release of the new version. */
    releaseUrl: string;
  }
}

export interface ToolPinsPlannerOptions extends ChecksumOptions {
  github: GitHubReleaseSource;
  /** Version lists of npm and PyPI packages; without one, such tools get a located error. */
  npmVersions?: (name: string) => Promise<string[] | VersionList>;
  pypiVersions?: (name: string) => Promise<string[] | VersionList>;
}

/** A package's versions Freshen may propose, and the repository its release notes come from. */
export interface VersionList {
  versions: string[];
  sourceUrl?: string;
}


/** What a source offers: its versions, and where their release notes are. */
interface Lookup {
  candidates: Candidate[];
  sourceUrl?: string;
}

/** A version a source offers: what the ARG would say, and the GitHub release it comes from. */
interface Candidate {
  value: string;
  release: GitHubRelease | null;
}

export function createToolPinsPlanner(options: ToolPinsPlannerOptions): Planner {
  return {
    name: TOOL_PINS_PLANNER,
    async plan(state, ctx) {
      await new ToolPinsRun(state, ctx, options).run();
    },
  };
}

/** A run-installs pin has no checksums and may have no variable; it says its install argument (`pin`) instead. */
type PinExtra = Omit<ToolExtra, 'variable' | 'kind'> & { variable?: string; pin?: string };
const extraOf = (dep: Dependency): PinExtra => dataOf(dep, 'dockerfile-tools', 'run-installs')!;

/** How the pin reads at a version: `GOSU_VERSION=1.17`, `requests=={version}` → `requests==2.32.0`. */
function pinText(extra: PinExtra, version: string): string {
  return extra.pin ? extra.pin.split(VERSION_MARK).join(version) : `${extra.variable}=${version}`;
}

class ToolPinsRun {
  private readonly lookups = new Map<string, Promise<Lookup>>();
  private readonly checksums: ChecksumFinder;

  constructor(
    private readonly state: PlanState,
    private readonly ctx: ScanContext,
    private readonly options: ToolPinsPlannerOptions,
  ) {
    this.checksums = new ChecksumFinder(options);
  }

  async run(): Promise<void> {
    const ignore = this.state.options.ignore ?? [];
    const tools = this.state.dependencies.filter((d) => TOOL_MANAGERS.has(d.manager) && !d.skipReason && d.location && !isIgnored(d, ignore));
    await Promise.all(tools.map((dep) => this.planTool(dep)));
  }

  private async planTool(dep: Dependency): Promise<void> {
    const source = extraOf(dep).source!;
    const versioning = versioningOf(source);
    const current = dep.currentValue!;
    const fail = (message: string) => this.state.errors.push({ file: dep.file, line: dep.line, depName: dep.depName, message });
    let lookup: Lookup;
    try {
      lookup = await this.candidates(source);
    } catch (err) {
      return void fail(`${dep.depName}: cannot list versions (${source.datasource}): ${errorMessage(err)}`);
    }
    const comparable = comparableValue(current, source);
    if (!versioning.isValid(comparable)) return void fail(`${dep.depName}: ${current} is not a ${versioning.name} version; Freshen cannot tell which versions are newer`);
    const newer = lookup.candidates
      .filter((c) => SAFE_TOOL_VERSION.test(c.value) && isStable(versioning, comparableValue(c.value, source)))
      .filter((c) => versioning.compare(comparableValue(c.value, source), comparable) > 0)
      .sort((a, b) => versioning.compare(comparableValue(b.value, source), comparableValue(a.value, source)));
    const target = newer[0];
    if (!target) return;
    const update = this.proposal(dep, target, updateTypeOf(versioning, comparable, comparableValue(target.value, source)));
    const facts = releaseNotesFacts(source, current, target.value, lookup.sourceUrl);
    if (facts) update.extra = { ...update.extra, package: facts };
    const found = await this.newChecksums(dep, target);
    if ('problem' in found) {
      const reason = `the checksum ${found.problem}; ${extraOf(dep).variable ?? dep.depName} stays at ${current} until every checksum of ${target.value} can be had`;
      this.state.held.push({ update: { ...update, notes: [...(update.notes ?? []), `held back: ${reason}`] }, kind: 'blocked', reason });
      return;
    }
    update.newDigest = encodeDigest(found.parts);
    if (found.vias.length > 0) update.notes = [...(update.notes ?? []), `checksums move with the version: ${found.vias.join('; ')}`];
    this.state.updates.push(update);
  }

  private proposal(dep: Dependency, target: Candidate, updateType: UpdateType): PlannedUpdate {
    const extra = extraOf(dep);
    const notes: string[] = [];
    if (extra.signatureVerified) notes.push('the download is also signature-checked (gpg --verify) when the image builds; nothing to update for that');
    return {
      manager: dep.manager,
      file: dep.file,
      line: dep.line,
      depName: dep.depName,
      from: pinText(extra, dep.currentValue!),
      to: pinText(extra, target.value),
      updateType,
      newValue: target.value,
      newDigest: dep.currentDigest,
      depIndex: this.depIndex(dep),
      ...(notes.length ? { notes } : {}),
      extra: { tool: extra.variable ?? dep.depName, source: extra.source?.datasource, ...(target.release?.url ? { releaseUrl: target.release.url } : {}) },
    };
  }

  private depIndex(dep: Dependency): number {
    return this.state.dependencies.filter((d) => d.file === dep.file && d.manager === dep.manager).indexOf(dep);
  }

  /** Every checksum of the tool for the new version, in digest order; or the first that cannot be had. */
  private async newChecksums(dep: Dependency, target: Candidate): Promise<{ parts: DigestPart[]; vias: string[] } | { problem: string }> {
    const extra = extraOf(dep);
    const current = dep.currentDigest === null ? [] : decodeDigest(dep.currentDigest) ?? [];
    const results = await Promise.all(
      extra.checksums.map(async (checksum): Promise<FoundChecksum | { problem: string }> => {
        const what = `${checksum.label ? `${checksum.label} ` : ''}(line ${checksum.line})`;
        if (!checksum.url) return { problem: `${what} cannot be worked out: ${checksum.problem}` };
        const url = checksum.url.split(VERSION_MARK).join(target.value);
        try {
          return await this.checksums.find(url, checksum.algorithm, releaseServing(url, extra.source!, target.release));
        } catch (err) {
          return { problem: `${what} of ${target.value} cannot be had: ${errorMessage(err)}` };
        }
      }),
    );
    const failed = results.find((r) => 'problem' in r);
    if (failed) return failed as { problem: string };
    const found = results as FoundChecksum[];
    return {
      parts: current.map((part, i) => ({ ...part, hex: found[i]!.hex })),
      vias: found.map((f, i) => `${extra.checksums[i]!.label ?? extra.checksums[i]!.algorithm} from ${f.via}`),
    };
  }

  private candidates(source: ToolSource): Promise<Lookup> {
    const key = `${source.datasource}\0${source.depName}\0${source.extractVersion ?? ''}\0${source.tagPrefix ?? ''}\0${source.tagSuffix ?? ''}`;
    let found = this.lookups.get(key);
    if (!found) {
      found = this.lookUp(source);
      this.lookups.set(key, found);
    }
    return found;
  }

  private async lookUp(source: ToolSource): Promise<Lookup> {
    const [owner, repo] = source.depName.split('/') as [string, string];
    switch (source.datasource) {
      case 'github-releases': {
        const releases = (await this.options.github.listReleases(owner, repo)).filter((r) => !r.draft && !r.prerelease);
        return { candidates: releases.flatMap((release) => valueOfTag(release.tag, source).map((value) => ({ value, release }))) };
      }
      case 'github-tags':
        return { candidates: (await this.options.github.listTags(owner, repo)).flatMap((tag) => valueOfTag(tag, source).map((value) => ({ value, release: null }))) };
      case 'npm':
        return plain(await required(this.options.npmVersions, 'npm')(source.depName));
      case 'pypi':
        return plain(await required(this.options.pypiVersions, 'PyPI')(source.depName));
      case 'docker':
        return plain((await this.ctx.images.getTags(source.depName)).flatMap((tag) => valueOfTag(tag, source)));
    }
  }
}

function plain(found: string[] | VersionList): Lookup {
  const list = Array.isArray(found) ? { versions: found } : found;
  return { candidates: list.versions.map((value) => ({ value, release: null })), ...(list.sourceUrl ? { sourceUrl: list.sourceUrl } : {}) };
}

/**
 * What the release-notes planner needs: a GitHub tool's repository is its depName; an npm or PyPI
 * tool's is what its registry says. Versions without the tag's `v`, as release tags are read.
 */
function releaseNotesFacts(source: ToolSource, from: string, to: string, sourceUrl: string | undefined): PackageUpdateFacts | null {
  const bare = (v: string) => v.replace(/^v(?=\d)/, '');
  const versions = { name: source.depName, fromVersion: bare(from), toVersion: bare(to), versioning: source.versioning };
  switch (source.datasource) {
    case 'github-releases':
    case 'github-tags':
      return { datasource: source.datasource, ...versions, sourceUrl: `https://github.com/${source.depName}` };
    case 'npm':
    case 'pypi':
      return { datasource: source.datasource, ...versions, ...(sourceUrl ? { sourceUrl } : {}) };
    case 'docker':
      return null;
  }
}

function required<T>(lookup: T | undefined, what: string): T {
  if (!lookup) throw new Error(`no ${what} lookup is configured here`);
  return lookup;
}

/** The value the ARG would hold for a tag: through extractVersion, the URL's tag prefix/suffix, or the tag itself. */
export function valueOfTag(tag: string, source: ToolSource): string[] {
  if (tag.length > 128) return [];
  if (source.extractVersion) {
    const version = new RegExp(source.extractVersion).exec(tag)?.groups?.version;
    return version ? [version] : [];
  }
  const prefix = source.tagPrefix ?? '';
  const suffix = source.tagSuffix ?? '';
  if (tag.length <= prefix.length + suffix.length || !tag.startsWith(prefix) || !tag.endsWith(suffix)) return [];
  return [tag.slice(prefix.length, tag.length - suffix.length)];
}

/** A GitHub release's assets serve the URL only when it is that release's download URL. */
function releaseServing(url: string, source: ToolSource, release: GitHubRelease | null): GitHubRelease | null {
  if (!release) return null;
  const prefix = `https://github.com/${source.depName}/releases/download/`.toLowerCase();
  return url.toLowerCase().startsWith(prefix) ? release : null;
}

function versioningOf(source: ToolSource): Versioning {
  return getVersioning(source.versioning);
}

/** Versions compare without a leading `v` (`v0.19.0` is 0.19.0) under semver. */
function comparableValue(value: string, source: ToolSource): string {
  return source.versioning === 'semver' ? value.replace(/^v(?=\d)/, '') : value;
}

function isStable(versioning: Versioning, value: string): boolean {
  return versioning.isValid(value) && versioning.isStable(value);
}

function updateTypeOf(versioning: Versioning, from: string, to: string): UpdateType {
  return versioning.isValid(from) && versioning.isValid(to) ? versioning.updateType(from, to) : 'minor';
}
