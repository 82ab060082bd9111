// Repository-relative path arithmetic (forward slashes, '' for the root), shared by managers that look beside a file.

export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

export function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** `dir` and each of its parents up to the repository root (''). */
export function selfAndParents(dir: string): string[] {
  const out = [dir];
  for (let d = dir; d !== ''; ) {
    d = dirOf(d);
    out.push(d);
  }
  return out;
}
