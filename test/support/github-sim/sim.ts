// GitHubSim: the simulated GitHub's state, its one entry point handle(), and the test-facing API.
import { randomBytes } from 'node:crypto';
import { authenticate, toPublicKey, type AuthConfig } from './auth.js';
import { handleRequest } from './dispatch.js';
import { findPath, getCommit, listFiles as listTreeFiles, resolveCommitish, writeBlob, writeCommit, writeTree } from './git-objects.js';
import { commentJson, issueJson, repoJson, type View } from './json.js';
import { RateLimits, type ContentLimits } from './limits.js';
import { threeWayFiles } from './merge.js';
import type {
  Account, CheckRunRecord, CommentRecord, GitIdentity, Installation, InstallationToken, IssueRecord,
  Permission, ReactionRecord, ReleaseRecord, RepoState, RepositoryDispatch, RequestLogEntry, WorkflowDispatch,
} from './types.js';

export interface GitHubSimOptions {
  appId?: number;
  appSlug?: string;
  /** PEM of the app's public key: JWT signatures are then checked. */
  publicKey?: string;
  /** Delay before each answer (ms). */
  latencyMs?: number;
  /** Secondary (content-creation) limits; off when absent. */
  contentLimits?: ContentLimits;
  /** Primary rate limit per installation per hour (GitHub: 5000). */
  rateLimit?: number;
  htmlBase?: string;
  /** false: GraphQL has no createCommitOnBranch (as on an older GitHub Enterprise Server). */
  commitOnBranchMutation?: boolean;
}

export type AuthorInput = string | { name: string; email: string; login?: string };

const ALL_PERMISSIONS = { contents: 'write', pull_requests: 'write', issues: 'write', metadata: 'read', actions: 'write', checks: 'write', workflows: 'write' };

export class GitHubSim {
  readonly app: { id: number; slug: string; name: string; events: string[] };
  readonly htmlBase: string;
  readonly latencyMs: number;
  readonly commitOnBranchMutation: boolean;
  readonly installations = new Map<number, Installation>();
  readonly tokens = new Map<string, InstallationToken>();
  readonly repos = new Map<string, RepoState>();
  readonly workflowDispatches: WorkflowDispatch[] = [];
  readonly repositoryDispatches: RepositoryDispatch[] = [];
  readonly requests: RequestLogEntry[] = [];
  /** 403 answers for breaking a secondary limit (the fleet bench expects 0). */
  secondaryLimitAnswers = 0;
  readonly limits: RateLimits;
  readonly authConfig: AuthConfig;
  private readonly accounts = new Map<string, Account>();
  private readonly emails = new Map<string, string>();
  private lastId = 1000;

  constructor(options: GitHubSimOptions = {}) {
    const slug = options.appSlug ?? 'freshen';
    this.app = { id: options.appId ?? 1, slug, name: slug[0]!.toUpperCase() + slug.slice(1), events: ['installation', 'installation_repositories', 'push', 'issue_comment', 'issues', 'pull_request', 'workflow_run'] };
    this.htmlBase = options.htmlBase ?? 'https://github.com';
    this.latencyMs = options.latencyMs ?? 0;
    this.commitOnBranchMutation = options.commitOnBranchMutation ?? true;
    this.limits = new RateLimits(options.rateLimit ?? 5000, options.contentLimits ?? null, () => this.now());
    this.authConfig = { appId: this.app.id, publicKey: toPublicKey(options.publicKey), tokens: this.tokens, now: () => this.now() };
    this.account(this.botLogin, 'Bot');
  }

  /** The WHATWG fetch entry point both adapters use. */
  handle(request: Request): Promise<Response> {
    return handleRequest(this, request);
  }

  // ---- identities -------------------------------------------------------------------------

  get botLogin(): string {
    return `${this.app.slug}[bot]`;
  }

  now(): number {
    return Date.now();
  }

