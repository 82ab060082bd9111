// Collaborator permissions, workflow and repository dispatches, check runs and releases.
import { parse as parseYaml } from 'yaml';
import { findPath, getCommit, resolveCommitish } from '../git-objects.js';
import { loginJson, releaseJson } from '../json.js';
import { failed, invalid, json, noContent, notFound, paged, route, str, type Route, type RouteContext } from '../router.js';
import type { CheckRunRecord, Permission, ReleaseRecord, Reply } from '../types.js';

const LEGACY: Record<Permission, string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' };
const RANK: Permission[] = ['none', 'read', 'triage', 'write', 'maintain', 'admin'];

function collaboratorPermission(ctx: RouteContext): Reply {
  const login = ctx.params.username!;
  const role = ctx.sim.permissionOf(ctx.repo, login);
  const at = (p: Permission) => RANK.indexOf(role) >= RANK.indexOf(p);
  const permissions = { admin: at('admin'), maintain: at('maintain'), push: at('write'), triage: at('triage'), pull: at('read') };
  // Like GitHub, `permission` is the legacy role (maintain→write, triage→read); `role_name` is exact.
  return json(200, {
    permission: LEGACY[role],
    role_name: role,
    user: { ...loginJson(ctx, login), permissions, role_name: role },
  });
}

function workflowTriggers(text: string): Record<string, unknown> | null {
  const doc: unknown = parseYaml(text);
  if (!doc || typeof doc !== 'object') return null;
  const on = (doc as Record<string, unknown>).on;
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((e) => [String(e), null]));
  return on && typeof on === 'object' ? (on as Record<string, unknown>) : null;
}

function checkInputs(declared: Record<string, Record<string, unknown>>, given: Record<string, unknown>): string | null {
  const unexpected = Object.keys(given).filter((k) => !(k in declared));
  if (unexpected.length > 0) return `Unexpected inputs provided: ${JSON.stringify(unexpected)}`;
  for (const [name, spec] of Object.entries(declared)) {
    const value = given[name];
    if (value === undefined) {
      if (spec?.required === true && spec.default === undefined) return `Required input '${name}' not provided`;
      continue;
    }
    if (!['string', 'number', 'boolean'].includes(typeof value)) return `Provided value for input '${name}' must be a string`;
    if (Array.isArray(spec?.options) && !spec.options.map(String).includes(String(value))) {
      return `Provided value '${String(value)}' for input '${name}' not in the list of allowed values`;
    }
  }
  return null;
}

function dispatchWorkflow(ctx: RouteContext): Reply {
  const { repo } = ctx;
  const ref = str(ctx.body.ref);
  if (!ref) return invalid('WorkflowDispatch', 'ref', 'missing_field');
  const commit = resolveCommitish(repo, ref);
  if (!commit) return failed(422, `No ref found for: ${ref}`);
  const entry = findPath(repo, getCommit(repo, commit)!.tree, `.github/workflows/${ctx.params.workflow}`);
  const blob = entry ? repo.objects.get(entry.sha) : undefined;
  if (blob?.type !== 'blob') return notFound();
  let triggers: Record<string, unknown> | null;
  try {
    triggers = workflowTriggers(blob.content.toString('utf8'));
  } catch {
    return failed(422, `Invalid workflow file: .github/workflows/${ctx.params.workflow}`);
  }
  if (!triggers || !('workflow_dispatch' in triggers)) return failed(422, "Workflow does not have 'workflow_dispatch' trigger");
  const spec = triggers.workflow_dispatch as { inputs?: Record<string, Record<string, unknown>> } | null;
  const inputs = (ctx.body.inputs ?? {}) as Record<string, unknown>;
  if (typeof inputs !== 'object' || Array.isArray(inputs)) return invalid('WorkflowDispatch', 'inputs', 'invalid');
  const problem = checkInputs(spec?.inputs ?? {}, inputs);
  if (problem) return failed(422, problem);
  ctx.sim.workflowDispatches.push({
    owner: repo.owner.login, repo: repo.name, workflow: ctx.params.workflow!, ref, inputs,
    installationId: ctx.auth.kind === 'installation' ? ctx.auth.installationId : null, at: ctx.sim.now(),
  });
  return noContent();
}

