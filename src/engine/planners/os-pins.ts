// The OS package pin planner: pins looked up in their base image's own sources, broken pins flagged, base + pins bumped together.
import type { OsInfoCache } from '../../image/os-info.js';
import { readImageOs, type ImageOs, type RegistryBlobs } from '../../image/registry-os.js';
import type { OsPackageExtra } from '../../managers/os-packages/index.js';
import { dataOf, type Datasource, type Dependency } from '../../types.js';
import { isIgnored } from '../scan.js';
import type { PlannedUpdate, Planner, PlanState } from '../types.js';
import { osPackageDatasources, resolvePin, type OsPackageDatasources, type Resolution } from './os-pins-resolve.js';

export { packageIndexes } from '../../datasources/index.js';

export const OS_PINS_PLANNER = 'os-pins';
export const DEFAULT_PLATFORM = 'linux/amd64';
const PIN_MANAGER = 'os-packages';

export interface OsPinsPlannerOptions {
  /** Manifests and layer blobs (the OCI client). */
  registry: RegistryBlobs;
  /**
   * The registry's datasources: versions are read through `debian` and `alpine`, whose package
   * indexes are shared between scans so their validators (ETag, Release date) save downloads.
   */
  datasources: ReadonlyMap<string, Datasource>;
  /** URL prefix as the image writes it → prefix to use instead (config `osMirrors`). */
  osMirrors?: Record<string, string>;
  /** Platform read when a stage has no `--platform` (default linux/amd64). */
  platform?: string;
  osInfoCache?: OsInfoCache;
}

/** `from=to,from2=to2` (FRESHEN_OS_MIRRORS) → the osMirrors mapping; both sides must be http(s) URLs. */
export function parseOsMirrors(text: string): Record<string, string> {
  const mirrors: Record<string, string> = {};
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const [from, to] = eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
    if (!/^https?:\/\/\S+$/.test(from) || !/^https?:\/\/\S+$/.test(to)) {
      throw new Error(`FRESHEN_OS_MIRRORS: "${entry}" is not from=to with two http(s) URLs`);
    }
    mirrors[from] = to;
  }
  return mirrors;
}

/** The base image update a pin update is tied to: it must land in the same commit (and PR group). */
export type AtomicWith = Pick<PlannedUpdate, 'manager' | 'file' | 'line' | 'depIndex' | 'depName' | 'from' | 'to' | 'updateType'>;

interface StagePins {
  file: string;
  baseStage: number | null;
  pins: Dependency[];
}

export function createOsPinsPlanner(options: OsPinsPlannerOptions): Planner {
  return {
    name: OS_PINS_PLANNER,
    async plan(state) {
      await new OsPinsRun(state, options).run();
    },
  };
}

const extraOf = (dep: Dependency): OsPackageExtra => dataOf(dep, PIN_MANAGER)!;
const depIndexOf = (dep: Dependency): number => (dep.location as { index: number }).index;
const pinText = (dep: Dependency, version: string): string =>
  (dep.reference ?? `${dep.depName}=${dep.currentValue}`).replace(/[=~][^=~]*$/, (m) => m[0] + version);

class OsPinsRun {
  private readonly images = new Map<string, Promise<ImageOs>>();
  private readonly sources: OsPackageDatasources;

  constructor(
    private readonly state: PlanState,
    private readonly options: OsPinsPlannerOptions,
  ) {
    this.sources = osPackageDatasources(options.datasources);
  }

  async run(): Promise<void> {
    const ignore = this.state.options.ignore ?? [];
    const pins = this.state.dependencies.filter((d) => d.manager === PIN_MANAGER && !d.skipReason && d.location && !isIgnored(d, ignore));
    const groups = new Map<string, StagePins>();
    for (const pin of pins) {
      const baseStage = extraOf(pin).baseStage;
      const key = `${pin.file}\0${baseStage}`;
      const group = groups.get(key) ?? { file: pin.file, baseStage, pins: [] };
      group.pins.push(pin);
      groups.set(key, group);
    }
    await Promise.all([...groups.values()].map((g) => this.planStage(g)));
  }

