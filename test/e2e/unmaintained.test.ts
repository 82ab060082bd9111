// End to end: a base whose tag stopped getting rebuilds is flagged on the dashboard and the status issue; the PR to the newest line says so first and is labelled `security`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, inject, it } from 'vitest';
import type { AppStack } from '../support/app-stack.js';
import { pushImage } from '../support/oci-push.js';
import { DEBIAN_12 } from '../insight/images.js';
import { DashboardRepo, OWNER, REPO, startProductionStack, uniqueName } from './dashboard-support.js';

const registryHost = inject('registryHost');
const DAY = 86_400_000;
// The build dates the images carry, set once so a run across midnight reads the same days.
const OLD = new Date(Date.now() - 400 * DAY).toISOString();
const NEW = new Date(Date.now() - 3 * DAY).toISOString();
const day = (iso: string) => iso.slice(0, 10);

let releaseData: Server;
let releaseDataUrl: string;
let stack: AppStack | undefined;

beforeAll(async () => {
  // Debian's release data as published (distro-info-data's columns), served on loopback.
  releaseData = createServer((req, res) => {
    if (req.url !== '/debian.csv') return void res.writeHead(404).end();
    res.end('version,codename,series,created,release,eol,eol-lts,eol-elts\n12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-06-10,2028-06-30,2033-06-30\n');
  });
  await new Promise<void>((resolve) => releaseData.listen(0, '127.0.0.1', resolve));
  releaseDataUrl = `http://127.0.0.1:${(releaseData.address() as AddressInfo).port}/debian.csv`;
});
afterAll(() => new Promise<void>((resolve) => releaseData.close(() => resolve())));
afterEach(async () => {
  expect(stack?.sim.unhandled).toEqual([]);
  await stack?.stop();
  stack = undefined;
});

/** `3.8-slim` built 400 days ago, `3.13-slim` 3 days ago: the first stopped, its variant moves on. */
async function staleBase(): Promise<string> {
  const name = uniqueName('python');
  await pushImage(`http://${registryHost}`, name, '3.8-slim', { created: OLD, files: [{ 'etc/os-release': DEBIAN_12, 'v': '3.8\n' }] });
  await pushImage(`http://${registryHost}`, name, '3.13-slim', { created: NEW, files: [{ 'etc/os-release': DEBIAN_12, 'v': '3.13\n' }] });
  return `${registryHost}/${name}`;
}

async function start(): Promise<DashboardRepo> {
  stack = await startProductionStack({ redisUrl: inject('redisUrl'), registryHost, insecure: ['127.0.0.1'], env: { FRESHEN_DEBIAN_RELEASES_URL: releaseDataUrl } });
  return new DashboardRepo(stack);
}

it('pinned process: the dashboard flags the base; the PR says so in its first sentence and gets the security label', async () => {
  const image = await staleBase();
  const repo = await start();
  await repo.install({ Dockerfile: `FROM ${image}:3.8-slim\nRUN make\n`, '.github/freshen.yml': 'labels: [deps]\n' });
  const [pr] = repo.openPulls();
  expect(stack!.sim.readFile(OWNER, REPO, pr!.head, 'Dockerfile')).toMatch(new RegExp(`^FROM ${image}:3\\.13-slim@sha256:[0-9a-f]{64}\\n`));
  expect(pr!.body!.split('\n')[0]).toBe(
    `**\`${image}:3.8-slim\` is no longer maintained:** its image was last built on ${day(OLD)}, while \`3.13-slim\` was rebuilt on ${day(NEW)}, so rebuilding on it brings no fixes.` +
      ' Debian 12 (bookworm) security support ended on 2026-06-10 (LTS until 2028-06-30). This PR moves to `3.13-slim`, the newest maintained line.',
  );
  expect(pr!.labels).toEqual(['deps', 'security']);
  const row = repo.dashboard().split('\n').find((line) => line.startsWith(`| \`${image}:3.8-slim\` | pinned |`));
  expect(row).toContain(`**no longer maintained**: image built ${day(OLD)}; \`3.13-slim\` built ${day(NEW)} since; Debian 12 (bookworm) security support ended on 2026-06-10`);
}, 90_000);

it('rebuild process without a dashboard: the status issue flags the floating base it rebuilds on', async () => {
  const image = await staleBase();
  const repo = await start();
  await repo.install({ Dockerfile: `FROM ${image}:3.8-slim\nRUN make\n`, '.github/freshen.yml': 'process: rebuild\ndashboard: false\n' });
  const status = repo.dashboard();
  expect(status).toContain('Freshen keeps the container images');
  const row = status.split('\n').find((line) => line.startsWith(`| \`${image}:3.8-slim\` | rebuild |`));
  expect(row).toContain(`**no longer maintained**: image built ${day(OLD)}; \`3.13-slim\` built ${day(NEW)} since`);
  // The newest line is proposed as a tag change (no digest on the rebuild process), labelled `security`.
  const [pr] = repo.openPulls();
  expect(stack!.sim.readFile(OWNER, REPO, pr!.head, 'Dockerfile')).toBe(`FROM ${image}:3.13-slim\nRUN make\n`);
  expect(pr!.body).toMatch(/^\*\*`[^`]+:3\.8-slim` is no longer maintained:\*\*/);
  expect(pr!.labels).toContain('security');
}, 90_000);
