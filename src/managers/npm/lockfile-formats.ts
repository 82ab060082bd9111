// The JavaScript lockfile formats Freshen reads and regenerates: one registration line each.
import type { JsLockfile } from './js-lockfile.js';
import { npmLockfile } from './npm-lockfile.js';
import { yarnLockfile } from '../yarn/index.js';
import { pnpmLockfile } from '../pnpm/lockfile.js';

export const jsLockfiles: readonly JsLockfile[] = [npmLockfile, yarnLockfile, pnpmLockfile];

/** Every JavaScript lockfile name Freshen knows of, regenerated or not. */
export const ALL_JS_LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'] as const;

/** Lockfiles no registered format regenerates: a package.json under one is never edited. */
export function unsupportedLockfiles(): string[] {
  const supported = new Set(jsLockfiles.flatMap((f) => f.lockfileNames));
  return ALL_JS_LOCKFILES.filter((name) => !supported.has(name));
}

export function lockfileFormatOf(name: string): JsLockfile | undefined {
  return jsLockfiles.find((f) => f.lockfileNames.includes(name));
}
