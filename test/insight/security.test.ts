// Vulnerabilities an update fixes, from OSV served by a loopback fake: OS packages and npm/PyPI packages.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { OsvClient } from '../../src/datasources/osv/index.js';
import { directorySource } from '../../src/engine/directory-source.js';
import { scan } from '../../src/engine/index.js';
import type { PlannedUpdate, PlanState } from '../../src/engine/types.js';
import { createHttpClient } from '../../src/http/index.js';
import { osEcosystem } from '../../src/insight/ecosystems.js';
import { securityPlanner } from '../../src/insight/security.js';
import { whatChangedPlanner } from '../../src/insight/what-changed.js';
import { fixesVulnerabilities, renderBody, toProposed } from '../../src/render/pr.js';
import { silentLogger } from '../../src/types.js';
import { startOsvFake, type OsvFake } from '../support/osv-fake.js';
import { checkout, debianImage } from './images.js';

const host = inject('registryHost');
const registryUrl = `http://${host}`;
const run = Math.random().toString(36).slice(2, 8);
let osv: OsvFake;
let oldDigest: string;

beforeAll(async () => {
  osv = await startOsvFake([
    { id: 'DSA-5678-1', ecosystem: 'Debian:12', name: 'openssl', versions: ['3.0.11-1~deb12u2'], aliases: ['CVE-2024-0727'], summary: 'openssl: denial of service via a crafted PKCS12 file', severity: 'MODERATE' },
    { id: 'DEBIAN-CVE-2024-2511', ecosystem: 'Debian:12', name: 'openssl', versions: ['3.0.11-1~deb12u2', '3.0.13-1~deb12u1'], summary: 'still there after the update' },
    { id: 'DLA-9999-1', ecosystem: 'Debian:12', name: 'wget', versions: ['1.21.3-1'], severity: 'HIGH', summary: 'wget | with a pipe\nand a newline' },
    { id: 'GHSA-35jh-r3h4-6jhm', ecosystem: 'npm', name: 'lodash', versions: ['4.17.20'], aliases: ['CVE-2021-23337'], severity: 'HIGH', summary: 'Command Injection in lodash' },
    { id: 'PYSEC-2021-1', ecosystem: 'PyPI', name: 'jinja2', versions: ['2.11.2', '2.11.3'], summary: 'not fixed by 2.11.3' },
  ]);
  oldDigest = (await debianImage(registryUrl, `sec-${run}/debian`, '12.1', [
    { name: 'libssl3', version: '3.0.11-1~deb12u2', source: 'openssl' },
    { name: 'wget', version: '1.21.3-1+b2', source: 'wget (1.21.3-1)' },
    { name: 'curl', version: '7.88.1-10+deb12u5' },
  ])).digest;
  await debianImage(registryUrl, `sec-${run}/debian`, '12.2', [
    { name: 'libssl3', version: '3.0.13-1~deb12u1', source: 'openssl' },
    { name: 'curl', version: '7.88.1-10+deb12u5' },
  ]);
});
afterAll(() => osv.close());

const osvClient = () => new OsvClient(createHttpClient({ insecureHosts: [new URL(osv.url).host] }), osv.url);

describe('OSV ecosystems', () => {
  it.each([
    ['debian', '12', 'Debian:12'],
    ['debian', '11', 'Debian:11'],
    ['ubuntu', '22.04', 'Ubuntu:22.04:LTS'],
    ['ubuntu', '23.10', 'Ubuntu:23.10'],
    ['alpine', '3.20.3', 'Alpine:v3.20'],
    ['alpine', '3.21_alpha20240807', null],
    ['debian', null, null],
    ['fedora', '40', null],
  ])('%s %s → %s', (distro, release, expected) => {
    expect(osEcosystem(distro, release)).toBe(expected);
  });
});

