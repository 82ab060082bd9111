// Gathers what the ledger knows about a repository's rebuild images, as rows of the status issue.
import type { DispatchRecord, RebuildLedger } from './ledger.js';
import type { StatusImage } from './status-issue.js';
import type { FloatingBaseImage } from './types.js';

/** The newest dispatch that carried this image. `dispatches` is newest first. */
function lastDispatchOf(key: string, dispatches: readonly DispatchRecord[]): DispatchRecord | undefined {
  return dispatches.find((d) => key in d.images);
}

/**
 * One status row per floating base image. `currentDigests` (ledger key → digest) comes from the
 * latest check when the caller has it; otherwise the current digest is left unknown.
 */
export async function rebuildStatusImages(
  ledger: RebuildLedger,
  repoId: number,
  images: readonly FloatingBaseImage[],
  currentDigests: ReadonlyMap<string, string | null> = new Map(),
): Promise<{ images: StatusImage[]; problems: string[] }> {
  const [built, dispatches, error] = await Promise.all([
    ledger.built(repoId),
    ledger.dispatches(repoId),
    ledger.lastDispatchError(repoId),
  ]);
  const rows = images.map((image): StatusImage => {
    const last = lastDispatchOf(image.key, dispatches);
    const row: StatusImage = {
      reference: image.written[0] ?? image.key,
      process: 'rebuild',
      usedIn: image.usedIn,
      currentDigest: currentDigests.get(image.key) ?? null,
      builtDigest: built.get(image.key)?.digest ?? null,
      lastRebuild: last
        ? {
            at: last.at,
            result: last.result,
            ...(last.runUrl ? { url: last.runUrl } : {}),
            ...(last.conclusion ? { conclusion: last.conclusion } : {}),
          }
        : null,
    };
    if (last?.result === 'failure') row.problem = 'last build failed; the next run dispatches again';
    else if (built.get(image.key)?.baseline) row.problem = 'baseline recorded, not yet built by Freshen';
    return row;
  });
  const problems = error ? [`The last rebuild dispatch was refused at ${error.at}: ${error.message}`] : [];
  return { images: rows, problems };
}
