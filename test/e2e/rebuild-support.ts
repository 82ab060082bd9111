// Helpers for the rebuild-process e2e tests: base images in the real registry, a repo on the rebuild process, webhooks.
import { randomBytes, randomUUID } from 'node:crypto';
import { installationClients } from '../../src/github/client.js';
import { enqueueRepoScan } from '../../src/queue/jobs.js';
import { startWorker, stopWorker, type FreshenWorker } from '../../src/queue/worker.js';
import { silentLogger } from '../../src/types.js';
import { installOneRepo, testScanContext, type AppStack } from '../support/app-stack.js';
import { pushImage } from '../support/oci-push.js';

export const OWNER = 'acme';
export const REPO = 'app';

/** A workflow that takes Freshen's inputs, as docs/app.md shows. */
export const BUILD_WORKFLOW = [
  'name: build',
  'run-name: ${{ inputs.reason }}',
  'on:',
  '  push:',
  '  workflow_dispatch:',
  '    inputs:',
  '      reason: { type: string, required: false }',
  '      base_images: { type: string, required: false }',
  'jobs: {}',
  '',
].join('\n');

/** A new image under the tag (new content, so a new digest). */
export async function pushBase(registryHost: string, repository: string, tag: string): Promise<string> {
  const image = await pushImage(`http://${registryHost}`, repository, tag, { files: [{ 'version.txt': randomUUID() }] });
  return image.digest;
}

export const uniqueName = (what: string) => `e2e${randomBytes(4).toString('hex')}/${what}`;

export class RepoUnderTest {
  installationId = 0;
  repoId = 0;

  constructor(readonly stack: AppStack) {}

  async install(files: Record<string, string>): Promise<void> {
    ({ installationId: this.installationId, repoId: this.repoId } = await installOneRepo(this.stack, OWNER, REPO, files));
  }

  /** The scheduled run of the repository. */
  async scheduledRun(): Promise<void> {
    await enqueueRepoScan(this.stack.ns.queue, { installationId: this.installationId, repoId: this.repoId, owner: OWNER, repo: REPO, reason: 'schedule' });
    await this.stack.settle();
  }

  get repository() {
    return { id: this.repoId, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER, type: 'Organization' } };
  }

  workflowDispatches() {
    return this.stack.sim.workflowDispatches.filter((d) => d.repo === REPO && d.owner === OWNER);
  }

  /** GitHub telling the app that the run of a dispatch finished. */
  async runCompleted(dispatchIndex: number, conclusion: 'success' | 'failure', runId: number): Promise<void> {
    const dispatch = this.workflowDispatches()[dispatchIndex]!;
    const at = new Date().toISOString();
    await this.stack.deliver('workflow_run', {
      action: 'completed',
      installation: { id: this.installationId },
      repository: this.repository,
      workflow_run: {
        id: runId, run_attempt: 1, event: 'workflow_dispatch', path: `.github/workflows/${dispatch.workflow}`,
        display_title: String(dispatch.inputs['reason']), conclusion, status: 'completed',
        html_url: `https://github.example/${OWNER}/${REPO}/actions/runs/${runId}`, created_at: at, updated_at: at,
        actor: { login: 'freshen[bot]', type: 'Bot' }, triggering_actor: { login: 'freshen[bot]', type: 'Bot' },
      },
      sender: { login: 'freshen[bot]', type: 'Bot' },
    });
    await this.stack.settle();
  }

  /** A person comments on an issue or PR; the sim records it and the webhook is delivered. */
  async comment(
    number: number,
    user: string,
    body: string,
    opts: { action?: 'created' | 'edited'; bot?: boolean; isPr?: boolean; settle?: boolean } = {},
  ): Promise<number> {
    const comment = this.stack.sim.comment(OWNER, REPO, number, user, body);
    const userJson = { login: user, type: opts.bot ? 'Bot' : 'User' };
    await this.stack.deliver('issue_comment', {
      action: opts.action ?? 'created',
      installation: { id: this.installationId },
      repository: this.repository,
      issue: { number, title: 'x', ...(opts.isPr ? { pull_request: { url: 'x' } } : {}) },
      comment: { id: comment.id, body, user: userJson },
      sender: userJson,
    });
    if (opts.settle !== false) await this.stack.settle();
    return comment.id;
  }

  reactions(commentId: number): string[] {
    return this.stack.sim.reactions(OWNER, REPO, { commentId }).map((r) => r.content).sort();
  }

  repliesOn(number: number): string[] {
    return this.stack.sim.comments(OWNER, REPO, number).filter((c) => c.user === this.stack.sim.botLogin).map((c) => c.body);
  }

  statusIssues() {
    // The rebuild status issue is the dashboard: one issue, found by its marker whatever its title.
    return this.stack.sim.issues(OWNER, REPO).filter((i) => (i.body ?? '').includes('<!-- freshen:status -->'));
  }
}

/** A second worker process on the same Redis (the first one is stopped): what survives a restart. */
export async function restartWorker(stack: AppStack, registryHost: string): Promise<FreshenWorker> {
  await stopWorker(stack.worker, 5_000);
  const worker = startWorker({
    connection: stack.ns.connection,
    redis: stack.ns.memory,
    queue: stack.ns.queue,
    prefix: stack.ns.prefix,
    github: installationClients(stack.probot),
    scanContext: testScanContext(registryHost),
    log: silentLogger,
  });
  worker.on('failed', (job, err) => stack.failures.push(`${job?.name} ${job?.id}: ${err.stack ?? err.message}`));
  return worker;
}
