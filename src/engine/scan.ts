// scan(): extract -> look up -> decide, returning the plan. The CLI and the app both call this.
import { minimatch } from 'minimatch';
import { RateLimitError } from '../http/index.js';
import type { Dependency, LocatedError, UpdateType } from '../types.js';
import { decideImageUpdates, ScanLookups } from './decide.js';
import { errorMessage, extractAll, shownError } from './extract.js';
import type { FileSource, PlannedUpdate, PlanState, ScanContext, ScanOptions, ScanResult } from './types.js';

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

export async function scan(source: FileSource, ctx: ScanContext, options: ScanOptions = {}): Promise<ScanResult> {
  const extracted = await extractAll(source);
  const errors: LocatedError[] = [...extracted.errors];
  const updates: PlannedUpdate[] = [];
  const lookups = new ScanLookups(ctx.images);
  const ignore = options.ignore ?? [];

  const jobs: Promise<void>[] = [];
  let rateLimited: RateLimitError | undefined;
  for (const file of extracted.files) {
    for (const [manager, deps] of file.depsByManager) {
      deps.forEach((dep, depIndex) => {
        if (dep.skipReason || dep.datasource !== 'docker' || isIgnored(dep, ignore)) return;
        const process = options.processFor?.(dep) ?? 'pinned';
        jobs.push(
          decideImageUpdates(dep, lookups, { process, pinDigests: options.pinDigests ?? true }).then(
            (proposals) => {
              for (const p of proposals) {
                updates.push({ manager, file: dep.file, line: dep.line, depName: dep.depName, depIndex, ...p });
              }
            },
            (err: unknown) => {
              if (err instanceof RateLimitError && options.throwOnRateLimit) rateLimited ??= err;
              ctx.log.warn({ depName: dep.depName, file: dep.file, err: errorMessage(err) }, 'lookup failed');
              errors.push({ file: dep.file, line: dep.line, depName: dep.depName, message: errorMessage(err) });
            },
          ),
        );
      });
    }
  }
  await Promise.all(jobs);
  // The job runner waits for the limit to reset and scans again rather than proposing half a plan.
  if (rateLimited) throw rateLimited;

  const texts = new Map(extracted.files.map((f) => [f.file, f.text]));
  const state: PlanState = { dependencies: extracted.dependencies, texts, updates, held: [], errors, options, source };
  for (const planner of ctx.planners ?? []) {
    try {
      await planner.plan(state, ctx);
    } catch (err) {
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
