// Helpers for the dashboard, security and npm e2e tests: the production scan context on the app stack, a repo, ticking a box.
import { randomBytes } from 'node:crypto';
import { loadEnv } from '../../src/config/env.js';
import { installationClients } from '../../src/github/client.js';
import { installationReleaseNotes, installationToolReleases } from '../../src/main.js';
import { enqueueRepoScan } from '../../src/queue/jobs.js';
import { registryScanContext } from '../../src/jobs/scan-context.js';
import { installOneRepo, startAppStack, type AppStack } from '../support/app-stack.js';
import type { GitHubSimOptions } from '../support/github-sim/index.js';
import { appKeys } from '../support/github-sim/testing.js';

export const OWNER = 'acme';
export const REPO = 'shop';
const MARKER = '<!-- freshen:status -->';

export const uniqueName = (what: string) => `dash${randomBytes(4).toString('hex')}/${what}`;

/**
 * The app stack with the scan context main() builds from a validated environment: all planners,
 * OSV, npm settings (FRESHEN_NPMRC, one line per `\\n`), release notes through the installation's client.
 */
export function startProductionStack(opts: {
  redisUrl: string; registryHost: string; insecure?: string[]; osvUrl?: string; npmrc?: string; env?: Record<string, string>;
  /** GitHub simulation options and port (tool release assets served at `htmlBase`). */
  sim?: GitHubSimOptions; simPort?: number;
}): Promise<AppStack> {
  const env = loadEnv({
    APP_ID: '1', PRIVATE_KEY: appKeys().privateKey, WEBHOOK_SECRET: 'e2e', REDIS_URL: opts.redisUrl,
    FRESHEN_INSECURE_REGISTRIES: [opts.registryHost, ...(opts.insecure ?? [])].join(','),
    FRESHEN_OSV_URL: opts.osvUrl ?? 'off',
    FRESHEN_DEBIAN_RELEASES_URL: 'off', FRESHEN_ALPINE_RELEASES_URL: 'off',
    FRESHEN_RELEASE_NOTES_TTL_SECONDS: '600',
    ...(opts.npmrc ? { FRESHEN_NPMRC: opts.npmrc } : {}),
    ...opts.env,
  });
  const { REDIS_URL: _shared, redis: _target, ...withoutSharedCache } = env;
  return startAppStack({
    redisUrl: opts.redisUrl,
    registryHost: opts.registryHost,
    ...(opts.sim ? { sim: opts.sim } : {}),
    ...(opts.simPort ? { simPort: opts.simPort } : {}),
    scanContext: ({ probot, ns }) =>
      registryScanContext(withoutSharedCache, {
        releaseNotes: installationReleaseNotes({ github: installationClients(probot), redis: ns.memory }, env.FRESHEN_RELEASE_NOTES_TTL_SECONDS),
        toolReleases: installationToolReleases({ github: installationClients(probot), redis: ns.memory }, env.FRESHEN_RELEASE_NOTES_TTL_SECONDS),
      }),
  });
}

export class DashboardRepo {
  installationId = 0;
  repoId = 0;

  constructor(readonly stack: AppStack) {}

  async install(files: Record<string, string>): Promise<void> {
    ({ installationId: this.installationId, repoId: this.repoId } = await installOneRepo(this.stack, OWNER, REPO, files, 60_000));
    this.stack.sim.setPermission(OWNER, REPO, 'alice', 'write');
  }

  async scan(): Promise<void> {
    await enqueueRepoScan(this.stack.ns.queue, { installationId: this.installationId, repoId: this.repoId, owner: OWNER, repo: REPO, reason: 'test' });
    await this.stack.settle(60_000);
  }

  dashboards() {
    return this.stack.sim.issues(OWNER, REPO).filter((i) => (i.body ?? '').includes(MARKER));
  }

  dashboard(): string {
    const all = this.dashboards();
    if (all.length !== 1) throw new Error(`expected one dashboard, found ${all.length}`);
    return all[0]!.body ?? '';
  }

  openPulls() {
    return this.stack.sim.pulls(OWNER, REPO).filter((p) => p.state === 'open');
  }

  /** Someone ticks the first box whose line contains `text`, as GitHub's issue editor would, and the webhook arrives. */
  async tick(user: string, text: string, issueAuthor = this.stack.sim.botLogin): Promise<void> {
    const issue = this.dashboards()[0]!;
    const before = issue.body ?? '';
    const line = before.split('\n').find((l) => l.startsWith('- [ ] ') && l.includes(text));
    if (!line) throw new Error(`no box for ${text} in:\n${before}`);
    const after = before.replace(line, line.replace('- [ ] ', '- [x] '));
    issue.body = after;
    await this.stack.deliver('issues', {
      action: 'edited',
      installation: { id: this.installationId },
      repository: { id: this.repoId, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER, type: 'Organization' } },
      issue: { number: issue.number, title: issue.title, body: after, user: { login: issueAuthor, type: 'Bot' } },
      changes: { body: { from: before } },
      sender: { login: user, type: 'User' },
    });
    await this.stack.settle(60_000);
  }

  /** Writes to the dashboard issue since the last clearRequests(). */
  dashboardWrites(): number {
    const number = this.dashboards()[0]?.number;
    return this.stack.sim.requests.filter((r) => r.method === 'PATCH' && r.path === `/repos/${OWNER}/${REPO}/issues/${number}`).length;
  }
}