  private fail(pin: Dependency, message: string): void {
    this.state.errors.push({ file: pin.file, line: pin.line, depName: pin.depName, message });
  }

  private imageOs(depName: string, ref: string, platform: string): Promise<ImageOs> {
    const key = `${depName}@${ref} ${platform}`;
    let found = this.images.get(key);
    if (!found) {
      const opts = { ...(this.options.osMirrors ? { osMirrors: this.options.osMirrors } : {}), ...(this.options.osInfoCache ? { cache: this.options.osInfoCache } : {}) };
      found = readImageOs(this.options.registry, { depName, ref, platform }, opts);
      this.images.set(key, found);
    }
    return found;
  }

  /** The Dockerfile dependency of the stage's FROM, and its index in that manager's output. */
  private baseOf(group: StagePins): { dep: Dependency; depIndex: number } | undefined {
    if (group.baseStage === null) return undefined;
    const images = this.state.dependencies.filter((d) => d.file === group.file && d.manager === 'dockerfile');
    const depIndex = images.findIndex((d) => dataOf(d, 'dockerfile')?.kind === 'from' && dataOf(d, 'dockerfile')?.stage === group.baseStage);
    return depIndex < 0 ? undefined : { dep: images[depIndex]!, depIndex };
  }

  private async planStage(group: StagePins): Promise<void> {
    const base = this.baseOf(group);
    if (!base || base.dep.skipReason) {
      const why = base?.dep.skipReason ? `its base image is unknown (${base.dep.skipReason})` : 'its stage has no base image (scratch or no FROM)';
      for (const pin of group.pins) this.fail(pin, `${pin.depName}: cannot look the pin up: ${why}`);
      return;
    }
    const platform = platformOf(extraOf(group.pins[0]!), this.options.platform);
    const ref = base.dep.currentDigest ?? base.dep.currentValue ?? 'latest';
    let current: ImageOs;
    try {
      current = await this.imageOs(base.dep.depName, ref, platform);
    } catch (err) {
      for (const pin of group.pins) this.fail(pin, `${pin.depName}: cannot read the OS of ${base.dep.reference ?? base.dep.depName}: ${messageOf(err)}`);
      return;
    }
    const results = await Promise.all(group.pins.map((pin) => resolvePin(this.sources, pin, current)));
    group.pins.forEach((pin, i) => this.proposePin(pin, results[i]!, current));
    const reported = new Set(group.pins.filter((_, i) => results[i]!.kind === 'error'));
    const baseUpdates = this.state.updates.filter((u) => u.manager === 'dockerfile' && u.file === group.file && u.depIndex === base.depIndex);
    for (const update of baseUpdates) await this.tieToBase(update, base.dep, group.pins, current, platform, reported);
  }

  private proposePin(pin: Dependency, result: Resolution, os: ImageOs): void {
    if (result.kind === 'error') return this.fail(pin, result.message);
    if (result.kind === 'missing') return this.fail(pin, `broken pin: ${pin.depName} has no version at all in the package sources of ${os.label}; the next build fails`);
    if (result.target === pin.currentValue) return;
    const notes = result.present
      ? []
      : [`broken pin: ${pin.reference} is no longer in the package sources of ${os.label}; the next build fails until it moves to ${result.target}`];
    this.state.updates.push(this.pinUpdate(pin, result, os, notes));
  }

  private pinUpdate(pin: Dependency, result: Extract<Resolution, { kind: 'found' }>, os: ImageOs, notes: string[]): PlannedUpdate {
    const extra: NonNullable<PlannedUpdate['extra']> = { osRelease: os.label, tool: extraOf(pin).tool };
    if (result.changelogUrl) extra.changelogUrl = result.changelogUrl;
    if (!result.present) extra.brokenPin = true;
    return {
      manager: PIN_MANAGER,
      file: pin.file,
      line: pin.line,
      depName: pin.depName,
      from: pin.reference ?? pin.depName,
      to: pinText(pin, result.target),
      updateType: 'patch',
      newValue: result.target,
      newDigest: null,
      depIndex: depIndexOf(pin),
      ...(notes.length ? { notes } : {}),
      extra,
    };
  }

