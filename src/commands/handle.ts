// Carries out comment commands: acknowledge, check permission, act through injected ports, reply once.
import type { RebuildGate } from '../rebuild/gate.js';
import { renderStatusSections, type RepoStatus } from '../rebuild/status-issue.js';
import type { RepoRef } from '../rebuild/types.js';
import { inlineCode, neutraliseMentions } from '../markdown-safe.js';
import type { IgnoreStore } from './ignore-store.js';
import type { Command } from './parse.js';
import { checkCommandPermission, WHO_CAN_RUN, type FetchPermission } from './permission.js';

export type Reaction = 'eyes' | '+1' | 'confused';

export interface PullRequestInfo {
  number: number;
  headRef: string;
  body: string | null;
}

/** Everything a command does to the outside world; the app implements these with Octokit and BullMQ. */
export interface CommandPorts {
  /** A reaction on the comment that holds the commands. */
  react(content: Reaction): Promise<void>;
  /** A reply on the issue or PR of that comment. */
  reply(body: string): Promise<void>;
  getPermission: FetchPermission;
  /** True when the author has had no refusal reply in this repository lately (then they get one now). */
  firstRefusal(): Promise<boolean>;
  /** The pull request the comment is on (only asked when it is on one). */
  getPullRequest(): Promise<PullRequestInfo | null>;
  /** Start the rebuild job (`runRebuild` with trigger `command`); it replies to the requesters itself. */
  enqueueRebuild(): Promise<void>;
  /** Scan the repository now (pinned process). */
  enqueueScan(): Promise<void>;
  /** Re-resolve versions and regenerate a Freshen PR's branch now. */
  regeneratePr(prNumber: number): Promise<void>;
  getStatus(): Promise<RepoStatus>;
  /** Called after the ignore list changed, so the status issue can show it. */
  statusChanged?(): Promise<void>;
}

/** `P`: the ports available; running commands needs no permission port (it was checked before). */
export interface CommandContext<P extends RunPorts = CommandPorts> {
  repo: RepoRef;
  issueNumber: number;
  isPullRequest: boolean;
  commentId: number;
  author: string;
  /** `pinned` when no image of the repository follows the rebuild process. */
  repoProcess: 'pinned' | 'rebuild' | 'mixed';
  /** Forced rebuilds closer together than this are refused. */
  cooldownMs: number;
  gate: RebuildGate;
  ignoreStore: IgnoreStore;
  ports: P;
  now?: () => Date;
}

export interface CommandOutcome {
  ok: boolean;
  /** The reply text, or null when the outcome is told later (by the rebuild job). */
  message: string | null;
}

export interface CommentOutcome {
  allowed: boolean;
  outcomes: CommandOutcome[];
}

export const FRESHEN_BRANCH_PREFIX = 'freshen/';
const FRESHEN_PR_MARKER = '<!-- freshen:';

export function isFreshenPullRequest(pr: PullRequestInfo): boolean {
  return pr.headRef.startsWith(FRESHEN_BRANCH_PREFIX) || (pr.body ?? '').includes(FRESHEN_PR_MARKER);
}

export const HELP_TEXT = [
  'Freshen commands (at the start of a line; only ' + WHO_CAN_RUN + ' can run them):',
  '',
  '- `/rebuild` — in a repository on the rebuild process: dispatch the image build now, even without a base image change. `/rebuild <image>` limits it to one base image.',
  '  On a Freshen pull request: re-resolve versions and regenerate its branch now. Elsewhere in a pinned repository: scan now.',
  '- `/freshen status` — what Freshen sees: images, pending updates, last and next run.',
  '- `/freshen ignore <dependency> [<version>]` — never propose that dependency (or that version).',
  '- `/freshen unignore <dependency>` — propose it again.',
  '- `/freshen help` — this text.',
].join('\n');

const ok = (message: string | null): CommandOutcome => ({ ok: true, message });
const failed = (message: string): CommandOutcome => ({ ok: false, message });

