// Renders simulation state as the JSON shapes GitHub's REST API returns (the fields clients read).
import type { GitHubSim } from './sim.js';
import { getCommit } from './git-objects.js';
import type {
  Account,
  CommentRecord,
  Installation,
  IssueRecord,
  LabelRecord,
  ReactionRecord,
  ReleaseRecord,
  RepoState,
} from './types.js';

export interface View {
  sim: GitHubSim;
  apiBase: string;
}

export function userJson(v: View, account: Account): Record<string, unknown> {
  return {
    login: account.login,
    id: account.id,
    node_id: `U_${account.id}`,
    type: account.type,
    site_admin: false,
    url: `${v.apiBase}/users/${encodeURIComponent(account.login)}`,
    html_url: `${v.sim.htmlBase}/${account.login}`,
    avatar_url: `${v.sim.htmlBase}/${account.login}.png`,
  };
}

export function loginJson(v: View, login: string): Record<string, unknown> {
  return userJson(v, v.sim.account(login));
}

export function repoJson(v: View, repo: RepoState): Record<string, unknown> {
  const full = `${repo.owner.login}/${repo.name}`;
  const url = `${v.apiBase}/repos/${full}`;
  return {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: full,
    owner: userJson(v, repo.owner),
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    fork: false,
    archived: false,
    disabled: false,
    default_branch: repo.defaultBranch,
    url,
    html_url: `${v.sim.htmlBase}/${full}`,
    clone_url: `${v.sim.htmlBase}/${full}.git`,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
  };
}

export function installationJson(v: View, inst: Installation): Record<string, unknown> {
  return {
    id: inst.id,
    account: userJson(v, inst.account),
    repository_selection: 'selected',
    access_tokens_url: `${v.apiBase}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${v.apiBase}/installation/repositories`,
    html_url: `${v.sim.htmlBase}/settings/installations/${inst.id}`,
    app_id: v.sim.app.id,
    app_slug: v.sim.app.slug,
    target_id: inst.account.id,
    target_type: inst.account.type,
    permissions: inst.permissions,
    events: v.sim.app.events,
    created_at: inst.createdAt,
    updated_at: inst.createdAt,
    single_file_name: null,
    suspended_at: null,
    suspended_by: null,
  };
}

/** The Git Data API commit (GET/POST /git/commits). */
export function gitCommitJson(v: View, repo: RepoState, sha: string): Record<string, unknown> {
  const c = getCommit(repo, sha)!;
  const base = `${v.apiBase}/repos/${repo.owner.login}/${repo.name}`;
  return {
    sha,
    node_id: `C_${sha}`,
    url: `${base}/git/commits/${sha}`,
    html_url: `${v.sim.htmlBase}/${repo.owner.login}/${repo.name}/commit/${sha}`,
    author: c.author,
    committer: c.committer,
    message: c.message,
    tree: { sha: c.tree, url: `${base}/git/trees/${c.tree}` },
    parents: c.parents.map((p) => ({ sha: p, url: `${base}/git/commits/${p}`, html_url: `${v.sim.htmlBase}/${repo.owner.login}/${repo.name}/commit/${p}` })),
    verification: verificationJson(c.verified),
  };
}

function verificationJson(verified: boolean): Record<string, unknown> {
  return verified
    ? { verified: true, reason: 'valid', signature: '-----BEGIN PGP SIGNATURE-----\nsimulated\n-----END PGP SIGNATURE-----', payload: null, verified_at: null }
    : { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null };
}

/** The REST commit (GET /commits, /commits/:ref, compare): git data plus linked GitHub users. */
export function restCommitJson(v: View, repo: RepoState, sha: string): Record<string, unknown> {
  const c = getCommit(repo, sha)!;
  const base = `${v.apiBase}/repos/${repo.owner.login}/${repo.name}`;
  const author = v.sim.loginForEmail(c.author.email);
  const committer = v.sim.loginForEmail(c.committer.email);
  return {
    sha,
    node_id: `C_${sha}`,
    url: `${base}/commits/${sha}`,
    html_url: `${v.sim.htmlBase}/${repo.owner.login}/${repo.name}/commit/${sha}`,
    commit: {
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: c.tree, url: `${base}/git/trees/${c.tree}` },
      url: `${base}/git/commits/${sha}`,
      comment_count: 0,
      verification: verificationJson(c.verified),
    },
    author: author ? loginJson(v, author) : null,
    committer: committer ? loginJson(v, committer) : null,
    parents: c.parents.map((p) => ({ sha: p, url: `${base}/commits/${p}` })),
  };
}

