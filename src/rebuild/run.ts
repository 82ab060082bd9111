// The rebuild job: check the floating base images, dispatch one build if needed, tell whoever asked.
import type { ImageLookup } from '../engine/types.js';
import { inlineCode } from '../markdown-safe.js';
import type { Logger } from '../types.js';
import { silentLogger } from '../types.js';
import { matchImages, planRebuild, type ImageCheck, type PublishedBaseReader, type RebuildPlan } from './decide.js';
import { buildDispatch, newDispatchId, sendDispatch, type DispatchImage, type DispatchPort } from './dispatch.js';
import type { PendingRebuild, RebuildGate, RebuildRequester } from './gate.js';
import type { DispatchRecord, RebuildLedger } from './ledger.js';
import { durationMs, type FloatingBaseImage, type RebuildSettings, type RepoRef } from './types.js';

/** Replies and reactions on the comments that asked for the rebuild. */
export interface RequesterPort {
  reply(issueNumber: number, body: string): Promise<void>;
  react(commentId: number, content: '+1' | 'confused'): Promise<void>;
}

export interface RebuildJob {
  repo: RepoRef;
  /** `scheduled` checks for changed bases itself; `command` serves what `/rebuild` comments queued. */
  trigger: 'scheduled' | 'command';
  defaultBranch: string;
  images: readonly FloatingBaseImage[];
  settings: RebuildSettings;
}

export interface RebuildDeps {
  ledger: RebuildLedger;
  gate: RebuildGate;
  lookup: ImageLookup;
  dispatcher: DispatchPort;
  readPublishedBase?: PublishedBaseReader;
  requesters?: RequesterPort;
  now?: () => Date;
  newId?: () => string;
  log?: Logger;
  /** An in-flight dispatch older than this no longer holds back a new one. Default 6 h. */
  inFlightMs?: number;
}

export interface RebuildOutcome {
  status: 'dispatched' | 'nothing' | 'busy';
  message: string;
  plan?: RebuildPlan;
  dispatch?: DispatchRecord;
}

const short = (digest: string | null) => (digest ? digest.replace(/^sha256:/, '').slice(0, 12) : 'none');

function describeCheck(c: ImageCheck): string {
  const name = `\`${c.image.written[0]}\``;
  switch (c.status) {
    case 'changed': return `${name} changed (${short(c.previousDigest)} → ${short(c.currentDigest)})`;
    case 'forced': return `${name} at ${short(c.currentDigest)} (asked for)`;
    case 'unchanged': return `${name} unchanged at ${short(c.currentDigest)}`;
    case 'baseline': return `${name} seen for the first time at ${short(c.currentDigest)}, recorded`;
    case 'in-flight': return `${name} at ${short(c.currentDigest)} is already being built`;
    case 'skipped': return `${name} not part of this request`;
    case 'error': return `${name} could not be resolved: ${c.error}`;
  }
}

function reasonText(plan: RebuildPlan, pending: PendingRebuild): string {
  const forcedBy = [...new Set(pending.requesters.map((r) => `@${r.login}`))];
  const changed = plan.toDispatch.filter((c) => c.status === 'changed').map((c) => c.image.written[0]);
  if (changed.length > 0) return `Freshen: base image changed: ${changed.join(', ')}`;
  return `Freshen: rebuild asked for by ${forcedBy.length > 0 ? forcedBy.join(', ') : 'a command'}`;
}

