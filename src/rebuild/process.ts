// Which process (pinned or rebuild) an image follows, and the floating base images of a repository.
import { minimatch } from 'minimatch';
import type { Dependency } from '../types.js';
import type { FloatingBaseImage } from './types.js';

export type ProcessName = 'pinned' | 'rebuild';

export interface ProcessChoice {
  /** The repository's process. */
  process: ProcessName;
  /** Per-image overrides; the first whose `match` fits wins. */
  images?: ReadonlyArray<{ match: string; process: ProcessName }>;
}

/** Names an image is known by, so `python`, `library/python` and `docker.io/library/python` all match. */
function namesOf(depName: string, reference?: string): string[] {
  const short = depName.replace(/^docker\.io\/(library\/)?/, '');
  const library = depName.replace(/^docker\.io\//, '');
  const names = new Set([depName, short, library]);
  if (reference) names.add(reference.split('@')[0]!);
  return [...names];
}

/** True when a glob or name (`python`, `ghcr.io/org/*`, `node:20*`) matches the image. */
export function imageMatches(pattern: string, depName: string, tag: string | null, reference?: string): boolean {
  const names = namesOf(depName, reference);
  const withTag = tag === null ? [] : names.map((n) => `${n}:${tag}`);
  return [...names, ...withTag].some((name) => name === pattern || minimatch(name, pattern));
}

export function processForImage(choice: ProcessChoice, depName: string, tag: string | null, reference?: string): ProcessName {
  const override = choice.images?.find((o) => imageMatches(o.match, depName, tag, reference));
  return override?.process ?? choice.process;
}

/** Dependencies that are build inputs of an image: what Dockerfiles build FROM. */
function isBaseImage(dep: Dependency): boolean {
  return dep.datasource === 'docker' && dep.manager === 'dockerfile' && !dep.skipReason;
}

/**
 * The repository's floating base images (a tag, no digest) that follow the rebuild process,
 * one per normalized name:tag, in order of first use.
 */
export function floatingBaseImages(deps: readonly Dependency[], choice: ProcessChoice): FloatingBaseImage[] {
  const byKey = new Map<string, FloatingBaseImage>();
  for (const dep of deps) {
    if (!isBaseImage(dep) || dep.currentDigest !== null || dep.currentValue === null) continue;
    if (processForImage(choice, dep.depName, dep.currentValue, dep.reference) !== 'rebuild') continue;
    const key = `${dep.depName}:${dep.currentValue}`;
    const written = dep.reference ?? key;
    const image = byKey.get(key) ?? { key, depName: dep.depName, tag: dep.currentValue, written: [], usedIn: [] };
    if (!image.written.includes(written)) image.written.push(written);
    image.usedIn.push(`${dep.file}:${dep.line}`);
    byKey.set(key, image);
  }
  return [...byKey.values()];
}
