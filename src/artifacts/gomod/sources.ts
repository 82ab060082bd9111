// Which repository files a Go module's temporary copy gets: go.mod, go.sum, its Go sources and local replacements inside it.
import { posix } from 'node:path';
import { isLocalPath, parseGoMod } from '../../managers/gomod/index.js';
import type { LocatedError } from '../../types.js';

/** A module with more Go files than this is not copied (GitHub reads cost a request each). */
export const MAX_GO_FILES = 5_000;
export const MAX_GO_SOURCE_BYTES = 64 * 1024 * 1024;

/**
 * The folders (repository paths) that local `replace` lines point at. A path outside the module
 * (`../x`, `/etc`) is refused: the tool would read it, and only the module is copied.
 */
export function localReplacements(goModPath: string, goModText: string, moduleRoot: string): { dirs: string[]; error?: LocatedError } {
  const dirs: string[] = [];
  for (const d of parseGoMod(goModText).directives) {
    if (d.verb !== 'replace') continue;
    const arrow = d.args.findIndex((t) => t.text === '=>' && !t.quoted);
    const target = d.args[arrow + 1]?.text;
    if (arrow < 0 || target === undefined || !isLocalPath(target) || d.args.length !== arrow + 2) continue;
    const relative = posix.normalize(target.replace(/\\/g, '/'));
    if (posix.isAbsolute(relative) || /^[A-Za-z]:/.test(relative) || relative === '..' || relative.startsWith('../')) {
      return { dirs, error: { file: goModPath, line: d.line, message: `replace => ${target.slice(0, 80)}: a local path outside the module is not copied, so go.sum is not regenerated` } };
    }
    dirs.push(posix.join(moduleRoot, relative).replace(/^\.$/, ''));
  }
  return { dirs };
}

const under = (dir: string, path: string) => dir === '' || path === dir || path.startsWith(`${dir}/`);

/** Go skips folders named `vendor` (with -mod=mod) and `testdata`, and those starting with `.` or `_`. */
function ignoredByGo(relativePath: string): boolean {
  return relativePath.split('/').slice(0, -1).some((e) => e === 'vendor' || e === 'testdata' || e.startsWith('.') || e.startsWith('_'));
}

/** The files of the module rooted at `moduleRoot` (and of its in-module local replacements): .go files, go.mod and go.sum. */
export function moduleFiles(all: readonly string[], moduleRoot: string, replacementDirs: readonly string[]): string[] {
  const roots = [moduleRoot, ...replacementDirs];
  const nestedModules = all
    .filter((p) => p.endsWith('/go.mod') || p === 'go.mod')
    .map((p) => posix.dirname(p).replace(/^\.$/, ''))
    .filter((dir) => !roots.includes(dir));
  return all.filter((path) => {
    const root = roots.filter((r) => under(r, path)).sort((a, b) => b.length - a.length)[0];
    if (root === undefined) return false;
    const relative = root === '' ? path : path.slice(root.length + 1);
    if (ignoredByGo(relative)) return false;
    // A folder with its own go.mod is another module, unless a replacement points at it.
    if (nestedModules.some((dir) => dir.length > root.length && under(dir, path))) return false;
    const name = posix.basename(path);
    return name.endsWith('.go') || name === 'go.mod' || name === 'go.sum';
  });
}