/** Runs one rebuild for a repository. Throws when GitHub refuses the dispatch (after telling the requesters). */
export async function runRebuild(job: RebuildJob, deps: RebuildDeps): Promise<RebuildOutcome> {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? silentLogger;
  if (job.trigger === 'scheduled') {
    const answer = await deps.gate.request(job.repo.id, { force: [], checkChanged: true }, now());
    if (answer.status !== 'queued') return { status: 'busy', message: 'a rebuild of this repository is already queued; the scheduled check joined it' };
  }
  const pending = await deps.gate.pending(job.repo.id);
  const cooldownMs = durationMs(job.settings.cooldown);
  let outcome: RebuildOutcome;
  try {
    outcome = await checkAndDispatch(job, deps, pending, now);
  } catch (err) {
    await deps.ledger.recordDispatchError(job.repo.id, { at: now().toISOString(), message: (err as Error).message });
    const late = await deps.gate.finish(job.repo.id, pending, { dispatched: false, cooldownMs, now: now() });
    await tellRequesters(deps, [...pending.requesters, ...late], `GitHub refused the rebuild dispatch: ${(err as Error).message}`, false);
    throw err;
  }
  const dispatched = outcome.status === 'dispatched';
  const late = await deps.gate.finish(job.repo.id, pending, { dispatched, cooldownMs, now: now() });
  await tellRequesters(deps, pending.requesters, outcome.message, dispatched);
  const lateNote = dispatched
    ? `A rebuild was already running when you asked. ${outcome.message}`
    : `A rebuild check was already running when you asked and dispatched nothing. Please ask again.`;
  await tellRequesters(deps, late, lateNote, dispatched);
  log.info({ repo: job.repo.id, status: outcome.status }, outcome.message);
  return outcome;
}

async function checkAndDispatch(job: RebuildJob, deps: RebuildDeps, pending: PendingRebuild, now: () => Date): Promise<RebuildOutcome> {
  const named = pending.force === 'all' ? null : matchImages(pending.force, job.images);
  const inFlightMs = deps.inFlightMs ?? 6 * 3_600_000;
  const recent = (await deps.ledger.dispatches(job.repo.id)).filter((d) => now().getTime() - Date.parse(d.at) < inFlightMs);
  const plan = await planRebuild({
    images: job.images,
    lookup: deps.lookup,
    built: await deps.ledger.built(job.repo.id),
    inFlight: recent,
    force: named === null ? 'all' : named.keys,
    checkChanged: pending.checkChanged,
    baseline: job.settings.baseline,
    ...(job.settings.image && deps.readPublishedBase ? { published: { image: job.settings.image, read: deps.readPublishedBase } } : {}),
  });
  for (const c of plan.toRecord) await deps.ledger.recordBaseline(job.repo.id, c.image.key, c.currentDigest!, now());
  const unknown = named && named.unknown.length > 0 ? ` No floating base image matches ${named.unknown.map((n) => inlineCode(n)).join(', ')}.` : '';
  const details = plan.checks.map((c) => `- ${describeCheck(c)}`).join('\n');
  if (job.images.length === 0) return { status: 'nothing', plan, message: `Nothing to rebuild: this repository has no floating base images that follow the rebuild process.` };
  if (plan.toDispatch.length === 0) return { status: 'nothing', plan, message: `Nothing dispatched.${unknown}\n\n${details}` };

  const id = (deps.newId ?? newDispatchId)();
  const images: DispatchImage[] = plan.toDispatch.map((c) => ({ key: c.image.key, written: c.image.written[0]!, digest: c.currentDigest! }));
  const request = buildDispatch(job.settings, images, { id, reason: reasonText(plan, pending), defaultBranch: job.defaultBranch });
  const forced = plan.toDispatch.some((c) => c.status === 'forced');
  const dispatch = await sendDispatch(deps.dispatcher, job.repo, request, { id, images, forced, at: now });
  await deps.ledger.recordDispatch(job.repo.id, dispatch);
  const target = request.kind === 'workflow_dispatch' ? `workflow \`${request.workflow}\` on \`${request.ref}\`` : `repository_dispatch \`${request.eventType}\``;
  return { status: 'dispatched', plan, dispatch, message: `Dispatched ${target}.${unknown}\n\n${details}` };
}

async function tellRequesters(deps: RebuildDeps, requesters: readonly RebuildRequester[], message: string, ok: boolean): Promise<void> {
  if (!deps.requesters || requesters.length === 0) return;
  const byIssue = new Map<number, RebuildRequester[]>();
  for (const r of requesters) byIssue.set(r.issueNumber, [...(byIssue.get(r.issueNumber) ?? []), r]);
  for (const [issueNumber, group] of byIssue) {
    const mentions = [...new Set(group.map((r) => `@${r.login}`))].join(' ');
    await deps.requesters.reply(issueNumber, `${mentions} ${message}`);
    for (const r of group) await deps.requesters.react(r.commentId, ok ? '+1' : 'confused');
  }
}
