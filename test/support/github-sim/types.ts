// State records and route contracts of the GitHub simulation (in-memory, per GitHubSim instance).

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface Account {
  login: string;
  id: number;
  type: 'User' | 'Organization' | 'Bot';
}

export interface Installation {
  id: number;
  account: Account;
  repoIds: Set<number>;
  /** Installation permissions as GitHub lists them, e.g. { contents: 'write' }. */
  permissions: Record<string, string>;
  createdAt: string;
}

export interface InstallationToken {
  token: string;
  installationId: number;
  expiresAt: number;
  /** When the token was narrowed to some repositories at creation. */
  repoIds: Set<number> | null;
}

export interface GitIdentity {
  name: string;
  email: string;
  date: string;
}

export type GitObject =
  | { type: 'blob'; content: Buffer }
  | { type: 'tree'; entries: TreeEntry[] }
  | {
      type: 'commit';
      tree: string;
      parents: string[];
      author: GitIdentity;
      committer: GitIdentity;
      message: string;
      verified: boolean;
    };

export interface TreeEntry {
  name: string;
  /** Git modes as the API shows them: 100644, 100755, 120000, 040000, 160000. */
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

/** A flattened tree entry: its full path from the root. */
export interface PathEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

export interface IssueRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: string | null;
  user: string;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Present when the issue is a pull request. */
  pull?: PullPart;
}

export interface PullPart {
  head: string;
  base: string;
  /** Head sha when the branch is gone (closed and deleted). */
  lastHeadSha: string;
  baseSha: string;
  merged: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  draft: boolean;
  maintainerCanModify: boolean;
}

export interface CommentRecord {
  id: number;
  issueNumber: number;
  user: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export type ReactionContent = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

export interface ReactionRecord {
  id: number;
  user: string;
  content: ReactionContent;
  createdAt: string;
  target: { commentId: number } | { issueNumber: number };
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  output: Record<string, unknown> | null;
  detailsUrl: string | null;
  externalId: string | null;
  app: string;
  startedAt: string;
  completedAt: string | null;
}

export interface ReleaseRecord {
  id: number;
  tagName: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  createdAt: string;
  publishedAt: string | null;
  author: string;
  /** Files attached to the release, served at `<htmlBase>/<owner>/<repo>/releases/download/<tag>/<name>`. */
  assets: ReleaseAsset[];
}

export interface ReleaseAsset {
  id: number;
  name: string;
  content: Buffer;
}

export interface RepoState {
  id: number;
  owner: Account;
  name: string;
  private: boolean;
  defaultBranch: string;
  createdAt: string;
  objects: Map<string, GitObject>;
  /** Full ref name (refs/heads/main) → commit sha. */
  refs: Map<string, string>;
  issues: Map<number, IssueRecord>;
  comments: Map<number, CommentRecord>;
  reactions: ReactionRecord[];
  labels: Map<string, LabelRecord>;
  permissions: Map<string, Permission>;
  checkRuns: CheckRunRecord[];
  releases: ReleaseRecord[];
  nextNumber: number;
}

export interface WorkflowDispatch {
  owner: string;
  repo: string;
  workflow: string;
  ref: string;
  inputs: Record<string, unknown>;
  installationId: number | null;
  at: number;
}

export interface RepositoryDispatch {
  owner: string;
  repo: string;
  eventType: string;
  clientPayload: Record<string, unknown>;
  installationId: number | null;
  at: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path without the /api/v3 prefix and without the query. */
  path: string;
  query: string;
  installation: number | null;
  status: number;
  /** Counted against the primary rate limit (304s are not, like GitHub). */
  counted: boolean;
  /** POST/PATCH/PUT/DELETE made with an installation token (GitHub's content-creating requests). */
  contentCreating: boolean;
  unhandled: boolean;
  at: number;
}

export type Auth =
  | { kind: 'anonymous' }
  | { kind: 'app' }
  | { kind: 'installation'; installationId: number; token: InstallationToken };

/** What a route answers; `handle()` turns it into a fetch Response. */
export interface Reply {
  status: number;
  body?: unknown;
  /** Raw text body instead of JSON. */
  text?: string;
  /** Raw bytes instead of JSON (release asset downloads). */
  bytes?: Buffer;
  headers?: Record<string, string>;
  /** Set by the router when no route matched. */
  unhandled?: boolean;
}
