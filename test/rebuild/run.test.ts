// The rebuild loop against a real registry and a real Redis: dispatch exactly when a base image changed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it, inject } from 'vitest';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { createHttpClient } from '../../src/http/index.js';
import { imageDependency } from '../../src/image/reference.js';
import { RebuildGate } from '../../src/rebuild/gate.js';
import { RebuildLedger } from '../../src/rebuild/ledger.js';
import { floatingBaseImages } from '../../src/rebuild/process.js';
import { publishedBaseReader } from '../../src/rebuild/published.js';
import { runRebuild, type RebuildDeps, type RebuildJob } from '../../src/rebuild/run.js';
import { rebuildSettingsSchema } from '../../src/rebuild/types.js';
import { onWorkflowRunCompleted } from '../../src/rebuild/workflow-run.js';
import { pushImage } from '../support/oci-push.js';
import { closeAll, connect, recordingDispatcher, repo, uniquePrefix } from './helpers.js';

afterAll(closeAll);

const host = inject('registryHost');
const registryUrl = `http://${host}`;
const http = createHttpClient({ insecureHosts: [host], retryBaseMs: 10 });

/** A fresh image under the tag: new content, so a new digest. */
async function pushBase(repository: string, tag: string, labels: Record<string, string> = {}): Promise<string> {
  const image = await pushImage(registryUrl, repository, tag, { files: [{ 'version.txt': randomUUID() }], labels });
  return image.digest;
}

let base: string;
let job: RebuildJob;
let deps: RebuildDeps & { dispatcher: ReturnType<typeof recordingDispatcher> };
let clock: Date;

type Settings = Record<string, unknown>;

function setup(settings: Settings | ((base: string) => Settings) = { workflow: '.github/workflows/build.yml' }) {
  base = `team-${randomUUID().slice(0, 8)}/python`;
  const deps_ = [
    imageDependency(`${host}/${base}:3.13-slim`, { manager: 'dockerfile', file: 'Dockerfile', line: 1 }),
    imageDependency(`${host}/${base}:3.13-slim`, { manager: 'dockerfile', file: 'worker/Dockerfile', line: 3 }),
    imageDependency(`${host}/${base}:3.12@sha256:${'c'.repeat(64)}`, { manager: 'dockerfile', file: 'old/Dockerfile', line: 1 }),
  ];
  job = {
    repo,
    trigger: 'scheduled',
    defaultBranch: 'main',
    images: floatingBaseImages(deps_, { process: 'rebuild' }),
    settings: rebuildSettingsSchema.parse(typeof settings === 'function' ? settings(base) : settings),
  };
  const prefix = uniquePrefix();
  const redis = connect();
  clock = new Date('2026-05-01T02:00:00Z');
  let n = 0;
  deps = {
    ledger: new RebuildLedger(redis, { prefix }),
    gate: new RebuildGate(redis, { prefix }),
    lookup: createOciClient({ http }),
    dispatcher: recordingDispatcher(),
    now: () => clock,
    newId: () => `id${++n}`,
  };
  return prefix;
}

/** Each run resolves afresh, as each scheduled job makes its own (memoizing) registry client. */
function run(j: RebuildJob = job) {
  const client = createOciClient({ http });
  return runRebuild(j, { ...deps, lookup: client, ...(deps.readPublishedBase ? { readPublishedBase: publishedBaseReader(client) } : {}) });
}
const baseImages = (i: number) => JSON.parse(String(deps.dispatcher.sent[i]!.payload['base_images'])) as Record<string, string>;

function workflowRun(conclusion: string, title: string, id = 900) {
  return {
    action: 'completed',
    repository: { id: repo.id, name: repo.name, owner: { login: repo.owner } },
    workflow_run: {
      id, event: 'workflow_dispatch', path: '.github/workflows/build.yml', display_title: title,
      conclusion, html_url: `https://github.example/runs/${id}`, created_at: clock.toISOString(), updated_at: clock.toISOString(),
      triggering_actor: { login: 'freshen[bot]' },
    },
  };
}

