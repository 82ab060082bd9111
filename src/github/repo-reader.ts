// Reads a repository at its default branch head: one recursive tree, then only the blobs managers read.
import type { FileSource } from '../engine/types.js';
import { MAX_FILE_BYTES } from '../managers/limits.js';
import type { Logger } from '../types.js';
import type { GitHub, RepoRef } from './types.js';

/** Files larger than this are skipped with a logged reason (no manager file is legitimately this big). */
// Large enough for real package-lock.json files; Dockerfiles and compose files are far smaller.
export const DEFAULT_MAX_BLOB_BYTES = MAX_FILE_BYTES;

export interface BranchHead {
  branch: string;
  commitSha: string;
  treeSha: string;
  /** The repository's GraphQL node id (moving a branch only from the commit it was seen at needs it). */
  repoNodeId?: string;
}

export interface TreeEntry {
  path: string;
  sha: string;
  mode: string;
  size: number;
}

export async function readDefaultBranchHead(gh: GitHub, repo: RepoRef): Promise<BranchHead> {
  const { data: info } = await gh.rest.repos.get({ owner: repo.owner, repo: repo.repo });
  const branch = info.default_branch;
  const { data: ref } = await gh.rest.git.getRef({ owner: repo.owner, repo: repo.repo, ref: `heads/${branch}` });
  const { data: commit } = await gh.rest.git.getCommit({ owner: repo.owner, repo: repo.repo, commit_sha: ref.object.sha });
  return { branch, commitSha: commit.sha, treeSha: commit.tree.sha, repoNodeId: info.node_id };
}

/**
 * A FileSource over one tree: lists managed blobs and reads each blob at most once. Other regular
 * blobs are read only when asked for by path (a pip `-r more.txt` include). A managed blob over the
 * size cap is listed (a yarn.lock locks its package.json whatever its size) but never read.
 */
export class TreeFileSource implements FileSource {
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly gh: GitHub,
    private readonly repo: RepoRef,
    readonly entries: Map<string, TreeEntry>,
    private readonly others = new Map<string, TreeEntry>(),
    private readonly oversized = new Map<string, number>(),
  ) {}

  async list(): Promise<string[]> {
    return [...this.entries.keys(), ...this.oversized.keys()];
  }

  /** Every regular blob of the tree, managed or not (a Go module's sources, for `go mod tidy`). */
  async listAll(): Promise<string[]> {
    return [...this.entries.keys(), ...this.others.keys()];
  }

  async read(path: string): Promise<string> {
    const cached = this.texts.get(path);
    if (cached !== undefined) return cached;
    const cap = this.oversized.get(path);
    if (cap !== undefined) throw new Error(`file is larger than ${cap} bytes; not read`);
    const entry = this.entries.get(path) ?? this.others.get(path);
    if (!entry) throw new Error(`${path}: not in the scanned tree`);
    const { data } = await this.gh.rest.git.getBlob({ owner: this.repo.owner, repo: this.repo.repo, file_sha: entry.sha });
    const text = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
    this.texts.set(path, text);
    return text;
  }

  /** Texts of the given paths (read if not yet), for applying updates. */
  async textsOf(paths: Iterable<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const path of paths) out.set(path, await this.read(path));
    return out;
  }
}

export async function openTree(
  gh: GitHub,
  repo: RepoRef,
  treeSha: string,
  options: { managed: (path: string) => boolean; maxBlobBytes?: number; log: Logger },
): Promise<TreeFileSource> {
  const maxBytes = options.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES;
  const { data } = await gh.rest.git.getTree({ owner: repo.owner, repo: repo.repo, tree_sha: treeSha, recursive: 'true' });
  if (data.truncated) options.log.warn({ repo: `${repo.owner}/${repo.repo}` }, 'tree listing truncated by GitHub; some files are not scanned');
  const entries = new Map<string, TreeEntry>();
  const others = new Map<string, TreeEntry>();
  const oversized = new Map<string, number>();
  for (const item of data.tree) {
    if (item.type !== 'blob' || !item.path || !item.sha) continue;
    // Symlinks (120000) and submodules are not files a manager can rewrite.
    if (item.mode !== '100644' && item.mode !== '100755') continue;
    const managed = options.managed(item.path);
    const size = item.size ?? 0;
    if (size > maxBytes) {
      if (managed) {
        options.log.warn({ file: item.path, size, maxBytes }, 'file skipped: larger than the blob size cap');
        oversized.set(item.path, maxBytes);
      }
      continue;
    }
    (managed ? entries : others).set(item.path, { path: item.path, sha: item.sha, mode: item.mode, size });
  }
  return new TreeFileSource(gh, repo, entries, others, oversized);
}