function dispatchRepository(ctx: RouteContext): Reply {
  const eventType = str(ctx.body.event_type);
  if (!eventType) return invalid('RepositoryDispatch', 'event_type', 'missing_field');
  if (eventType.length > 100) return failed(422, 'event_type is too long (maximum is 100 characters)');
  const payload = ctx.body.client_payload ?? {};
  if (typeof payload !== 'object' || Array.isArray(payload) || payload === null) return failed(422, 'client_payload must be an object');
  const keys = Object.keys(payload).length;
  if (keys > 10) return failed(422, `client_payload: No more than 10 properties are allowed; ${keys} were supplied.`);
  ctx.sim.repositoryDispatches.push({
    owner: ctx.repo.owner.login, repo: ctx.repo.name, eventType, clientPayload: payload as Record<string, unknown>,
    installationId: ctx.auth.kind === 'installation' ? ctx.auth.installationId : null, at: ctx.sim.now(),
  });
  return noContent();
}

function checkRunJson(ctx: RouteContext, run: CheckRunRecord): Record<string, unknown> {
  const base = `${ctx.apiBase}/repos/${ctx.repo.owner.login}/${ctx.repo.name}`;
  const out = run.output ?? {};
  return {
    id: run.id, name: run.name, head_sha: run.headSha, status: run.status, conclusion: run.conclusion,
    external_id: run.externalId, details_url: run.detailsUrl, started_at: run.startedAt, completed_at: run.completedAt,
    url: `${base}/check-runs/${run.id}`, html_url: `${ctx.sim.htmlBase}/${ctx.repo.owner.login}/${ctx.repo.name}/runs/${run.id}`,
    output: { title: out.title ?? null, summary: out.summary ?? null, text: out.text ?? null, annotations_count: Array.isArray(out.annotations) ? out.annotations.length : 0 },
    app: { id: ctx.sim.app.id, slug: ctx.sim.app.slug, name: ctx.sim.app.name },
  };
}

function applyCheckRun(ctx: RouteContext, run: CheckRunRecord): Reply | null {
  const { status, conclusion, output } = ctx.body;
  if (status !== undefined && !['queued', 'in_progress', 'completed'].includes(String(status))) return invalid('CheckRun', 'status', 'invalid');
  if (typeof status === 'string') run.status = status;
  if (typeof conclusion === 'string') Object.assign(run, { conclusion, status: 'completed' });
  if (run.status === 'completed' && !run.conclusion) return invalid('CheckRun', 'conclusion', 'missing_field');
  if (run.status === 'completed') run.completedAt ??= ctx.sim.isoNow();
  if (output && typeof output === 'object') run.output = output as Record<string, unknown>;
  if (typeof ctx.body.details_url === 'string') run.detailsUrl = ctx.body.details_url;
  if (typeof ctx.body.name === 'string') run.name = ctx.body.name;
  return null;
}

function createCheckRun(ctx: RouteContext): Reply {
  const name = str(ctx.body.name);
  const headSha = str(ctx.body.head_sha);
  if (!name) return invalid('CheckRun', 'name', 'missing_field');
  if (!headSha || !getCommit(ctx.repo, headSha)) return failed(422, `No commit found for SHA: ${String(headSha)}`);
  const run: CheckRunRecord = {
    id: ctx.sim.nextId(), name, headSha, status: 'queued', conclusion: null, output: null, detailsUrl: null,
    externalId: str(ctx.body.external_id) ?? null, app: ctx.sim.app.slug, startedAt: ctx.sim.isoNow(), completedAt: null,
  };
  const problem = applyCheckRun(ctx, run);
  if (problem) return problem;
  ctx.repo.checkRuns.push(run);
  return json(201, checkRunJson(ctx, run));
}

function updateCheckRun(ctx: RouteContext): Reply {
  const run = ctx.repo.checkRuns.find((r) => r.id === Number(ctx.params.id));
  if (!run) return notFound();
  return applyCheckRun(ctx, run) ?? json(200, checkRunJson(ctx, run));
}

function visibleReleases(ctx: RouteContext): ReleaseRecord[] {
  const inst = ctx.auth.kind === 'installation' ? ctx.sim.installations.get(ctx.auth.installationId) : undefined;
  const canPush = inst?.repoIds.has(ctx.repo.id) === true;
  return ctx.repo.releases.filter((r) => canPush || !r.draft);
}

