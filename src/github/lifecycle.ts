// Keeps each Freshen PR right: open, regenerate on newer versions or a moved base, hands off, close.
import { applyUpdatesWithArtifacts, touchedFiles, type ArtifactOptions } from '../engine/artifacts.js';
import type { PlannedUpdate } from '../engine/types.js';
import { branchFor } from '../config/groups.js';
import type { RepoConfig } from '../config/repo-config.js';
import type { RepoMemory } from './repo-memory.js';
import {
  HELD_BACK, needsSecurityLabel, proposalKey, renderBody, renderCommitMessage, renderHandsOffComment, renderObsoleteComment, renderTitle, toProposed,
  type ProposedUpdate,
} from '../render/pr.js';
import type { LocatedError, Logger } from '../types.js';
import { changeOf, commitOnNewBranch, createCommit, deleteBranch, pointBranch, readBranch, type BranchState } from './git-writer.js';
import { closePr, commentOn, openPr, updatePr, type FreshenPr } from './pulls.js';
import type { BranchHead, TreeFileSource } from './repo-reader.js';
import type { GitHub, RepoRef } from './types.js';

export interface LifecycleInput {
  gh: GitHub;
  repo: RepoRef;
  memory: RepoMemory;
  log: Logger;
  head: BranchHead;
  source: TreeFileSource;
  groups: Map<string, PlannedUpdate[]>;
  config: Pick<RepoConfig, 'prLimit' | 'labels'>;
  openPrs: Map<string, FreshenPr>;
  /** Files the scan could not fully read or look up: PRs touching them are not closed this time. */
  filesWithErrors: Set<string>;
  /** The app's npm credentials for lockfile regeneration (FRESHEN_NPMRC); never written into the repo. */
  artifacts?: Pick<ArtifactOptions, 'settings' | 'insecureRegistries' | 'log'>;
  /** PRs to rewrite even when their proposal and base are unchanged (`/rebuild` on the PR). */
  regenerate?: ReadonlySet<number>;
  /** Updates held back (release age, schedule): a PR proposing one of their dependencies stays as it is. */
  held?: readonly PlannedUpdate[];
  /** Groups asked for from the dashboard: opened even when prLimit is reached. */
  openNow?: ReadonlySet<string>;
  /** Per group, "held back: …" sentences for its PR body (an update of that group that waits). */
  heldNotes?: ReadonlyMap<string, readonly string[]>;
  /**
   * Asked right before a PR's writes (opening or regenerating it) with what they cost: reserves them
   * together, or throws (RateLimitedError) so the job is delayed before anything of that PR is written.
   */
  reserveWrites?: (updates: readonly PlannedUpdate[], writes: number) => Promise<void>;
}

/** PRs that fix known vulnerabilities carry this label besides the configured ones. */
export const SECURITY_LABEL = 'security';

export interface LifecycleResult {
  opened: number[];
  updated: number[];
  unchanged: number[];
  closed: number[];
  handsOff: number[];
  overLimit: string[];
  /** Group → number of its open PR after this run. */
  prs: Record<string, number>;
  /** Updates that could not be written (npm failing on the lockfile...), located. */
  writeErrors: LocatedError[];
}

/**
 * Content-creating requests a new PR costs: branch and commit (one GraphQL request), or, on a
 * branch left from before, tree, commit and ref; then the PR, and its labels when it gets any.
 */
export function writesToOpen(labels: readonly string[], onExistingBranch: boolean): number {
  return (onExistingBranch ? 3 : 2) + 1 + (labels.length > 0 ? 1 : 0);
}

export async function reconcilePrs(input: LifecycleInput): Promise<LifecycleResult> {
  const result: LifecycleResult = { opened: [], updated: [], unchanged: [], closed: [], handsOff: [], overLimit: [], prs: {}, writeErrors: [] };
  let openCount = input.openPrs.size;
  for (const [group, updates] of input.groups) {
    const branch = branchFor(group);
    const pr = input.openPrs.get(branch);
    if (pr) {
      result.prs[group] = pr.number;
      await syncOpenPr(input, pr, updates, result);
      continue;
    }
    if (openCount >= input.config.prLimit && !input.openNow?.has(group)) {
      result.overLimit.push(group);
      input.log.info({ group, prLimit: input.config.prLimit }, 'PR not opened: prLimit reached');
      continue;
    }
    if (await openNewPr(input, group, updates, result)) openCount += 1;
  }
  for (const pr of input.openPrs.values()) {
    if (input.groups.has(pr.group)) continue;
    await closeIfObsolete(input, pr, result);
  }
  return result;
}

interface Prepared {
  proposed: ProposedUpdate[];
  /** The written updates with their renderer data (release notes...). */
  planned: PlannedUpdate[];
  files: Map<string, string>;
}