  /**
   * When a base image update changes the OS release or its sources, every pin of the stage is
   * looked up again in the new image, and those updates ride with the base update. A pin with no
   * version there holds the base update back.
   */
  private async tieToBase(
    update: PlannedUpdate,
    baseDep: Dependency,
    pins: Dependency[],
    current: ImageOs,
    platform: string,
    reported: Set<Dependency>,
  ): Promise<void> {
    let next: ImageOs;
    try {
      next = await this.imageOs(baseDep.depName, update.newDigest ?? update.newValue ?? 'latest', platform);
    } catch (err) {
      return this.hold(update, `the pinned packages of this stage cannot be checked against ${update.to}: ${messageOf(err)}`);
    }
    if (next.releaseKey === current.releaseKey) return;
    const results = await Promise.all(pins.map((pin) => resolvePin(this.sources, pin, next)));
    const failed = pins.filter((_, k) => results[k]!.kind === 'error');
    // One located error per pin is enough: a mirror that is down is down for both releases.
    results.forEach((result, k) => {
      if (result.kind === 'error' && !reported.has(pins[k]!)) this.fail(pins[k]!, result.message);
    });
    if (failed.length > 0) {
      return this.hold(update, `the pinned packages ${names(failed)} could not be looked up in ${next.label}, so the move from ${current.label} waits`);
    }
    const missing = pins.filter((_, k) => results[k]!.kind === 'missing');
    if (missing.length > 0) {
      const verb = missing.length === 1 ? 'has' : 'have';
      return this.hold(update, `blocked by pinned package${missing.length === 1 ? '' : 's'} ${names(missing)}: no version in ${next.label} ${verb} been found, so ${update.to} (from ${current.label}) waits`);
    }
    const atomicWith: AtomicWith = {
      manager: update.manager, file: update.file, line: update.line, depIndex: update.depIndex,
      depName: update.depName, from: update.from, to: update.to, updateType: update.updateType,
    };
    const tied: PlannedUpdate[] = [];
    pins.forEach((pin, k) => {
      const result = results[k] as Extract<Resolution, { kind: 'found' }>;
      if (result.target === pin.currentValue) return;
      const note = `moves with the base image to ${next.label} (${update.to})`;
      const planned = this.pinUpdate(pin, { ...result, present: true }, next, [note]);
      planned.extra = { ...planned.extra, atomicWith };
      tied.push(planned);
    });
    // A non-major base update shares its PR with the plain pin updates; the tied ones replace them.
    if (update.updateType !== 'major') this.dropPlainUpdates(tied);
    this.state.updates.push(...tied);
    update.notes = [
      ...(update.notes ?? []),
      `OS release changes from ${current.label} to ${next.label}: ${tied.length} pinned package${tied.length === 1 ? '' : 's'} re-resolved in the same update`,
    ];
    update.extra = { ...update.extra, osRelease: { from: current.label, to: next.label }, osPins: tied.map((t) => ({ file: t.file, line: t.line, from: t.from, to: t.to })) };
  }

  private dropPlainUpdates(tied: PlannedUpdate[]): void {
    const replaced = (u: PlannedUpdate) =>
      u.manager === PIN_MANAGER && !u.extra?.atomicWith && tied.some((t) => t.file === u.file && t.depIndex === u.depIndex);
    const kept = this.state.updates.filter((u) => !replaced(u));
    this.state.updates.splice(0, this.state.updates.length, ...kept);
  }

  private hold(update: PlannedUpdate, reason: string): void {
    const at = this.state.updates.indexOf(update);
    if (at < 0) return;
    this.state.updates.splice(at, 1);
    update.notes = [...(update.notes ?? []), `held back: ${reason}`];
    this.state.held.push({ update, kind: 'blocked', reason });
  }
}

const names = (pins: Dependency[]): string => pins.map((p) => p.depName).join(', ');
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The stage's `--platform` when it is a plain value, else the configured default. */
function platformOf(extra: OsPackageExtra, fallback = DEFAULT_PLATFORM): string {
  const written = extra.platform;
  return written && /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(written) ? written : fallback;
}
