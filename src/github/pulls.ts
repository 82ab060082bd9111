// Freshen's pull requests: find, open, update in place, comment, close.
import { groupFromBranch } from '../config/groups.js';
import { parseMarker, type PrMarker } from '../render/pr.js';
import type { GitHub, RepoRef } from './types.js';

export interface FreshenPr {
  number: number;
  branch: string;
  group: string;
  headSha: string;
  title: string;
  body: string;
  marker: PrMarker | null;
}

/** Open PRs whose head is a `freshen/` branch of this very repository (not a fork). */
export async function listOpenFreshenPrs(gh: GitHub, repo: RepoRef): Promise<Map<string, FreshenPr>> {
  const pulls = await gh.paginate(gh.rest.pulls.list, { owner: repo.owner, repo: repo.repo, state: 'open', per_page: 100 });
  const out = new Map<string, FreshenPr>();
  for (const pr of pulls) {
    const group = groupFromBranch(pr.head.ref);
    if (!group || pr.head.repo?.id !== repo.repoId) continue;
    out.set(pr.head.ref, {
      number: pr.number,
      branch: pr.head.ref,
      group,
      headSha: pr.head.sha,
      title: pr.title,
      body: pr.body ?? '',
      marker: parseMarker(pr.body),
    });
  }
  return out;
}

export async function openPr(
  gh: GitHub,
  repo: RepoRef,
  input: { branch: string; base: string; title: string; body: string; labels: string[] },
): Promise<number> {
  const { data: pr } = await gh.rest.pulls.create({
    owner: repo.owner,
    repo: repo.repo,
    head: input.branch,
    base: input.base,
    title: input.title,
    body: input.body,
  });
  if (input.labels.length > 0) {
    await gh.rest.issues.addLabels({ owner: repo.owner, repo: repo.repo, issue_number: pr.number, labels: input.labels });
  }
  return pr.number;
}

/**
 * Sets the PR's title and body; with `current` (what the PR shows now) an edit that changes nothing
 * is not sent: each PATCH spends one of GitHub's content-creation requests. Returns whether it was sent.
 */
export async function updatePr(
  gh: GitHub,
  repo: RepoRef,
  number: number,
  input: { title: string; body: string },
  current?: { title: string; body: string },
): Promise<boolean> {
  if (current && current.title === input.title && current.body === input.body) return false;
  await gh.rest.pulls.update({ owner: repo.owner, repo: repo.repo, pull_number: number, title: input.title, body: input.body });
  return true;
}

export async function commentOn(gh: GitHub, repo: RepoRef, number: number, body: string): Promise<void> {
  await gh.rest.issues.createComment({ owner: repo.owner, repo: repo.repo, issue_number: number, body });
}

export async function closePr(gh: GitHub, repo: RepoRef, number: number): Promise<void> {
  await gh.rest.pulls.update({ owner: repo.owner, repo: repo.repo, pull_number: number, state: 'closed' });
}