/** Applies a group's updates to the default branch texts; an update that cannot be written is dropped. */
async function prepare(input: LifecycleInput, updates: PlannedUpdate[], result: LifecycleResult): Promise<Prepared> {
  const texts = await input.source.textsOf(new Set(updates.map((u) => u.file)));
  // Lockfiles and .npmrc count as managed paths, so they are in the tree the scan read.
  const readFile = (path: string) => input.source.read(path).catch(() => undefined);
  const { files, applied, errors } = await applyUpdatesWithArtifacts(texts, updates, { readFile, listFiles: () => input.source.listAll(), ...input.artifacts });
  for (const error of errors) input.log.warn({ file: error.file, line: error.line, dep: error.depName }, `update not written: ${error.message}`);
  result.writeErrors.push(...errors);
  const planned = applied.filter((u) => touchedFiles(u).some((f) => files.has(f)));
  return { proposed: planned.map(toProposed), planned, files };
}

/**
 * Puts Freshen's commit (on the default branch head) on the branch: a new branch through commitOnNewBranch, an existing one moved last.
 * `expectedSha` is the branch head checked to be Freshen's (null: no branch yet); false when someone pushed since.
 */
async function writeBranch(input: LifecycleInput, branch: string, prepared: Prepared, expectedSha: string | null): Promise<boolean> {
  const modes = new Map([...input.source.entries].map(([path, entry]) => [path, entry.mode]));
  const commit = { files: prepared.files, modes, message: renderCommitMessage(renderTitle(prepared.proposed), prepared.proposed) };
  if (expectedSha === null) {
    return commitOnNewBranch(input.gh, input.repo, {
      ...commit, branch, baseSha: input.head.commitSha, baseTreeSha: input.head.treeSha,
      ...(input.head.repoNodeId ? { repoNodeId: input.head.repoNodeId } : {}),
      remember: (sha) => input.memory.rememberCommit(sha),
      rememberEmptyBranch: async (sha, change) => {
        await input.memory.rememberCommit(emptyBranchMark(branch, sha));
        await input.memory.rememberCommit(askedForMark(branch, sha, change));
      },
    });
  }
  const created = await createCommit(input.gh, input.repo, { ...commit, parentSha: input.head.commitSha, baseTreeSha: input.head.treeSha });
  await input.memory.rememberCommit(created.sha);
  return pointBranch(input.gh, input.repo, branch, created.sha, expectedSha, input.head.repoNodeId ? { repoNodeId: input.head.repoNodeId } : {});
}

/**
 * The branch head is a commit Freshen made, or the base it created this branch at (empty: nobody's
 * work), or the commit it asked for on that base whose answer never came (it makes exactly the
 * change Freshen asked for: nobody else's work either).
 */
async function isOurs(input: LifecycleInput, branch: string, state: BranchState): Promise<boolean> {
  if ((await input.memory.isOwnCommit(state.sha)) || (await input.memory.isOwnCommit(emptyBranchMark(branch, state.sha)))) return true;
  const [parent] = state.parentShas;
  if (state.parentShas.length !== 1 || !parent || !(await input.memory.isOwnCommit(emptyBranchMark(branch, parent)))) return false;
  const change = await changeOf(input.gh, input.repo, state);
  if (change === null || !(await input.memory.isOwnCommit(askedForMark(branch, parent, change)))) return false;
  await input.memory.rememberCommit(state.sha);
  return true;
}

/** What is remembered when Freshen creates `branch` at `sha` before committing to it. */
export const emptyBranchMark = (branch: string, sha: string): string => `${branch}@${sha}`;
/** ... and the change (changeId) it then asks GitHub to commit there. */
const askedForMark = (branch: string, sha: string, change: string): string => `${branch}@${sha}#${change}`;

async function openNewPr(input: LifecycleInput, group: string, updates: PlannedUpdate[], result: LifecycleResult): Promise<boolean> {
  const branch = branchFor(group);
  const prepared = await prepare(input, updates, result);
  if (prepared.proposed.length === 0) return false;
  const existing = await readBranch(input.gh, input.repo, branch);
  if (existing && !(await isOurs(input, branch, existing))) {
    input.log.warn({ branch }, 'branch exists with commits that are not Freshen\'s; not touching it');
    return false;
  }
  const labels = needsSecurityLabel(prepared.planned) ? [...new Set([...input.config.labels, SECURITY_LABEL])] : input.config.labels;
  await input.reserveWrites?.(prepared.planned, writesToOpen(labels, existing !== null));
  if (!(await writeBranch(input, branch, prepared, existing?.sha ?? null))) {
    input.log.warn({ branch }, 'branch changed while the update was prepared; not touching it');
    return false;
  }
  const number = await openPr(input.gh, input.repo, {
    branch,
    base: input.head.branch,
    title: renderTitle(prepared.proposed),
    body: renderBody(group, prepared.proposed, prepared.planned, undefined, input.heldNotes?.get(group)),
    labels,
  });
  result.opened.push(number);
  result.prs[group] = number;
  input.log.info({ pr: number, branch, updates: prepared.proposed.length }, 'PR opened');
  return true;
}

