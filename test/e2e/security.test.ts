// End to end: a base image digest update whose new layers fix a known vulnerability → a PR labelled `security` with CVE rows.
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { AppStack } from '../support/app-stack.js';
import { startOsvFake, type OsvFake } from '../support/osv-fake.js';
import { debianImage } from '../insight/images.js';
import { DashboardRepo, OWNER, REPO, startProductionStack, uniqueName } from './dashboard-support.js';

const registryHost = inject('registryHost');
let osv: OsvFake;
let stack: AppStack;

beforeAll(async () => {
  osv = await startOsvFake([
    { id: 'DSA-5678-1', ecosystem: 'Debian:12', name: 'openssl', versions: ['3.0.11-1~deb12u2'], aliases: ['CVE-2024-0727'], summary: 'openssl: denial of service via a crafted PKCS12 file', severity: 'MODERATE' },
  ]);
  stack = await startProductionStack({ redisUrl: inject('redisUrl'), registryHost, osvUrl: osv.url, insecure: [new URL(osv.url).host] });
});
afterAll(async () => {
  expect(stack.sim.unhandled).toEqual([]);
  await stack.stop();
  await osv.close();
});

it('labels the PR `security` and lists the fixed vulnerabilities in its body', async () => {
  const name = uniqueName('debian');
  const old = await debianImage(`http://${registryHost}`, name, '12', [{ name: 'libssl3', version: '3.0.11-1~deb12u2', source: 'openssl' }, { name: 'curl', version: '7.88.1-10+deb12u5' }]);
  // The same tag re-pushed with the fixed openssl: a digest update.
  const fixed = await debianImage(`http://${registryHost}`, name, '12', [{ name: 'libssl3', version: '3.0.13-1~deb12u1', source: 'openssl' }, { name: 'curl', version: '7.88.1-10+deb12u5' }]);
  const repo = new DashboardRepo(stack);
  await repo.install({ Dockerfile: `FROM ${registryHost}/${name}:12@${old.digest}\n`, '.github/freshen.yml': 'labels: [deps]\n' });
  const [pr] = repo.openPulls();
  expect(stack.sim.readFile(OWNER, REPO, pr!.head, 'Dockerfile')).toBe(`FROM ${registryHost}/${name}:12@${fixed.digest}\n`);
  expect(pr!.labels).toEqual(['deps', 'security']);
  expect(pr!.body).toContain('**Security:** this PR fixes 1 known vulnerability');
  expect(pr!.body).toContain('| [DSA-5678-1](https://osv.dev/vulnerability/DSA-5678-1) (CVE-2024-0727) | MODERATE | openssl (Debian:12) | openssl: denial of service via a crafted PKCS12 file |');
  expect(pr!.body).toMatch(/libssl3.*3\.0\.11-1~deb12u2.*3\.0\.13-1~deb12u1/);
}, 60_000);
