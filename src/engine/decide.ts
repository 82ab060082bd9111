// Decides, for one image dependency, which updates to propose from what the registry knows.
import { formatReference } from '../image/reference.js';
import type { Datasource, Dependency, UpdateType } from '../types.js';
import { docker } from '../versioning/index.js';
import type { ImageLookup } from './types.js';

export interface ProposedChange {
  newValue: string | null;
  newDigest: string | null;
  updateType: UpdateType;
  from: string;
  to: string;
}

/** Memoizes registry answers for one scan, so each image:tag is asked once whatever the file count. */
export class ScanLookups {
  private readonly tags = new Map<string, Promise<string[]>>();
  private readonly digests = new Map<string, Promise<string>>();

  /** Tags come from the `docker` datasource, digests from the image client it wraps. */
  constructor(
    private readonly images: Pick<ImageLookup, 'getDigest'>,
    private readonly docker: Datasource,
  ) {}

  getTags(depName: string): Promise<string[]> {
    let found = this.tags.get(depName);
    if (!found) {
      found = this.docker.getReleases(depName).then((list) => list.releases.map((r) => r.version));
      this.tags.set(depName, found);
    }
    return found;
  }

  getDigest(depName: string, ref: string): Promise<string> {
    const key = `${depName}:${ref}`;
    let found = this.digests.get(key);
    if (!found) {
      found = this.images.getDigest(depName, ref);
      this.digests.set(key, found);
    }
    return found;
  }
}

export interface DecideOptions {
  /** pinned: references carry tag@digest; rebuild: floating tags are rebuilt, never pinned. */
  process: 'pinned' | 'rebuild';
  pinDigests: boolean;
}

/**
 * The updates for one image: at most one non-major (minor/patch, or else a digest refresh or a
 * pin) and at most one major, each as a separate proposal.
 */
export async function decideImageUpdates(
  dep: Dependency,
  lookups: ScanLookups,
  options: DecideOptions,
): Promise<ProposedChange[]> {
  const written = dep.reference ?? dep.depName;
  const { currentValue, currentDigest } = dep;
  // A pinned reference stays pinned; a floating one is pinned only in the pinned process.
  const wantDigest = currentDigest !== null || (options.process === 'pinned' && options.pinDigests);
  const change = async (newValue: string | null, updateType: UpdateType): Promise<ProposedChange> => {
    const newDigest = wantDigest ? await lookups.getDigest(dep.depName, newValue ?? 'latest') : null;
    return { newValue, newDigest, updateType, from: written, to: formatReference(written, newValue, newDigest) };
  };

  if (currentValue === null) {
    // No tag: never invent one. Only a reference without any digest is pinned (to what `latest` is).
    if (currentDigest !== null || !wantDigest) return [];
    return [await change(null, 'pin')];
  }

  const proposals: ProposedChange[] = [];
  const picked = docker.isVersion(currentValue)
    ? docker.pickUpdates(currentValue, await lookups.getTags(dep.depName))
    : {};
  if (picked.nonMajor) {
    proposals.push(await change(picked.nonMajor, docker.getUpdateType(currentValue, picked.nonMajor)));
  } else if (wantDigest) {
    const same = await change(currentValue, currentDigest === null ? 'pin' : 'digest');
    if (same.newDigest !== currentDigest) proposals.push(same);
  }
  if (picked.major) proposals.push(await change(picked.major, 'major'));
  return proposals;
}
