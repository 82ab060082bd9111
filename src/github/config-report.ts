// Tells the user about an invalid config on a status issue, updated in place and closed once fixed.
import type { ConfigProblem } from '../config/repo-config.js';
import type { RepoMemory } from '../queue/memory.js';
import { renderConfigProblems } from '../render/pr.js';
import type { GitHub, RepoRef } from './types.js';

export const STATUS_ISSUE_TITLE = 'Freshen cannot read its configuration';
const STATUS_MARKER = '<!-- freshen:config-status -->';

export async function reportConfigProblems(
  gh: GitHub,
  repo: RepoRef,
  memory: RepoMemory,
  problems: ConfigProblem[],
  commitSha: string,
): Promise<number> {
  const body = `${renderConfigProblems(problems)}\n\nChecked at commit ${commitSha}. This issue closes itself when the configuration is valid again.\n\n${STATUS_MARKER}`;
  const existing = await openStatusIssue(gh, repo, memory);
  if (existing && existing.body === body) return existing.number;
  if (existing) {
    await gh.rest.issues.update({ owner: repo.owner, repo: repo.repo, issue_number: existing.number, body });
    return existing.number;
  }
  const { data: issue } = await gh.rest.issues.create({ owner: repo.owner, repo: repo.repo, title: STATUS_ISSUE_TITLE, body });
  await memory.setStatusIssue(issue.number);
  return issue.number;
}

export async function clearConfigProblems(gh: GitHub, repo: RepoRef, memory: RepoMemory): Promise<void> {
  const existing = await openStatusIssue(gh, repo, memory);
  if (!existing) return;
  await gh.rest.issues.createComment({
    owner: repo.owner,
    repo: repo.repo,
    issue_number: existing.number,
    body: 'The configuration is valid again; Freshen resumes its work.',
  });
  await gh.rest.issues.update({ owner: repo.owner, repo: repo.repo, issue_number: existing.number, state: 'closed' });
}

async function openStatusIssue(gh: GitHub, repo: RepoRef, memory: RepoMemory): Promise<{ number: number; body: string } | null> {
  const number = await memory.statusIssue();
  if (number === null) return null;
  try {
    const { data } = await gh.rest.issues.get({ owner: repo.owner, repo: repo.repo, issue_number: number });
    return data.state === 'open' ? { number, body: data.body ?? '' } : null;
  } catch (err) {
    if ((err as { status?: number }).status === 404 || (err as { status?: number }).status === 410) return null;
    throw err;
  }
}
