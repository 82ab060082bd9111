// Images behind the Datasource interface: a repository's tags as its releases. Digests stay on the image client it wraps.
import type { ImageLookup } from '../../engine/types.js';
import type { Datasource, ReleaseList } from '../../types.js';

/** `images` is the scan's registry client (its credentials, cache and budgets); without one, every lookup fails with why. */
export function createDockerReleases(images: Pick<ImageLookup, 'getTags'> | undefined): Datasource {
  return {
    name: 'docker',
    defaultVersioning: 'docker',
    async getReleases(depName): Promise<ReleaseList> {
      if (!images) throw new Error(`${depName}: no image registry client was given to look its tags up`);
      const tags = await images.getTags(depName);
      return { name: depName, releases: tags.map((version) => ({ version })) };
    },
  };
}
