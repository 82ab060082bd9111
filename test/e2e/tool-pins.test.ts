// End to end: a Dockerfile whose base image moves and which downloads a tool gets one PR holding both, checksums moved with the tool.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { AppStack } from '../support/app-stack.js';
import { pushImage } from '../support/oci-push.js';
import { freePort } from '../support/ports.js';
import { DashboardRepo, OWNER, REPO, startProductionStack, uniqueName } from './dashboard-support.js';
import { gosuInstall, OLD_SUM } from '../support/gosu-fixture.js';

const registryHost = inject('registryHost');
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const binary = (what: string) => Buffer.from(`${what} ${'x'.repeat(300)}\n`);
let stack: AppStack;

beforeAll(async () => {
  const port = await freePort();
  const htmlBase = `http://127.0.0.1:${port}`;
  stack = await startProductionStack({ redisUrl: inject('redisUrl'), registryHost, insecure: [`127.0.0.1:${port}`], sim: { htmlBase }, simPort: port });
  stack.sim.createRepo({ owner: 'tianon', name: 'gosu', private: false, files: { README: 'gosu' } });
  for (const tag of ['1.17', '1.18']) {
    const amd64 = binary(`gosu ${tag} amd64`);
    const arm64 = binary(`gosu ${tag} arm64`);
    stack.sim.createRelease('tianon', 'gosu', {
      tag,
      body: `gosu ${tag}: ${tag === '1.18' ? 'built with a newer Go' : 'the release in use'}`,
      assets: { 'gosu-amd64': amd64, 'gosu-arm64': arm64, SHA256SUMS: `${sha256(amd64)}  gosu-amd64\n${sha256(arm64)}  gosu-arm64\n` },
    });
  }
}, 60_000);
afterAll(async () => {
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
});


it('opens exactly one PR with the base image update and the tool version with its checksums', async () => {
  const name = uniqueName('base');
  const old = await pushImage(`http://${registryHost}`, name, '1.0');
  const next = await pushImage(`http://${registryHost}`, name, '1.1');
  const repo = new DashboardRepo(stack);
  await repo.install({
    Dockerfile: `FROM ${registryHost}/${name}:1.0@${old.digest}\n${gosuInstall()}`,
  });
  const pulls = repo.openPulls();
  expect(pulls).toHaveLength(1);
  const pr = pulls[0]!;
  const dockerfile = stack.sim.readFile(OWNER, REPO, pr.head, 'Dockerfile')!;
  expect(dockerfile).toContain(`FROM ${registryHost}/${name}:1.1@${next.digest}\n`);
  expect(dockerfile).toContain('ENV GOSU_VERSION 1.18\n');
  // The checksums now match the bytes the release serves for 1.18.
  expect(dockerfile).toContain(`amd64) sha256='${sha256(binary('gosu 1.18 amd64'))}' ;;`);
  expect(dockerfile).toContain(`arm64) sha256='${sha256(binary('gosu 1.18 arm64'))}' ;;`);
  expect(dockerfile).not.toContain(OLD_SUM(1));

  const body = pr.body ?? '';
  expect(body).toContain(`${name}:1.1`);
  expect(body).toContain('`GOSU_VERSION=1.17` → `GOSU_VERSION=1.18`');
  expect(body).toMatch(/checksums move with the version: amd64 from SHA256SUMS of release 1\.18; arm64 from SHA256SUMS of release 1\.18/);
  expect(body).toContain('### Release notes of `tianon/gosu`');
  expect(body).toContain('gosu 1.18: built with a newer Go');
  expect(body).not.toContain('the release in use');
}, 90_000);
