// File-level three-way merge for simulated PR merges: the head's changes since the merge base win.
import { getCommit, listFiles, mergeBase } from './git-objects.js';
import type { PathEntry, RepoState } from './types.js';

function filesOf(repo: RepoState, commitSha: string | null): Map<string, PathEntry> {
  if (!commitSha) return new Map();
  return new Map(listFiles(repo, getCommit(repo, commitSha)!.tree).map((e) => [e.path, e]));
}

export function threeWayFiles(repo: RepoState, baseSha: string, headSha: string): PathEntry[] {
  const ancestor = filesOf(repo, mergeBase(repo, baseSha, headSha));
  const head = filesOf(repo, headSha);
  const result = filesOf(repo, baseSha);
  for (const path of new Set([...ancestor.keys(), ...head.keys()])) {
    const before = ancestor.get(path);
    const after = head.get(path);
    if (before?.sha === after?.sha && before?.mode === after?.mode) continue;
    if (after) result.set(path, after);
    else result.delete(path);
  }
  return [...result.values()];
}