export function labelJson(v: View, repo: RepoState, label: LabelRecord): Record<string, unknown> {
  return {
    id: label.id,
    node_id: `LA_${label.id}`,
    url: `${v.apiBase}/repos/${repo.owner.login}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    description: label.description,
    default: false,
  };
}

function issueLabels(v: View, repo: RepoState, issue: IssueRecord): unknown[] {
  return issue.labels.map((name) => labelJson(v, repo, repo.labels.get(name)!));
}

export function issueJson(v: View, repo: RepoState, issue: IssueRecord): Record<string, unknown> {
  const base = `${v.apiBase}/repos/${repo.owner.login}/${repo.name}`;
  const kind = issue.pull ? 'pull' : 'issues';
  const json: Record<string, unknown> = {
    id: issue.id,
    node_id: `I_${issue.id}`,
    url: `${base}/issues/${issue.number}`,
    comments_url: `${base}/issues/${issue.number}/comments`,
    html_url: `${v.sim.htmlBase}/${repo.owner.login}/${repo.name}/${kind}/${issue.number}`,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: loginJson(v, issue.user),
    labels: issueLabels(v, repo, issue),
    assignees: [],
    assignee: null,
    milestone: null,
    locked: false,
    comments: [...repo.comments.values()].filter((c) => c.issueNumber === issue.number).length,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: v.sim.association(repo, issue.user),
  };
  if (issue.pull) json.pull_request = { url: `${base}/pulls/${issue.number}`, html_url: json.html_url, merged_at: issue.pull.mergedAt };
  return json;
}

export function commentJson(v: View, repo: RepoState, c: CommentRecord): Record<string, unknown> {
  const base = `${v.apiBase}/repos/${repo.owner.login}/${repo.name}`;
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${base}/issues/comments/${c.id}`,
    html_url: `${v.sim.htmlBase}/${repo.owner.login}/${repo.name}/issues/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${base}/issues/${c.issueNumber}`,
    body: c.body,
    user: loginJson(v, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: v.sim.association(repo, c.user),
  };
}

export function reactionJson(v: View, r: ReactionRecord): Record<string, unknown> {
  return { id: r.id, node_id: `REA_${r.id}`, user: loginJson(v, r.user), content: r.content, created_at: r.createdAt };
}

export function releaseJson(v: View, repo: RepoState, r: ReleaseRecord): Record<string, unknown> {
  const base = `${v.apiBase}/repos/${repo.owner.login}/${repo.name}`;
  const html = `${v.sim.htmlBase}/${repo.owner.login}/${repo.name}`;
  return {
    id: r.id,
    node_id: `RE_${r.id}`,
    url: `${base}/releases/${r.id}`,
    html_url: `${html}/releases/tag/${encodeURIComponent(r.tagName)}`,
    tag_name: r.tagName,
    target_commitish: repo.defaultBranch,
    name: r.name,
    body: r.body,
    draft: r.draft,
    prerelease: r.prerelease,
    created_at: r.createdAt,
    published_at: r.publishedAt,
    author: loginJson(v, r.author),
    assets: r.assets.map((a) => ({
      id: a.id,
      name: a.name,
      size: a.content.length,
      content_type: 'application/octet-stream',
      state: 'uploaded',
      url: `${base}/releases/assets/${a.id}`,
      browser_download_url: `${html}/releases/download/${encodeURIComponent(r.tagName)}/${encodeURIComponent(a.name)}`,
    })),
    tarball_url: `${base}/tarball/${encodeURIComponent(r.tagName)}`,
    zipball_url: `${base}/zipball/${encodeURIComponent(r.tagName)}`,
  };
}
