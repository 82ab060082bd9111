// scan(): extract -> planners in order (images first) -> sorted plan. The CLI and the app both call this.
import { minimatch } from 'minimatch';
import { RateLimitError } from '../http/index.js';
import type { Dependency, LocatedError, UpdateType } from '../types.js';
import { errorMessage, extractAll, shownError } from './extract.js';
import { IMAGES_PLANNER, imagesPlanner } from './planners/images.js';
import type { FileSource, Planner, PlanState, ScanContext, ScanOptions, ScanResult } from './types.js';

const UPDATE_ORDER: UpdateType[] = ['pin', 'digest', 'patch', 'minor', 'major'];

export function isIgnored(dep: Dependency, ignore: readonly string[]): boolean {
  return ignore.some(
    (pattern) =>
      minimatch(dep.depName, pattern) ||
      minimatch(dep.file, pattern, { dot: true }) ||
      // Short names as people write them: `node` or `node:*` for docker.io/library/node.
      minimatch(dep.depName.replace(/^docker\.io\/(library\/)?/, ''), pattern),
  );
}

/** The scan's planners, the image planner first: a context built without one (tests, older callers) still gets image updates. */
function plannersOf(ctx: ScanContext): Planner[] {
  const planners = ctx.planners ?? [];
  return planners.some((p) => p.name === IMAGES_PLANNER) ? planners : [imagesPlanner(), ...planners];
}

export async function scan(source: FileSource, ctx: ScanContext, options: ScanOptions = {}): Promise<ScanResult> {
  const extracted = await extractAll(source);
  const errors: LocatedError[] = [...extracted.errors];
  const texts = new Map(extracted.files.map((f) => [f.file, f.text]));
  const state: PlanState = { dependencies: extracted.dependencies, texts, updates: [], held: [], errors, options, source };
  for (const planner of plannersOf(ctx)) {
    try {
      await planner.plan(state, ctx);
    } catch (err) {
      // The job runner waits for the limit to reset and scans again rather than proposing half a plan.
      if (err instanceof RateLimitError && options.throwOnRateLimit) throw err;
      ctx.log.error({ planner: planner.name, err: errorMessage(err) }, 'planner failed');
      errors.push({ file: '(scan)', message: `${planner.name}: ${errorMessage(err)}` });
    }
  }
  state.updates.sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.depIndex - b.depIndex ||
      UPDATE_ORDER.indexOf(a.updateType) - UPDATE_ORDER.indexOf(b.updateType),
  );
  // Errors without a line (a file-wide cap, "… and N more errors") come after the located ones.
  errors.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? Infinity) - (b.line ?? Infinity) || 0);
  return { dependencies: extracted.dependencies, updates: state.updates, held: state.held, errors: errors.map(shownError) };
}
