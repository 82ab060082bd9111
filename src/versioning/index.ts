// The version schemes Freshen knows, by name; also the `freshen/versioning` package entry.
import type { Versioning } from '../types.js';
import { apk } from './apk/index.js';
import { docker } from './docker/index.js';
import { dpkg } from './dpkg/index.js';
import { go } from './go/index.js';
import { loose } from './loose/index.js';
import { pep440 } from './pep440/index.js';
import { poetry } from './poetry/index.js';
import { semver } from './semver/index.js';

export { apk, docker, dpkg, go, loose, pep440, poetry, semver };
export type { DockerTag, TagUpdates, TagUpdateType } from './docker/index.js';
export type { DebianVersion } from './dpkg/index.js';
export type { ApkOperator } from './apk/index.js';

export const versionings: Readonly<Record<string, Versioning>> = { apk, docker, dpkg, go, loose, pep440, poetry, semver };

/** The scheme registered under `name`; throws for an unknown name so a typo fails loudly. */
export function getVersioning(name: string): Versioning {
  const versioning = versionings[name];
  if (!versioning) throw new Error(`unknown versioning "${name}" (known: ${Object.keys(versionings).join(', ')})`);
  return versioning;
}