describe('runRebuild', () => {
  beforeEach(() => void setup());

  it('only the floating rebuild images are checked, once per name:tag', () => {
    expect(job.images).toHaveLength(1);
    expect(job.images[0]!.usedIn).toEqual(['Dockerfile:1', 'worker/Dockerfile:3']);
  });

  it('records a baseline, dispatches nothing while unchanged, exactly once when the tag moves', async () => {
    await pushBase(base, '3.13-slim');
    expect((await run()).status).toBe('nothing');
    expect((await run()).status).toBe('nothing');
    expect(deps.dispatcher.sent).toHaveLength(0);

    const moved = await pushBase(base, '3.13-slim');
    const outcome = await run();
    expect(outcome.status).toBe('dispatched');
    expect(deps.dispatcher.sent).toHaveLength(1);
    const sent = deps.dispatcher.sent[0]!;
    expect(sent).toMatchObject({ kind: 'workflow_dispatch', target: 'build.yml', ref: 'main' });
    expect(Object.keys(sent.payload).sort()).toEqual(['base_images', 'reason']);
    expect(Object.values(sent.payload).every((v) => typeof v === 'string')).toBe(true);
    expect(baseImages(0)).toEqual({ [`${host}/${base}:3.13-slim`]: moved });
    expect(sent.payload['reason']).toContain('[freshen:id1]');

    // While that build runs, the nightly check does not dispatch it again.
    expect((await run()).status).toBe('nothing');
    expect(deps.dispatcher.sent).toHaveLength(1);
  });

  it('a failed build is dispatched again on the next run; a successful one is not', async () => {
    await pushBase(base, '3.13-slim');
    await run();
    const moved = await pushBase(base, '3.13-slim');
    await run();
    const first = await onWorkflowRunCompleted(workflowRun('failure', 'Freshen: base image changed [freshen:id1]'), { ledger: deps.ledger });
    expect(first.dispatch?.result).toBe('failure');

    clock = new Date(clock.getTime() + 24 * 3_600_000);
    expect((await run()).status).toBe('dispatched');
    expect(deps.dispatcher.sent).toHaveLength(2);
    expect(baseImages(1)).toEqual({ [`${host}/${base}:3.13-slim`]: moved });

    const second = await onWorkflowRunCompleted(workflowRun('success', 'Freshen [freshen:id2]', 901), { ledger: deps.ledger });
    expect(second.dispatch?.result).toBe('success');
    clock = new Date(clock.getTime() + 24 * 3_600_000);
    expect((await run()).status).toBe('nothing');
    expect(deps.dispatcher.sent).toHaveLength(2);
  });

  it('the ledger outlives the connection: a restarted worker does not dispatch again', async () => {
    const prefix = uniquePrefix();
    const redis = connect();
    deps = { ...deps, ledger: new RebuildLedger(redis, { prefix }), gate: new RebuildGate(redis, { prefix }) };
    await pushBase(base, '3.13-slim');
    await run();
    await pushBase(base, '3.13-slim');
    await run();
    await onWorkflowRunCompleted(workflowRun('success', 'x [freshen:id1]'), { ledger: deps.ledger });
    await redis.quit();

    const restarted = connect();
    deps = { ...deps, ledger: new RebuildLedger(restarted, { prefix }), gate: new RebuildGate(restarted, { prefix }) };
    expect((await run()).status).toBe('nothing');
    expect(deps.dispatcher.sent).toHaveLength(1);
  });

  it('baseline: dispatch builds on first sight', async () => {
    setup({ workflow: 'build.yml', baseline: 'dispatch' });
    const digest = await pushBase(base, '3.13-slim');
    expect((await run()).status).toBe('dispatched');
    expect(baseImages(0)).toEqual({ [`${host}/${base}:3.13-slim`]: digest });
  });

  it('repository_dispatch by default, with a small client_payload', async () => {
    setup({});
    await pushBase(base, '3.13-slim');
    await run();
    const moved = await pushBase(base, '3.13-slim');
    await run();
    const sent = deps.dispatcher.sent[0]!;
    expect(sent).toMatchObject({ kind: 'repository_dispatch', target: 'freshen-rebuild' });
    expect(Object.keys(sent.payload).length).toBeLessThanOrEqual(10);
    expect(sent.payload['base_images']).toEqual({ [`${host}/${base}:3.13-slim`]: moved });
  });

  it('the published image label is the truth when rebuild.image is set', async () => {
    setup((b) => ({ workflow: 'build.yml', image: `${host}/${b}-app:latest` }));
    deps = { ...deps, readPublishedBase: publishedBaseReader(createOciClient({ http })) };
    const current = await pushBase(base, '3.13-slim');
    // Built from the current base: nothing to do even though the ledger has never seen it.
    await pushBase(`${base}-app`, 'latest', { 'org.opencontainers.image.base.name': `${host}/${base}:3.13-slim`, 'org.opencontainers.image.base.digest': current });
    const quiet = await run();
    expect(quiet.status).toBe('nothing');
    expect(quiet.plan?.publishedNote).toBeUndefined();
    expect(quiet.plan?.checks[0]).toMatchObject({ source: 'label', status: 'unchanged' });

    // Built from an older base: rebuild, although the ledger's baseline says current.
    await pushBase(`${base}-app`, 'latest', { 'org.opencontainers.image.base.digest': `sha256:${'d'.repeat(64)}` });
    expect((await run()).status).toBe('dispatched');
    expect(baseImages(0)).toEqual({ [`${host}/${base}:3.13-slim`]: current });
  });

  it('an unreadable published image falls back to the ledger', async () => {
    setup({ workflow: 'build.yml', image: `${host}/nobody/never:latest` });
    deps = { ...deps, readPublishedBase: publishedBaseReader(createOciClient({ http })) };
    await pushBase(base, '3.13-slim');
    const first = await run();
    expect(first.status).toBe('nothing');
    expect(first.plan?.publishedNote).toMatch(/using the ledger/);
    await pushBase(base, '3.13-slim');
    expect((await run()).status).toBe('dispatched');
  });

  it('a refused dispatch keeps the ledger and is shown, then retried next run', async () => {
    await pushBase(base, '3.13-slim');
    await run();
    await pushBase(base, '3.13-slim');
    deps.dispatcher.refuse = "Workflow does not have 'workflow_dispatch' trigger";
    await expect(run()).rejects.toThrow(/workflow_dispatch/);
    expect((await deps.ledger.lastDispatchError(repo.id))?.message).toMatch(/workflow_dispatch/);
    expect(await deps.ledger.dispatches(repo.id)).toEqual([]);
    expect(await deps.gate.isBusy(repo.id)).toBe(false);

    deps.dispatcher.refuse = null;
    expect((await run()).status).toBe('dispatched');
  });

  it('a tag that cannot be resolved is reported and the rest goes on', async () => {
    const missing = imageDependency(`${host}/${base}-gone:1`, { manager: 'dockerfile', file: 'x/Dockerfile', line: 1 });
    const extra = floatingBaseImages([missing], { process: 'rebuild' });
    await pushBase(base, '3.13-slim');
    const outcome = await run({ ...job, images: [...job.images, ...extra] });
    expect(outcome.plan?.checks.map((c) => c.status)).toEqual(['baseline', 'error']);
    expect(outcome.message).toMatch(/could not be resolved/);
  });
});