  isoNow(): string {
    return new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  nextId(): number {
    return ++this.lastId;
  }

  /** The account for a login, created on first use (logins ending in [bot] are bots). */
  account(login: string, type?: Account['type']): Account {
    let acc = this.accounts.get(login.toLowerCase());
    if (!acc) {
      acc = { login, id: this.nextId(), type: type ?? (login.endsWith('[bot]') ? 'Bot' : 'User') };
      this.accounts.set(login.toLowerCase(), acc);
      this.emails.set(`${acc.id}+${login}@users.noreply.github.com`.toLowerCase(), login);
    }
    return acc;
  }

  identity(author: AuthorInput): GitIdentity {
    if (typeof author !== 'string') {
      if (author.login) this.emails.set(author.email.toLowerCase(), author.login);
      return { name: author.name, email: author.email, date: this.isoNow() };
    }
    const acc = this.account(author);
    return { name: author, email: `${acc.id}+${author}@users.noreply.github.com`, date: this.isoNow() };
  }

  loginForEmail(email: string): string | null {
    return this.emails.get(email.toLowerCase()) ?? null;
  }

  permissionOf(repo: RepoState, login: string): Permission {
    const explicit = repo.permissions.get(login.toLowerCase());
    if (explicit) return explicit;
    if (repo.owner.type === 'User' && repo.owner.login.toLowerCase() === login.toLowerCase()) return 'admin';
    return repo.private ? 'none' : 'read';
  }

  association(repo: RepoState, login: string): string {
    if (repo.owner.login.toLowerCase() === login.toLowerCase()) return 'OWNER';
    return repo.permissions.has(login.toLowerCase()) && this.permissionOf(repo, login) !== 'none' ? 'COLLABORATOR' : 'NONE';
  }

  view(apiBase = 'https://api.github.com'): View {
    return { sim: this, apiBase };
  }

  // ---- setup ------------------------------------------------------------------------------

  createInstallation(opts: { id?: number; account: string; type?: 'User' | 'Organization'; permissions?: Record<string, string> }): Installation {
    const id = opts.id ?? this.nextId();
    const inst: Installation = {
      id,
      account: this.account(opts.account, opts.type ?? 'Organization'),
      repoIds: new Set(),
      permissions: opts.permissions ?? { ...ALL_PERMISSIONS },
      createdAt: this.isoNow(),
    };
    this.installations.set(id, inst);
    return inst;
  }

  /** Creates a repo whose default branch holds `files` in one commit; returns its REST JSON. */
  createRepo(opts: { owner: string; name: string; files?: Record<string, string>; defaultBranch?: string; installationId?: number; private?: boolean }): Record<string, unknown> & { id: number } {
    const key = `${opts.owner}/${opts.name}`.toLowerCase();
    if (this.repos.has(key)) throw new Error(`github-sim: repo ${opts.owner}/${opts.name} exists already`);
    const inst = opts.installationId === undefined ? undefined : this.installations.get(opts.installationId);
    if (opts.installationId !== undefined && !inst) throw new Error(`github-sim: no installation ${opts.installationId}`);
    const repo: RepoState = {
      id: this.nextId(), owner: inst?.account ?? this.account(opts.owner), name: opts.name, private: opts.private ?? true,
      defaultBranch: opts.defaultBranch ?? 'main', createdAt: this.isoNow(), objects: new Map(), refs: new Map(),
      issues: new Map(), comments: new Map(), reactions: [], labels: new Map(), permissions: new Map(),
      checkRuns: [], releases: [], nextNumber: 1,
    };
    if (inst && inst.account.login.toLowerCase() !== opts.owner.toLowerCase()) throw new Error(`github-sim: installation ${inst.id} belongs to ${inst.account.login}, not ${opts.owner}`);
    this.repos.set(key, repo);
    inst?.repoIds.add(repo.id);
    const files = opts.files ?? {};
    const tree = writeTree(repo, Object.entries(files).map(([path, text]) => ({ path, mode: '100644', type: 'blob' as const, sha: writeBlob(repo, Buffer.from(text)) })));
    const who = this.identity(opts.owner);
    const sha = writeCommit(repo, { tree, parents: [], author: who, committer: who, message: 'Initial commit', verified: false });
    repo.refs.set(`refs/heads/${repo.defaultBranch}`, sha);
    return { ...repoJson(this.view(), repo), id: repo.id };
  }

  /** Gives an installation access to an existing repo (installation_repositories.added). */
  addToInstallation(installationId: number, owner: string, name: string): void {
    this.installations.get(installationId)!.repoIds.add(this.repo(owner, name).id);
  }

  /** Takes a repo away from an installation (installation_repositories.removed). */
  removeFromInstallation(installationId: number, owner: string, name: string): void {
    this.installations.get(installationId)!.repoIds.delete(this.repo(owner, name).id);
  }

  findRepo(owner: string, name: string): RepoState | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  repo(owner: string, name: string): RepoState {
    const repo = this.findRepo(owner, name);
    if (!repo) throw new Error(`github-sim: no repo ${owner}/${name}`);
    return repo;
  }

  /** A human pushing: one commit on `branch` (created from the default branch if missing); null deletes a file. */
  commit(owner: string, name: string, branch: string, files: Record<string, string | null>, opts: { author: AuthorInput; message?: string }): string {
    const repo = this.repo(owner, name);
    const parent = repo.refs.get(`refs/heads/${branch}`) ?? repo.refs.get(`refs/heads/${repo.defaultBranch}`)!;
    const current = new Map(listTreeFiles(repo, getCommit(repo, parent)!.tree).map((e) => [e.path, e]));
    for (const [path, text] of Object.entries(files)) {
      if (text === null) current.delete(path);
      else current.set(path, { path, mode: '100644', type: 'blob', sha: writeBlob(repo, Buffer.from(text)) });
    }
    const who = this.identity(opts.author);
    const sha = writeCommit(repo, { tree: writeTree(repo, [...current.values()]), parents: [parent], author: who, committer: who, message: opts.message ?? 'Update files', verified: false });
    repo.refs.set(`refs/heads/${branch}`, sha);
    return sha;
  }

  setPermission(owner: string, name: string, user: string, permission: Permission): void {
    this.account(user);
    this.repo(owner, name).permissions.set(user.toLowerCase(), permission);
  }

  /** A human opening an issue; returns the issue JSON (for webhook payloads). */
  openIssue(owner: string, name: string, opts: { user: string; title: string; body?: string }): Record<string, unknown> {
    const repo = this.repo(owner, name);
    const issue = this.newIssue(repo, opts.user, opts.title, opts.body ?? null);
    return issueJson(this.view(), repo, issue);
  }

  newIssue(repo: RepoState, user: string, title: string, body: string | null): IssueRecord {
    const now = this.isoNow();
    const issue: IssueRecord = { number: repo.nextNumber++, id: this.nextId(), title, body, state: 'open', stateReason: null, user, labels: [], createdAt: now, updatedAt: now, closedAt: null };
    repo.issues.set(issue.number, issue);
    return issue;
  }

  /** Someone commenting on an issue or PR; returns the comment JSON (for webhook payloads). */
  comment(owner: string, name: string, number: number, user: string, body: string): Record<string, unknown> & { id: number } {
    const repo = this.repo(owner, name);
    if (!repo.issues.has(number)) throw new Error(`github-sim: no issue #${number} in ${owner}/${name}`);
    const record = this.newComment(repo, number, user, body);
    return { ...commentJson(this.view(), repo, record), id: record.id };
  }

  newComment(repo: RepoState, issueNumber: number, user: string, body: string): CommentRecord {
    this.account(user);
    const now = this.isoNow();
    const record: CommentRecord = { id: this.nextId(), issueNumber, user, body, createdAt: now, updatedAt: now };
    repo.comments.set(record.id, record);
    return record;
  }

  /** A maintainer merging a PR: merge commit on the base branch (head wins conflicts). */
  mergePull(owner: string, name: string, number: number, opts: { by?: string } = {}): string {
    const repo = this.repo(owner, name);
    const issue = repo.issues.get(number);
    if (!issue?.pull || issue.state !== 'open') throw new Error(`github-sim: #${number} is not an open PR`);
    const baseSha = repo.refs.get(`refs/heads/${issue.pull.base}`)!;
    const headSha = repo.refs.get(`refs/heads/${issue.pull.head}`) ?? issue.pull.lastHeadSha;
    const who = this.identity(opts.by ?? repo.owner.login);
    const tree = writeTree(repo, threeWayFiles(repo, baseSha, headSha));
    const message = `Merge pull request #${number} from ${repo.owner.login}/${issue.pull.head}\n\n${issue.title}`;
    const sha = writeCommit(repo, { tree, parents: [baseSha, headSha], author: who, committer: who, message, verified: false });
    repo.refs.set(`refs/heads/${issue.pull.base}`, sha);
    Object.assign(issue.pull, { merged: true, mergedAt: this.isoNow(), mergeCommitSha: sha, lastHeadSha: headSha });
    Object.assign(issue, { state: 'closed', closedAt: this.isoNow(), updatedAt: this.isoNow() });
    return sha;
  }

  /** Closes an issue or PR as a human would (PR unmerged). */
  close(owner: string, name: string, number: number): void {
    const issue = this.repo(owner, name).issues.get(number);
    if (!issue) throw new Error(`github-sim: no issue #${number}`);
    Object.assign(issue, { state: 'closed', closedAt: this.isoNow(), updatedAt: this.isoNow() });
  }

  /** `assets`: file name → bytes (or text), downloadable like GitHub's `browser_download_url`. */
  createRelease(owner: string, name: string, opts: { tag: string; name?: string; body?: string; draft?: boolean; prerelease?: boolean; publishedAt?: string; author?: string; assets?: Record<string, Buffer | string> }): ReleaseRecord {
    const repo = this.repo(owner, name);
    const created = opts.publishedAt ?? this.isoNow();
    const release: ReleaseRecord = {
      id: this.nextId(), tagName: opts.tag, name: opts.name ?? opts.tag, body: opts.body ?? null, draft: opts.draft ?? false,
      prerelease: opts.prerelease ?? false, createdAt: created, publishedAt: opts.draft ? null : created, author: opts.author ?? repo.owner.login,
      assets: Object.entries(opts.assets ?? {}).map(([file, content]) => ({ id: this.nextId(), name: file, content: Buffer.from(content) })),
    };
    repo.releases.unshift(release);
    return release;
  }

  /** A lightweight tag on the default branch's head (listed by `GET /repos/:o/:r/tags`, newest first). */
  createTag(owner: string, name: string, tag: string): void {
    const repo = this.repo(owner, name);
    repo.refs.set(`refs/tags/${tag}`, repo.refs.get(`refs/heads/${repo.defaultBranch}`)!);
  }

  // ---- reading state ----------------------------------------------------------------------

  readFile(owner: string, name: string, ref: string, path: string): string | null {
    const repo = this.repo(owner, name);
    const sha = resolveCommitish(repo, ref);
    if (!sha) return null;
    const entry = findPath(repo, getCommit(repo, sha)!.tree, path);
    const blob = entry ? repo.objects.get(entry.sha) : undefined;
    return blob?.type === 'blob' ? blob.content.toString('utf8') : null;
  }

  listFiles(owner: string, name: string, ref: string): string[] {
    const repo = this.repo(owner, name);
    const sha = resolveCommitish(repo, ref);
    if (!sha) throw new Error(`github-sim: no ref ${ref} in ${owner}/${name}`);
    return listTreeFiles(repo, getCommit(repo, sha)!.tree).map((e) => e.path).sort();
  }

  /** Branch name → head commit sha. */
  branches(owner: string, name: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [ref, sha] of this.repo(owner, name).refs) if (ref.startsWith('refs/heads/')) out[ref.slice(11)] = sha;
    return out;
  }

