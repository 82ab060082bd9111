// Where pip's `-r file` / `-c file` point: relative to the including file, inside the repository, no URLs.

export type ResolvedInclude = { path: string } | { refused: string };

/**
 * The repository path an include names, as pip resolves it (relative to the including file's
 * folder), or why it is not followed: a URL, an absolute path, a path out of the repository or one
 * with a variable are never read.
 */
export function resolveInclude(from: string, written: string): ResolvedInclude {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(written)) return { refused: 'a URL; Freshen reads only files of the repository' };
  if (written.includes('${')) return { refused: 'the path has a variable; Freshen does not guess its value' };
  if (written.startsWith('/') || /^[a-z]:[\\/]/i.test(written)) return { refused: 'an absolute path, outside the repository' };
  const parts = from.split('/').slice(0, -1);
  for (const part of written.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.length === 0) return { refused: 'outside the repository' };
    else parts.pop();
  }
  if (parts.length === 0) return { refused: 'names no file' };
  return { path: parts.join('/') };
}
