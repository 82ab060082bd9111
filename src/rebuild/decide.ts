// Decides which floating base images need a rebuild: current digest vs. the published image's label or the ledger.
import type { ImageLookup } from '../engine/types.js';
import { parseImageReference } from '../image/reference.js';
import type { BuiltRecord, DispatchRecord } from './ledger.js';
import { imageMatches } from './process.js';
import type { FloatingBaseImage } from './types.js';

/** What the published image says it was built from (`org.opencontainers.image.base.name` / `.digest`). */
export interface PublishedBase {
  name: string | null;
  digest: string;
}

/** Reads the base labels of the published image (`rebuild.image`); null when the image or label is absent. */
export type PublishedBaseReader = (image: string) => Promise<PublishedBase | null>;

export type CheckStatus = 'changed' | 'unchanged' | 'baseline' | 'forced' | 'in-flight' | 'skipped' | 'error';

export interface ImageCheck {
  image: FloatingBaseImage;
  currentDigest: string | null;
  /** What the last build used, per `source`. */
  previousDigest: string | null;
  source: 'label' | 'ledger' | 'none';
  status: CheckStatus;
  error?: string;
}

export interface CheckInput {
  images: readonly FloatingBaseImage[];
  lookup: ImageLookup;
  built: ReadonlyMap<string, BuiltRecord>;
  /** Dispatches not yet completed; an image already being built from its current digest is not dispatched again. */
  inFlight: readonly DispatchRecord[];
  /** Images to rebuild regardless of change (ledger keys), or all. */
  force: ReadonlySet<string> | 'all';
  /** Compare digests at all (false for a `/rebuild <image>` that only forces). */
  checkChanged: boolean;
  /** First sight of an image: record it, or dispatch a build. */
  baseline: 'record' | 'dispatch';
  published?: { image: string; read: PublishedBaseReader };
}

export interface RebuildPlan {
  checks: ImageCheck[];
  /** Images to put in the dispatch (changed, forced, or baseline with `dispatch`). */
  toDispatch: ImageCheck[];
  /** Images seen for the first time, to record without a build. */
  toRecord: ImageCheck[];
  /** Why the published image's label could not be used, if it could not. */
  publishedNote?: string;
}

/** Which floating images a `/rebuild <name>` means; names that match nothing come back as unknown. */
export function matchImages(names: readonly string[], images: readonly FloatingBaseImage[]): { keys: Set<string>; unknown: string[] } {
  const keys = new Set<string>();
  const unknown: string[] = [];
  for (const name of names) {
    const hits = images.filter((i) => i.key === name || i.written.some((w) => imageMatches(name, i.depName, i.tag, w)));
    if (hits.length === 0) unknown.push(name);
    for (const hit of hits) keys.add(hit.key);
  }
  return { keys, unknown };
}

function normalizedKey(reference: string): string | null {
  try {
    const ref = parseImageReference(reference);
    return ref.tag === null ? ref.name : `${ref.name}:${ref.tag}`;
  } catch {
    return null;
  }
}

/** Which image the published label speaks of: the one it names, or the only one there is. */
function labelTarget(label: PublishedBase, images: readonly FloatingBaseImage[]): string | null {
  if (label.name === null) return images.length === 1 ? images[0]!.key : null;
  const named = normalizedKey(label.name);
  const hit = images.find((i) => i.key === named || i.depName === named);
  return hit?.key ?? null;
}

async function readLabel(input: CheckInput): Promise<{ key: string | null; label: PublishedBase | null; note?: string }> {
  if (!input.published) return { key: null, label: null };
  try {
    const label = await input.published.read(input.published.image);
    if (label === null) return { key: null, label: null, note: `${input.published.image} has no org.opencontainers.image.base.digest label; using the ledger` };
    const key = labelTarget(label, input.images);
    if (key === null) return { key: null, label, note: `the base named by ${input.published.image} (${label.name ?? 'unnamed'}) is not a floating base image here; using the ledger` };
    return { key, label };
  } catch (err) {
    return { key: null, label: null, note: `could not read ${input.published.image}: ${(err as Error).message}; using the ledger` };
  }
}

function isInFlight(key: string, digest: string, inFlight: readonly DispatchRecord[]): boolean {
  return inFlight.some((d) => d.result === 'pending' && d.images[key] === digest);
}

function judge(input: CheckInput, image: FloatingBaseImage, current: string, previous: string | null): CheckStatus {
  const forced = input.force === 'all' || input.force.has(image.key);
  if (forced) return 'forced';
  if (!input.checkChanged) return 'skipped';
  if (previous === null) return input.baseline === 'dispatch' ? 'changed' : 'baseline';
  if (previous === current) return 'unchanged';
  return isInFlight(image.key, current, input.inFlight) ? 'in-flight' : 'changed';
}

export async function planRebuild(input: CheckInput): Promise<RebuildPlan> {
  const published = await readLabel(input);
  const checks = await Promise.all(
    input.images.map(async (image): Promise<ImageCheck> => {
      const fromLabel = published.key === image.key && published.label !== null;
      const ledger = input.built.get(image.key)?.digest ?? null;
      const previousDigest = fromLabel ? published.label!.digest : ledger;
      const source = fromLabel ? 'label' : ledger !== null ? 'ledger' : 'none';
      try {
        const currentDigest = await input.lookup.getDigest(image.depName, image.tag);
        return { image, currentDigest, previousDigest, source, status: judge(input, image, currentDigest, previousDigest) };
      } catch (err) {
        return { image, currentDigest: null, previousDigest, source, status: 'error', error: (err as Error).message };
      }
    }),
  );
  const plan: RebuildPlan = {
    checks,
    toDispatch: checks.filter((c) => c.status === 'changed' || c.status === 'forced'),
    toRecord: checks.filter((c) => c.status === 'baseline'),
  };
  if (published.note) plan.publishedNote = published.note;
  return plan;
}
