// Reads the simulation's end state against what each repository should hold: the suite's figures, each with what it found.
import { STATUS_MARKER } from '../../src/rebuild/status-issue.js';
import type { GitHubSim } from '../support/github-sim/index.js';
import { expectedDependencies, expectedPrs, type FleetRepo } from './world.js';

/** A human commit pushed onto a Freshen branch: it must stay reachable from that branch. */
export interface HumanCommit {
  owner: string;
  repo: string;
  branch: string;
  sha: string;
}

export interface Figures {
  repos: number;
  /** Expected PRs that are not open. */
  lost: string[];
  /** More than one PR from the same Freshen branch, or a second dashboard. */
  duplicate: string[];
  /** Open Freshen PRs nobody expected. */
  unexpected: string[];
  /** A Freshen branch without its open PR, or whose tree misses part of its update. */
  halfWritten: string[];
  /** Human commits no longer reachable from their branch. */
  overwritten: string[];
  /** Dashboards that do not show the final state (PR numbers, default branch dependencies, no errors). */
  staleDashboards: string[];
}

export function summary(f: Figures): string {
  return `faults: ${f.repos} repos, ${f.lost.length} lost, ${f.duplicate.length} duplicate, ${f.halfWritten.length} half-written, ` +
    `${f.overwritten.length} overwritten, ${f.unexpected.length} unexpected, ${f.staleDashboards.length} stale dashboards`;
}

function reachable(sim: GitHubSim, owner: string, repo: string, from: string, target: string): boolean {
  const queue = [from];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const sha = queue.shift()!;
    if (sha === target) return true;
    if (seen.has(sha)) continue;
    seen.add(sha);
    queue.push(...(sim.getCommit(owner, repo, sha)?.parents ?? []));
  }
  return false;
}

export function audit(sim: GitHubSim, fleet: FleetRepo[], humans: HumanCommit[]): Figures {
  const f: Figures = { repos: fleet.length, lost: [], duplicate: [], unexpected: [], halfWritten: [], overwritten: [], staleDashboards: [] };
  for (const repo of fleet) {
    const where = `${repo.owner}/${repo.name}`;
    const expected = expectedPrs(repo);
    const pulls = sim.pulls(repo.owner, repo.name).filter((p) => p.head.startsWith('freshen/'));
    const open = pulls.filter((p) => p.state === 'open');
    for (const pr of expected) if (!open.some((p) => p.head === pr.branch)) f.lost.push(`${where} ${pr.branch}`);
    for (const head of new Set(pulls.map((p) => p.head))) {
      const count = pulls.filter((p) => p.head === head).length;
      if (count > 1) f.duplicate.push(`${where} ${head}: ${count} PRs`);
    }
    for (const p of open) if (!expected.some((e) => e.branch === p.head)) f.unexpected.push(`${where} #${p.number} ${p.head}`);
    for (const branch of Object.keys(sim.branches(repo.owner, repo.name)).filter((b) => b.startsWith('freshen/'))) {
      const pr = expected.find((e) => e.branch === branch);
      if (!open.some((p) => p.head === branch)) f.halfWritten.push(`${where} ${branch}: no open PR`);
      const missing = Object.entries(pr?.files ?? {}).filter(([path, text]) => sim.readFile(repo.owner, repo.name, branch, path) !== text).map(([path]) => path);
      if (missing.length > 0) f.halfWritten.push(`${where} ${branch}: ${missing.join(', ')} not as expected`);
    }
    const dashboards = sim.issues(repo.owner, repo.name).filter((i) => i.body?.includes(STATUS_MARKER));
    if (dashboards.length > 1) f.duplicate.push(`${where}: ${dashboards.length} dashboards`);
    const stale = dashboardProblems(dashboards[0]?.body ?? null, repo, open.map((p) => ({ branch: p.head, number: p.number })));
    if (stale) f.staleDashboards.push(`${where}: ${stale}`);
  }
  for (const h of humans) {
    const head = sim.branches(h.owner, h.repo)[h.branch];
    if (!head || !reachable(sim, h.owner, h.repo, head, h.sha)) f.overwritten.push(`${h.owner}/${h.repo} ${h.branch} ${h.sha.slice(0, 7)}`);
  }
  return f;
}

/** What the dashboard gets wrong about the repository's final state, or null. */
function dashboardProblems(body: string | null, repo: FleetRepo, open: { branch: string; number: number }[]): string | null {
  if (body === null) return 'no dashboard';
  for (const pr of expectedPrs(repo)) {
    const number = open.find((p) => p.branch === pr.branch)?.number;
    for (const u of pr.updates) {
      if (number === undefined || !body.includes(`(\`${u.file}:${u.line}\`) — #${number}`)) return `${u.file}:${u.line} not shown with its PR #${number}`;
    }
  }
  for (const d of expectedDependencies(repo)) {
    if (!body.includes(`line ${d.line}: \`${d.depName}\` \`${d.tag}\``)) return `dependency ${d.file}:${d.line} ${d.tag} not listed`;
  }
  const pending = /### Pending updates\n\n([\s\S]*?)\n\n###/.exec(body)?.[1] ?? '';
  if (pending.includes('- [ ]')) return 'an update without its PR is pending';
  if (!/### Errors\n\n_None\._/.test(body)) return 'errors shown';
  return null;
}