describe('vulnerabilities fixed by an image update', () => {
  it('lists what was present before and is gone after, by source package, with severity and aliases', async () => {
    const images = createOciClient({ insecureRegistries: [host] });
    const result = await scan(directorySource(checkout({ Dockerfile: `FROM ${host}/sec-${run}/debian:12.1@${oldDigest}\n` })), {
      images, log: silentLogger, planners: [whatChangedPlanner({ images }), securityPlanner({ osv: osvClient() })],
    });
    const update = result.updates[0]!;
    expect(update.extra?.security).toBe(true);
    const fixed = update.extra!.vulnerabilitiesFixed!;
    expect(fixed.map((v) => [v.id, v.severity, v.package])).toEqual([
      ['DLA-9999-1', 'HIGH', 'wget (Debian:12)'],
      ['DSA-5678-1', 'MODERATE', 'openssl (Debian:12)'],
    ]);
    expect(fixed[1]!.aliases).toEqual(['CVE-2024-0727']);
    // Source packages and source versions are what is asked, once each.
    const asked = osv.batches.at(-1)!.map((q) => `${q.package.ecosystem} ${q.package.name} ${q.version}`).sort();
    expect(asked).toEqual(['Debian:12 openssl 3.0.11-1~deb12u2', 'Debian:12 openssl 3.0.13-1~deb12u1', 'Debian:12 wget 1.21.3-1']);

    const proposed = [toProposed(update)];
    expect(fixesVulnerabilities([update])).toBe(true);
    const body = renderBody('container-images', proposed, [update]);
    expect(body).toContain('**Security:** this PR fixes 2 known vulnerabilities');
    expect(body).toContain('**Vulnerabilities fixed (2)**');
    expect(body).toContain('| [DSA-5678-1](https://osv.dev/vulnerability/DSA-5678-1) (CVE-2024-0727) | MODERATE | openssl (Debian:12) | openssl: denial of service via a crafted PKCS12 file |');
    expect(body).toContain('| [DLA-9999-1](https://osv.dev/vulnerability/DLA-9999-1) | HIGH | wget (Debian:12) | wget with a pipe and a newline |');
    expect(body).not.toContain('DEBIAN-CVE-2024-2511');
  });

  it('asks about npm and PyPI updates by their versions', async () => {
    const deps = [
      { manager: 'npm', datasource: 'npm', file: 'package.json', line: 3, depName: 'lodash', currentValue: '4.17.20', currentDigest: null },
      { manager: 'pip', datasource: 'pypi', file: 'requirements.txt', line: 1, depName: 'jinja2', currentValue: '2.11.2', currentDigest: null },
      { manager: 'npm', datasource: 'npm', file: 'package.json', line: 4, depName: 'left-pad', currentValue: '^1.0.0', currentDigest: null },
    ];
    const update = (i: number, newValue: string): PlannedUpdate => ({
      manager: deps[i]!.manager, file: deps[i]!.file, line: deps[i]!.line, depName: deps[i]!.depName, from: deps[i]!.currentValue, to: newValue,
      updateType: 'patch', newValue, newDigest: null, depIndex: i === 2 ? 1 : 0,
    });
    const state: PlanState = {
      dependencies: deps, texts: new Map(), updates: [update(0, '4.17.21'), update(1, '2.11.3'), update(2, '1.3.0')], held: [], errors: [], options: {},
    };
    await securityPlanner({ osv: osvClient() }).plan(state, { images: createOciClient(), log: silentLogger });
    const [lodash, jinja, leftPad] = state.updates;
    expect(lodash!.extra!.vulnerabilitiesFixed!.map((v) => [v.id, v.package, v.severity])).toEqual([['GHSA-35jh-r3h4-6jhm', 'lodash (npm)', 'HIGH']]);
    expect(lodash!.extra?.security).toBe(true);
    expect(jinja!.extra?.security).toBeUndefined();
    expect(leftPad!.extra).toBeUndefined();
    const asked = osv.batches.at(-1)!.map((q) => `${q.package.ecosystem} ${q.package.name} ${q.version}`).sort();
    expect(asked).toEqual(['PyPI jinja2 2.11.2', 'PyPI jinja2 2.11.3', 'npm lodash 4.17.20', 'npm lodash 4.17.21']);
  });

  it('asks by the installed versions the language planner knew (a range in package.json, Go without its v)', async () => {
    const deps = [
      { manager: 'npm', datasource: 'npm', file: 'package.json', line: 3, depName: 'lodash', currentValue: '^4.17.0', currentDigest: null },
      { manager: 'gomod', datasource: 'go', file: 'go.mod', line: 5, depName: 'example.com/greet', currentValue: 'v1.0.0', currentDigest: null },
    ];
    const facts = (i: number, from: string, to: string) => ({ package: { datasource: deps[i]!.datasource, name: deps[i]!.depName, fromVersion: from, toVersion: to } });
    const state: PlanState = {
      dependencies: deps, texts: new Map(), held: [], errors: [], options: {},
      updates: [
        { manager: 'npm', file: 'package.json', line: 3, depName: 'lodash', from: '4.17.20', to: '4.17.21', updateType: 'patch', newValue: '^4.17.0', newDigest: null, depIndex: 0, extra: facts(0, '4.17.20', '4.17.21') },
        { manager: 'gomod', file: 'go.mod', line: 5, depName: 'example.com/greet', from: 'v1.0.0', to: 'v1.1.0', updateType: 'minor', newValue: 'v1.1.0', newDigest: null, depIndex: 0, extra: facts(1, 'v1.0.0', 'v1.1.0') },
      ],
    };
    await securityPlanner({ osv: osvClient() }).plan(state, { images: createOciClient(), log: silentLogger });
    expect(state.updates[0]!.extra?.vulnerabilitiesFixed?.map((v) => v.id)).toEqual(['GHSA-35jh-r3h4-6jhm']);
    const asked = osv.batches.at(-1)!.map((q) => `${q.package.ecosystem} ${q.package.name} ${q.version}`).sort();
    expect(asked).toEqual(['Go example.com/greet 1.0.0', 'Go example.com/greet 1.1.0', 'npm lodash 4.17.20', 'npm lodash 4.17.21']);
  });

  it('follows OSV result pages', async () => {
    const paged = await startOsvFake(
      ['A', 'B', 'C'].map((id) => ({ id: `OSV-${id}`, ecosystem: 'npm', name: 'x', versions: ['1.0.0'] })),
      { pageSize: 2 },
    );
    try {
      const client = new OsvClient(createHttpClient({ insecureHosts: [new URL(paged.url).host] }), paged.url);
      expect(await client.affecting([{ ecosystem: 'npm', name: 'x', version: '1.0.0' }, { ecosystem: 'npm', name: 'x', version: '2.0.0' }])).toEqual([['OSV-A', 'OSV-B', 'OSV-C'], []]);
      expect(paged.batches).toHaveLength(2);
    } finally {
      await paged.close();
    }
  });
});