async function syncOpenPr(input: LifecycleInput, pr: FreshenPr, updates: PlannedUpdate[], result: LifecycleResult): Promise<void> {
  const state = await readBranch(input.gh, input.repo, pr.branch);
  if (state && !(await isOurs(input, pr.branch, state))) {
    await handOff(input, pr, result);
    return;
  }
  const prepared = await prepare(input, updates, result);
  if (prepared.proposed.length === 0) {
    // The scan wanted updates but none could be written: a broken rewrite, not a reason to close.
    input.log.warn({ pr: pr.number }, 'PR left as is: none of its updates could be written');
    return;
  }
  const sameProposal = pr.marker !== null && proposalKey(pr.marker.updates) === proposalKey(prepared.proposed);
  const onCurrentBase = state !== null && state.parentShas.length === 1 && state.parentShas[0] === input.head.commitSha;
  const heldNotes = input.heldNotes?.get(pr.group) ?? [];
  const body = renderBody(pr.group, prepared.proposed, prepared.planned, undefined, heldNotes);
  if (sameProposal && onCurrentBase && !input.regenerate?.has(pr.number)) {
    // Same commit, but what waits beside it changed: the body says so, the branch stays.
    if (heldLinesOf(pr.body) !== heldLinesOf(body)) await updatePr(input.gh, input.repo, pr.number, { title: pr.title, body }, pr);
    result.unchanged.push(pr.number);
    return;
  }
  const title = renderTitle(prepared.proposed);
  const security = needsSecurityLabel(prepared.planned);
  // Tree, commit and ref (or branch and GraphQL commit), the PR edit when it changes, the security label.
  const writes = (state ? 3 : 2) + (title !== pr.title || body !== pr.body ? 1 : 0) + (security ? 1 : 0);
  await input.reserveWrites?.(prepared.planned, writes);
  if (!(await writeBranch(input, pr.branch, prepared, state?.sha ?? null))) {
    await handOff(input, pr, result);
    return;
  }
  await updatePr(input.gh, input.repo, pr.number, { title, body }, pr);
  if (security) {
    await input.gh.rest.issues.addLabels({ owner: input.repo.owner, repo: input.repo.repo, issue_number: pr.number, labels: [SECURITY_LABEL] });
  }
  result.updated.push(pr.number);
  input.log.info({ pr: pr.number, branch: pr.branch, reason: !sameProposal ? 'new versions' : onCurrentBase ? 'asked for' : 'base moved' }, 'PR regenerated');
}

const heldLinesOf = (body: string) => body.split('\n').filter((line) => line.startsWith(`- ${HELD_BACK}`)).sort().join('\n');

async function handOff(input: LifecycleInput, pr: FreshenPr, result: LifecycleResult): Promise<void> {
  result.handsOff.push(pr.number);
  if (await input.memory.firstNotice(`hands-off:${pr.number}`)) {
    await commentOn(input.gh, input.repo, pr.number, renderHandsOffComment(pr.branch));
  }
}

async function closeIfObsolete(input: LifecycleInput, pr: FreshenPr, result: LifecycleResult): Promise<void> {
  const files = pr.marker?.updates.map((u) => u.file) ?? [];
  if (files.some((f) => input.filesWithErrors.has(f))) {
    input.log.info({ pr: pr.number }, 'PR kept open: the scan had errors in its files');
    return;
  }
  const held = new Set((input.held ?? []).map((u) => `${u.file}\u0000${u.depName}`));
  if (pr.marker?.updates.some((u) => held.has(`${u.file}\u0000${u.depName}`))) {
    input.log.info({ pr: pr.number }, 'PR kept as is: a newer update of its dependencies is held back (release age or schedule)');
    return;
  }
  const state = await readBranch(input.gh, input.repo, pr.branch);
  if (state && !(await isOurs(input, pr.branch, state))) {
    await handOff(input, pr, result);
    return;
  }
  // Remembered first, so the pull_request.closed webhook this causes is not read as a human's "no".
  await input.memory.firstNotice(`closed-by-freshen:${pr.number}`);
  await commentOn(input.gh, input.repo, pr.number, renderObsoleteComment());
  await closePr(input.gh, input.repo, pr.number);
  await deleteBranch(input.gh, input.repo, pr.branch);
  result.closed.push(pr.number);
  input.log.info({ pr: pr.number, branch: pr.branch }, 'PR closed: nothing left to propose');
}
