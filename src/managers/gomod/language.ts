// How the language planner moves a go.mod requirement: go.sum pins it, excluded versions and new major paths are held.
import { dataOf, type Dependency, type Release } from '../../types.js';
import { isCanonical, isPseudoVersion, isStable } from '../../versioning/go/index.js';
import type { LanguageSupport } from '../language-support.js';
import type { GoModDependencyExtra } from './index.js';

/** What the Go datasource adds to a release: the module path it was found at when that is a new major's path. */
interface GoRelease extends Release {
  modulePath?: string;
}

/** What the go.sum updater (src/artifacts/gomod) needs to run `go get` and `go mod tidy`. */
export interface GoModArtifactFacts {
  tool: 'gomod';
  /** The folder holding go.mod ('' for the repository root). */
  moduleRoot: string;
  goMod: string;
  goSum: string;
  /** The module `go get` moves; for a replace line, the module it replaces (nothing to `go get`). */
  path: string;
  newVersion: string;
  /** Set when the version is a replacement's: go.mod already says it, only `go mod tidy` runs. */
  replacement?: string;
}

declare module '../language-support.js' {
  interface ArtifactFactsByTool {
    gomod: GoModArtifactFacts;
  }
}

function extraOf(dep: Dependency): GoModDependencyExtra {
  return dataOf(dep, 'gomod') ?? {};
}

function moduleRootOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
}

const inRoot = (root: string, name: string) => (root ? `${root}/${name}` : name);

/** go.mod's `go` and `toolchain` lines: Go releases (`1.22`, `go1.22.3`), not module versions. */
const isGoLine = (dep: Dependency) => dep.datasource === 'golang-version';

/** The new Go release at the precision the line wrote: `1.19` + 1.23.4 → `1.23`; `go1.21.0` → `go1.23.4`. */
function goLineValue(written: string, target: string): string {
  const prefix = written.startsWith('go') ? 'go' : '';
  const parts = written.slice(prefix.length).split('.').length;
  return prefix + (parts >= 3 ? target : target.split('.').slice(0, parts).join('.'));
}

export const goModLanguage: LanguageSupport<GoRelease> = {
  versioning: (dep) => (isGoLine(dep) ? 'loose' : 'go'),

  current(dep) {
    if (isGoLine(dep)) return dep.currentValue === null ? null : { version: dep.currentValue.replace(/^go/, ''), locked: false };
    if (dep.currentValue === null || !isCanonical(dep.currentValue)) throw new Error(`${dep.depName}: "${dep.currentValue}" is not a Go module version`);
    // go.sum pins exactly the version go.mod requires: there is no range to stay within.
    return { version: dep.currentValue, locked: true };
  },

  // A new major path's version is proposed only to be held (see held): go.mod never gets it on the old path.
  newValue: (dep, _current, target) => (isGoLine(dep) ? goLineValue(dep.currentValue!, target.version) : target.version),

  held(dep, target) {
    if (isGoLine(dep)) return undefined;
    if (target.modulePath && target.modulePath !== dep.depName) return `new major module path ${target.modulePath}: change the import paths by hand`;
    const excluded = extraOf(dep).excluded?.find((e) => e.version === target.version);
    if (excluded) return `${target.version} is excluded in ${dep.file} (line ${excluded.line})`;
    // A pseudo-version names a commit, not a release line to follow: it moves only to a tagged release.
    if (dep.currentValue && isPseudoVersion(dep.currentValue) && (isPseudoVersion(target.version) || !isStable(target.version))) {
      return `${dep.depName} is at a pseudo-version; it moves only to a newer tagged release`;
    }
    return undefined;
  },

  artifact(dep, _current, target) {
    // A `go` line moves alone: go.sum is not regenerated for it (the worker's go may be older than the new line).
    if (isGoLine(dep)) return undefined;
    const moduleRoot = moduleRootOf(dep.file);
    const replaces = extraOf(dep).replaces;
    const facts: GoModArtifactFacts = {
      tool: 'gomod',
      moduleRoot,
      goMod: dep.file,
      goSum: inRoot(moduleRoot, 'go.sum'),
      path: replaces ?? dep.depName,
      newVersion: target.version,
      ...(replaces ? { replacement: dep.depName } : {}),
    };
    return facts;
  },
};
