// Small edits before yarn runs: the range a package.json declares for a key, and a yarn.lock without some descriptors (so yarn resolves them afresh).
import { DEPENDENCY_TYPES } from '../../managers/npm/index.js';
import type { YarnLock } from '../../managers/yarn/index.js';

/** The range `key` is declared with in a package.json (first dependency map holding it). */
export function declaredRange(packageJson: string | undefined, key: string): { key: string; range: string } | undefined {
  if (packageJson === undefined) return undefined;
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(packageJson) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  for (const type of DEPENDENCY_TYPES) {
    const map = manifest[type];
    if (map && typeof map === 'object' && Object.hasOwn(map, key)) {
      const range = (map as Record<string, unknown>)[key];
      if (typeof range === 'string') return { key, range };
    }
  }
  return undefined;
}

/**
 * The lockfile with these descriptors taken out of their entries (an entry left with none is
 * dropped): yarn then resolves them to the newest version their range allows. yarn rewrites the
 * whole file, so the edited key lines only need to be readable, not yarn's exact layout.
 */
export function withoutDescriptors(text: string, lock: YarnLock, descriptors: ReadonlySet<string>): string {
  if (descriptors.size === 0) return text;
  const lines = text.split('\n');
  for (const entry of lock.entries) {
    if (!entry.descriptors.some((d) => descriptors.has(d))) continue;
    const kept = entry.descriptors.filter((d) => !descriptors.has(d));
    if (kept.length === 0) {
      for (let i = entry.line - 1; i < entry.endLine - 1 && i < lines.length; i++) lines[i] = '\u0000';
    } else {
      const key = lock.flavour === 'berry' ? JSON.stringify(kept.join(', ')) : kept.map((d) => JSON.stringify(d)).join(', ');
      lines[entry.line - 1] = `${key}:`;
    }
  }
  return lines.filter((l) => l !== '\u0000').join('\n');
}