  /** Git commit (message, author, parents, verified) of a sha or branch. */
  getCommit(owner: string, name: string, ref: string) {
    const repo = this.repo(owner, name);
    const sha = resolveCommitish(repo, ref);
    const commit = sha ? getCommit(repo, sha) : null;
    return commit && sha ? { sha, ...commit } : null;
  }

  pulls(owner: string, name: string) {
    const repo = this.repo(owner, name);
    return [...repo.issues.values()].filter((i) => i.pull).map((i) => ({ ...i, ...i.pull!, headSha: repo.refs.get(`refs/heads/${i.pull!.head}`) ?? i.pull!.lastHeadSha }));
  }

  /** Issues only (not PRs). */
  issues(owner: string, name: string): IssueRecord[] {
    return [...this.repo(owner, name).issues.values()].filter((i) => !i.pull);
  }

  comments(owner: string, name: string, number: number): CommentRecord[] {
    return [...this.repo(owner, name).comments.values()].filter((c) => c.issueNumber === number);
  }

  reactions(owner: string, name: string, target: { commentId: number } | { issueNumber: number }): ReactionRecord[] {
    return this.repo(owner, name).reactions.filter((r) => JSON.stringify(r.target) === JSON.stringify(target));
  }

  checkRuns(owner: string, name: string): CheckRunRecord[] {
    return this.repo(owner, name).checkRuns;
  }

  /** Requests no route answered (assert this is empty). */
  get unhandled(): RequestLogEntry[] {
    return this.requests.filter((r) => r.unhandled);
  }

  countedRequests(installationId: number): number {
    return this.requests.filter((r) => r.counted && r.installation === installationId).length;
  }

  contentCreatingRequests(installationId?: number): number {
    return this.requests.filter((r) => r.contentCreating && (installationId === undefined || r.installation === installationId)).length;
  }

  /** Forgets the request log (e.g. between a first and a repeat sweep). */
  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Issues an installation token without HTTP (for tests that need one directly). */
  issueToken(installationId: number, repoIds: Set<number> | null = null): InstallationToken {
    const token: InstallationToken = { token: `ghs_${randomBytes(18).toString('base64url')}`, installationId, expiresAt: this.now() + 3_600_000, repoIds };
    this.tokens.set(token.token, token);
    return token;
  }

  authenticate(header: string | null) {
    return authenticate(header, this.authConfig);
  }
}