function latestRelease(ctx: RouteContext): Reply {
  const stable = visibleReleases(ctx).filter((r) => !r.draft && !r.prerelease);
  stable.sort((a, b) => String(b.publishedAt).localeCompare(String(a.publishedAt)));
  return stable[0] ? json(200, releaseJson(ctx, ctx.repo, stable[0])) : notFound();
}

/** An asset's facts, or its bytes with `Accept: application/octet-stream` (GitHub redirects to them; the sim serves them directly). */
function releaseAsset(ctx: RouteContext): Reply {
  const id = Number(ctx.params.id);
  const release = visibleReleases(ctx).find((r) => r.assets.some((a) => a.id === id));
  const asset = release?.assets.find((a) => a.id === id);
  if (!release || !asset) return notFound();
  if (ctx.headers.get('accept')?.includes('application/octet-stream')) return { status: 200, bytes: asset.content };
  const facts = releaseJson(ctx, ctx.repo, release) as { assets: { id: number }[] };
  return json(200, facts.assets.find((a) => a.id === id));
}

const P = '/repos/:owner/:repo';
export const actionRoutes: Route[] = [
  route('GET', `${P}/collaborators/:username/permission`, 'repo-read', collaboratorPermission),
  route('GET', `${P}/collaborators/:username`, 'repo-read', (ctx) =>
    ctx.repo.permissions.has(ctx.params.username!.toLowerCase()) && ctx.sim.permissionOf(ctx.repo, ctx.params.username!) !== 'none' ? noContent() : notFound(),
  ),
  route('POST', `${P}/actions/workflows/:workflow/dispatches`, 'repo-write', dispatchWorkflow, 'actions'),
  route('POST', `${P}/dispatches`, 'repo-write', dispatchRepository, 'contents'),
  route('POST', `${P}/check-runs`, 'repo-write', createCheckRun, 'checks'),
  route('PATCH', `${P}/check-runs/:id`, 'repo-write', updateCheckRun, 'checks'),
  route('GET', `${P}/commits/:ref/check-runs`, 'repo-read', (ctx) => {
    const sha = resolveCommitish(ctx.repo, ctx.params.ref!);
    const runs = ctx.repo.checkRuns.filter((r) => r.headSha === sha);
    return json(200, { total_count: runs.length, check_runs: runs.map((r) => checkRunJson(ctx, r)) });
  }),
  route('GET', `${P}/releases`, 'repo-read', (ctx) => paged(ctx, visibleReleases(ctx), (r) => releaseJson(ctx, ctx.repo, r))),
  route('GET', `${P}/releases/latest`, 'repo-read', latestRelease),
  route('GET', `${P}/releases/tags/*tag`, 'repo-read', (ctx) => {
    const release = visibleReleases(ctx).find((r) => r.tagName === ctx.params.tag);
    return release ? json(200, releaseJson(ctx, ctx.repo, release)) : notFound();
  }),
  route('GET', `${P}/releases/assets/:id`, 'repo-read', releaseAsset),
  route('GET', `${P}/releases/:id`, 'repo-read', (ctx) => {
    const release = visibleReleases(ctx).find((r) => r.id === Number(ctx.params.id));
    return release ? json(200, releaseJson(ctx, ctx.repo, release)) : notFound();
  }),
  route('GET', `${P}/tags`, 'repo-read', (ctx) => {
    const tags = [...ctx.repo.refs].filter(([ref]) => ref.startsWith('refs/tags/')).reverse();
    const base = `${ctx.apiBase}/repos/${ctx.repo.owner.login}/${ctx.repo.name}`;
    return paged(ctx, tags, ([ref, sha]) => {
      const name = ref.slice('refs/tags/'.length);
      return { name, commit: { sha, url: `${base}/commits/${sha}` }, zipball_url: `${base}/zipball/${name}`, tarball_url: `${base}/tarball/${name}`, node_id: `REF_${name}` };
    });
  }),
];

/** The web side of a release: `browser_download_url` (public repositories only, as without a browser session). */
export const downloadRoutes: Route[] = [
  route('GET', '/:owner/:repo/releases/download/:tag/:name', 'any', (ctx) => {
    const repo = ctx.sim.findRepo(ctx.params.owner!, ctx.params.repo!);
    const release = repo && !repo.private ? repo.releases.find((r) => !r.draft && r.tagName === ctx.params.tag) : undefined;
    const asset = release?.assets.find((a) => a.name === ctx.params.name);
    return asset ? { status: 200, bytes: asset.content } : { status: 404, text: 'Not Found' };
  }),
];