function minutes(ms: number): string {
  const m = Math.ceil(ms / 60_000);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

async function forcedRebuild(image: string | null, ctx: CommandContext<RunPorts>): Promise<CommandOutcome> {
  const now = ctx.now?.() ?? new Date();
  const requester = { issueNumber: ctx.issueNumber, commentId: ctx.commentId, login: ctx.author };
  const answer = await ctx.gate.request(ctx.repo.id, { force: image ? [image] : 'all', checkChanged: false, requester }, now);
  if (answer.status === 'cooldown') {
    return failed(
      `A rebuild was dispatched at ${answer.lastDispatchAt}; to avoid floods, forced rebuilds wait ${minutes(ctx.cooldownMs)} between dispatches. ` +
        `Please try again in ${minutes(answer.retryAfterMs)}.`,
    );
  }
  // Coalesced: the queued rebuild now carries this request too and replies to everyone who asked.
  if (answer.status === 'coalesced') return ok(null);
  try {
    await ctx.ports.enqueueRebuild();
  } catch (err) {
    await ctx.gate.finish(ctx.repo.id, { force: [], checkChanged: false, requesters: [] }, { dispatched: false, cooldownMs: 0 });
    throw err;
  }
  return ok(null);
}

async function rebuild(image: string | null, ctx: CommandContext<RunPorts>): Promise<CommandOutcome> {
  const pr = ctx.isPullRequest ? await ctx.ports.getPullRequest() : null;
  if (pr && isFreshenPullRequest(pr)) {
    await ctx.ports.regeneratePr(pr.number);
    return ok('Re-resolving versions and regenerating this pull request’s branch from the default branch now.');
  }
  if (ctx.repoProcess !== 'pinned') return forcedRebuild(image, ctx);
  await ctx.ports.enqueueScan();
  const note = image ? ` (${inlineCode(image)} is ignored: this repository follows the pinned process, so nothing is dispatched)` : '';
  return ok(`Scanning this repository now${note}; updates arrive as pull requests.`);
}

async function ignore(dependency: string, version: string | null, ctx: CommandContext<RunPorts>): Promise<CommandOutcome> {
  const at = (ctx.now?.() ?? new Date()).toISOString();
  const added = await ctx.ignoreStore.ignore(ctx.repo.id, { dependency, version, by: ctx.author, at });
  await ctx.ports.statusChanged?.();
  const what = version ? `${inlineCode(dependency)} version ${inlineCode(version)}` : inlineCode(dependency);
  if (!added) return ok(`${what} was already ignored.`);
  return ok(`Freshen will no longer propose ${what}. Undo with ${inlineCode(`/freshen unignore ${dependency}`)}.`);
}

async function unignore(dependency: string, ctx: CommandContext<RunPorts>): Promise<CommandOutcome> {
  const removed = await ctx.ignoreStore.unignore(ctx.repo.id, dependency);
  if (removed === 0) return ok(`${inlineCode(dependency)} was not ignored; nothing changed.`);
  await ctx.ports.statusChanged?.();
  return ok(`Freshen will propose ${inlineCode(dependency)} again from the next scan.`);
}

/** One command, assuming the author may run it. */
export async function handleCommand(command: Command, ctx: CommandContext<RunPorts>): Promise<CommandOutcome> {
  switch (command.kind) {
    case 'rebuild':
      return rebuild(command.image, ctx);
    case 'help':
      return ok(HELP_TEXT);
    case 'status':
      return ok(`What Freshen sees in \`${ctx.repo.owner}/${ctx.repo.name}\`:\n\n${renderStatusSections(await ctx.ports.getStatus())}`);
    case 'ignore':
      return ignore(command.dependency, command.version, ctx);
    case 'unignore':
      return unignore(command.dependency, ctx);
    case 'invalid':
      return failed(`I did not understand ${inlineCode(command.text)}: ${command.problem}.`);
  }
}

/** The ports the commands themselves use; the permission was checked before. */
export type RunPorts = Omit<CommandPorts, 'getPermission' | 'firstRefusal'>;

/**
 * Asks GitHub whether the author may run commands, then acknowledges (👀). A refused author gets
 * 😕 and, once an hour per repository, one polite reply: someone without permission cannot make
 * Freshen spend the installation's writes. The caller then runs nothing.
 */
export async function acknowledgeComment(
  ports: Pick<CommandPorts, 'react' | 'reply' | 'getPermission' | 'firstRefusal'>,
  author: string,
): Promise<boolean> {
  const permission = await checkCommandPermission(ports.getPermission, author);
  if (permission.allowed) {
    await ports.react('eyes');
    return true;
  }
  if (await ports.firstRefusal()) await ports.reply(permission.refusal!);
  await ports.react('confused');
  return false;
}

/** Carries out commands already acknowledged and allowed: one reply with the outcomes, then 👍 or 😕. */
export async function runCommands(commands: readonly Command[], ctx: CommandContext<RunPorts>): Promise<CommandOutcome[]> {
  const outcomes: CommandOutcome[] = [];
  for (const command of dedupe(commands)) {
    try {
      outcomes.push(await handleCommand(command, ctx));
    } catch (err) {
      outcomes.push(failed(`${inlineCode(describe(command))} failed: ${neutraliseMentions((err as Error).message)}`));
    }
  }
  const messages = outcomes.map((o) => o.message).filter((m): m is string => m !== null);
  if (messages.length > 0) await ctx.ports.reply(messages.join('\n\n---\n\n'));
  // When every outcome is told later (a queued rebuild), the rebuild job reacts instead.
  if (messages.length > 0) await ctx.ports.react(outcomes.every((o) => o.ok) ? '+1' : 'confused');
  return outcomes;
}

/**
 * A comment's commands: permission asked of GitHub, 👀, each command carried out, one reply with
 * the outcomes, then 👍 or 😕. A refused author gets 😕 (and a reply once an hour); nothing runs.
 */
export async function handleComment(commands: readonly Command[], ctx: CommandContext): Promise<CommentOutcome> {
  if (commands.length === 0) return { allowed: false, outcomes: [] };
  if (!(await acknowledgeComment(ctx.ports, ctx.author))) return { allowed: false, outcomes: [] };
  return { allowed: true, outcomes: await runCommands(commands, ctx) };
}

function describe(command: Command): string {
  switch (command.kind) {
    case 'rebuild': return command.image ? `/rebuild ${command.image}` : '/rebuild';
    case 'ignore': return `/freshen ignore ${command.dependency}${command.version ? ` ${command.version}` : ''}`;
    case 'unignore': return `/freshen unignore ${command.dependency}`;
    case 'invalid': return command.text;
    default: return `/freshen ${command.kind}`;
  }
}

/** The same command twice in one comment runs once. */
function dedupe(commands: readonly Command[]): Command[] {
  const seen = new Set<string>();
  return commands.filter((c) => {
    const key = describe(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
