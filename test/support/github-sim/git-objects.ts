// Git object store of one simulated repo: real SHA-1 ids in git's object format, trees, history.
import { createHash } from 'node:crypto';
import type { GitIdentity, GitObject, PathEntry, RepoState, TreeEntry } from './types.js';

type Commit = Extract<GitObject, { type: 'commit' }>;

function hashObject(kind: string, payload: Buffer): string {
  const header = Buffer.from(`${kind} ${payload.length}\0`);
  return createHash('sha1').update(header).update(payload).digest('hex');
}

export function writeBlob(repo: RepoState, content: Buffer): string {
  const sha = hashObject('blob', content);
  if (!repo.objects.has(sha)) repo.objects.set(sha, { type: 'blob', content });
  return sha;
}

// Git orders tree entries by name, comparing a directory as if its name ended with '/'.
function sortKey(e: TreeEntry): string {
  return e.type === 'tree' ? `${e.name}/` : e.name;
}

export function writeTreeObject(repo: RepoState, entries: TreeEntry[]): string {
  const sorted = [...entries].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const parts = sorted.map((e) =>
    Buffer.concat([Buffer.from(`${e.mode.replace(/^0+/, '')} ${e.name}\0`), Buffer.from(e.sha, 'hex')]),
  );
  const sha = hashObject('tree', Buffer.concat(parts));
  if (!repo.objects.has(sha)) repo.objects.set(sha, { type: 'tree', entries: sorted });
  return sha;
}

/** Builds nested tree objects from flat paths (files and submodules only) and returns the root sha. */
export function writeTree(repo: RepoState, files: PathEntry[]): string {
  const byDir = new Map<string, TreeEntry[]>([['', []]]);
  const ensureDir = (dir: string): void => {
    if (byDir.has(dir)) return;
    byDir.set(dir, []);
    ensureDir(parentOf(dir));
  };
  for (const f of files) {
    ensureDir(parentOf(f.path));
    byDir.get(parentOf(f.path))!.push({ name: baseName(f.path), mode: f.mode, type: f.type, sha: f.sha });
  }
  // Deepest directories first so each parent sees its children's shas.
  const dirs = [...byDir.keys()].filter((d) => d !== '').sort((a, b) => depth(b) - depth(a));
  for (const dir of dirs) {
    const sha = writeTreeObject(repo, byDir.get(dir)!);
    byDir.get(parentOf(dir))!.push({ name: baseName(dir), mode: '040000', type: 'tree', sha });
  }
  return writeTreeObject(repo, byDir.get('')!);
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function depth(path: string): number {
  return path.split('/').length;
}

/** Every entry under a tree; with `recursive` false only the top level. */
export function listTree(repo: RepoState, treeSha: string, recursive = true, prefix = ''): PathEntry[] {
  const tree = repo.objects.get(treeSha);
  if (tree?.type !== 'tree') return [];
  const out: PathEntry[] = [];
  for (const e of tree.entries) {
    const path = prefix ? `${prefix}/${e.name}` : e.name;
    out.push({ path, mode: e.mode, type: e.type, sha: e.sha });
    if (recursive && e.type === 'tree') out.push(...listTree(repo, e.sha, true, path));
  }
  return out;
}

/** Only the non-tree entries (files, symlinks, submodules) with full paths. */
export function listFiles(repo: RepoState, treeSha: string): PathEntry[] {
  return listTree(repo, treeSha).filter((e) => e.type !== 'tree');
}

export function findPath(repo: RepoState, treeSha: string, path: string): PathEntry | null {
  if (path === '') return { path: '', mode: '040000', type: 'tree', sha: treeSha };
  let current = treeSha;
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const tree = repo.objects.get(current);
    if (tree?.type !== 'tree') return null;
    const entry = tree.entries.find((e) => e.name === parts[i]);
    if (!entry) return null;
    if (i === parts.length - 1) return { path, mode: entry.mode, type: entry.type, sha: entry.sha };
    current = entry.sha;
  }
  return null;
}

function identityLine(kind: string, who: GitIdentity): string {
  const seconds = Math.floor(Date.parse(who.date) / 1000);
  return `${kind} ${who.name} <${who.email}> ${seconds} +0000\n`;
}

export function writeCommit(repo: RepoState, commit: Omit<Commit, 'type'>): string {
  let text = `tree ${commit.tree}\n`;
  for (const p of commit.parents) text += `parent ${p}\n`;
  text += identityLine('author', commit.author) + identityLine('committer', commit.committer);
  text += `\n${commit.message}`;
  const sha = hashObject('commit', Buffer.from(text));
  if (!repo.objects.has(sha)) repo.objects.set(sha, { type: 'commit', ...commit });
  return sha;
}

export function getCommit(repo: RepoState, sha: string): Commit | null {
  const obj = repo.objects.get(sha);
  return obj?.type === 'commit' ? obj : null;
}

/** Commits reachable from `sha`, newest first (by committer date, then discovery order). */
export function history(repo: RepoState, sha: string, stopAt: Set<string> = new Set()): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  const queue = [sha];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next) || stopAt.has(next)) continue;
    const commit = getCommit(repo, next);
    if (!commit) continue;
    seen.add(next);
    order.push(next);
    queue.push(...commit.parents);
  }
  const date = (s: string): number => Date.parse(getCommit(repo, s)!.committer.date);
  return order
    .map((s, i) => ({ s, i }))
    .sort((a, b) => date(b.s) - date(a.s) || a.i - b.i)
    .map((x) => x.s);
}

export function isAncestor(repo: RepoState, ancestor: string, descendant: string): boolean {
  return history(repo, descendant).includes(ancestor);
}

/** The newest commit reachable from both, or null. */
export function mergeBase(repo: RepoState, a: string, b: string): string | null {
  const fromA = new Set(history(repo, a));
  return history(repo, b).find((s) => fromA.has(s)) ?? null;
}

/** Resolves a branch name, full ref, tag or (abbreviated) commit sha to a commit sha. */
export function resolveCommitish(repo: RepoState, ref: string): string | null {
  const name = ref.replace(/^refs\//, '');
  for (const full of [`refs/${name}`, `refs/heads/${name}`, `refs/tags/${name}`]) {
    const sha = repo.refs.get(full);
    if (sha) return sha;
  }
  if (/^[0-9a-f]{40}$/.test(ref)) return getCommit(repo, ref) ? ref : null;
  if (/^[0-9a-f]{7,39}$/.test(ref)) {
    const hits = [...repo.objects.keys()].filter((s) => s.startsWith(ref) && getCommit(repo, s));
    return hits.length === 1 ? hits[0]! : null;
  }
  return null;
}
