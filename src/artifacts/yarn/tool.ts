// Which yarn runs a project: the version its packageManager names, from npm packages (bundled, or installed once into the tools cache), never corepack.
import { cachedToolPackage } from '../npm/tool-cache.js';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { YarnFlavour } from '../../managers/yarn/index.js';
import type { ArtifactContext } from '../types.js';

export interface YarnTool {
  version: string;
  /** yarn 2 and later: Berry's settings (.yarnrc.yml) and commands. */
  berry: boolean;
  /** The npm package carrying it: `yarn` for 1.x, `@yarnpkg/cli-dist` for 2+. */
  packageName: 'yarn' | '@yarnpkg/cli-dist';
}

const PACKAGE_MANAGER = /^yarn@(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[\w.=:-]+)?$/;
const require = createRequire(import.meta.url);

const packageOf = (berry: boolean): YarnTool['packageName'] => (berry ? '@yarnpkg/cli-dist' : 'yarn');

function bundledVersion(packageName: YarnTool['packageName']): string {
  return (require(`${packageName}/package.json`) as { version: string }).version;
}

/**
 * The yarn a project asks for: `packageManager: yarn@x.y.z` (a corepack hash suffix is allowed and
 * not checked: the package comes from the operator's registry), else the bundled yarn of the
 * lockfile's flavour. A packageManager and lockfile of different flavours is an error: one
 * would rewrite the whole lockfile in the other's format.
 */
export function yarnFor(packageManager: string | undefined, flavour: YarnFlavour): YarnTool | string {
  if (packageManager === undefined || !packageManager.startsWith('yarn@')) {
    const berry = flavour === 'berry';
    return { version: bundledVersion(packageOf(berry)), berry, packageName: packageOf(berry) };
  }
  const match = PACKAGE_MANAGER.exec(packageManager);
  if (!match) return `packageManager "${packageManager.slice(0, 80)}" is not yarn@<version>`;
  const berry = Number(match[1]) >= 2;
  if (berry !== (flavour === 'berry')) {
    return `packageManager names yarn ${match[1]}.x but yarn.lock is ${flavour === 'berry' ? "Berry's" : 'a classic (v1)'} lockfile; run that yarn's install once to convert it`;
  }
  return { version: `${match[1]}.${match[2]}.${match[3]}${match[4] ?? ''}`, berry, packageName: packageOf(berry) };
}

/** Berry settings by the release that introduced them: an older Berry refuses a setting it does not know. */
export function knowsSetting(tool: YarnTool, since: [number, number]): boolean {
  const [major, minor] = tool.version.split('.').map(Number) as [number, number];
  return major > since[0] || (major === since[0] && minor >= since[1]);
}

/** The yarn entry script (bin/yarn.js) to run with node: the bundled one, or this version from the tools cache. */
export async function yarnEntry(tool: YarnTool, ctx: ArtifactContext): Promise<string> {
  if (tool.version === bundledVersion(tool.packageName)) return require.resolve(`${tool.packageName}/bin/yarn.js`);
  return join(await cachedToolPackage(tool.packageName, tool.version, 'bin/yarn.js', ctx), 'bin', 'yarn.js');
}
