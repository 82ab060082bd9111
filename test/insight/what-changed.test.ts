// What changed inside base images, read from synthetic images in the real registry: dpkg, status.d, apk.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { directorySource } from '../../src/engine/directory-source.js';
import { scan } from '../../src/engine/index.js';
import type { PlannedUpdate, Planner } from '../../src/engine/types.js';
import { MemoryImageFactsCache } from '../../src/insight/image-facts.js';
import type { WhatChanged } from '../../src/insight/what-changed.js';
import { whatChangedPlanner } from '../../src/insight/what-changed.js';
import { silentLogger } from '../../src/types.js';
import { alpineImage, checkout, debianImage, distrolessImage, type Pkg } from './images.js';

const host = inject('registryHost');
const registryUrl = `http://${host}`;
const run = Math.random().toString(36).slice(2, 8);
const digests: Record<string, string> = {};

async function scanWith(files: Record<string, string>, planners: (images: ReturnType<typeof createOciClient>) => Planner[]) {
  const images = createOciClient({ insecureRegistries: [host] });
  return scan(directorySource(checkout(files)), { images, log: silentLogger, planners: planners(images) });
}

const v1: Pkg[] = [
  { name: 'libssl3', version: '3.0.11-1~deb12u2', source: 'openssl' },
  { name: 'openssl', version: '3.0.11-1~deb12u2' },
  { name: 'curl', version: '7.88.1-10+deb12u5' },
  { name: 'wget', version: '1.21.3-1+b2', source: 'wget (1.21.3-1)' },
  { name: 'tzdata', version: '2024a-0+deb12u1' },
  { name: 'old-config', version: '1.0-1', status: 'deinstall ok config-files' },
];
const v2: Pkg[] = [
  { name: 'libssl3', version: '3.0.13-1~deb12u1', source: 'openssl' },
  { name: 'openssl', version: '3.0.13-1~deb12u1' },
  { name: 'curl', version: '7.88.1-10+deb12u5' },
  { name: 'jq', version: '1.6-2.1' },
  { name: 'tzdata', version: '2024a-0+deb12u1' },
];
const source = 'https://github.com/acme/debian-image';
const label = (revision: string, version: string) => ({
  'org.opencontainers.image.source': source,
  'org.opencontainers.image.revision': revision,
  'org.opencontainers.image.version': version,
});

beforeAll(async () => {
  digests.deb1 = (await debianImage(registryUrl, `insight-${run}/debian`, '12.1', v1, { created: '2024-05-01T10:00:00Z', labels: label('1111111aaaa', '12.1') })).digest;
  digests.deb2 = (await debianImage(registryUrl, `insight-${run}/debian`, '12.2', v2, { created: '2024-06-01T10:00:00Z', annotations: label('2222222bbbb', '12.2') })).digest;
  await distrolessImage(registryUrl, `insight-${run}/distroless`, '1.0', v1.slice(0, 4));
  await distrolessImage(registryUrl, `insight-${run}/distroless`, '1.1', v2.slice(0, 4));
  await alpineImage(registryUrl, `insight-${run}/alpine`, '3.20.1', [
    { name: 'busybox', version: '1.36.1-r28' },
    { name: 'ssl_client', version: '1.36.1-r28', origin: 'busybox' },
    { name: 'libcrypto3', version: '3.3.1-r0', origin: 'openssl' },
    { name: 'zlib', version: '1.3.1-r1' },
  ]);
  await alpineImage(registryUrl, `insight-${run}/alpine`, '3.20.2', [
    { name: 'busybox', version: '1.36.1-r29' },
    { name: 'ssl_client', version: '1.36.1-r29', origin: 'busybox' },
    { name: 'libcrypto3', version: '3.3.2-r0', origin: 'openssl' },
    { name: 'scanelf', version: '1.3.7-r2', origin: 'pax-utils' },
  ]);
});

function whatChangedOf(update: Pick<PlannedUpdate, 'extra'> | undefined): WhatChanged {
  const found = update?.extra?.whatChanged;
  expect(found).toBeDefined();
  return found!;
}

describe('what changed inside a base image', () => {
  it('diffs dpkg status: upgraded, added, removed; ignores packages that are not installed', async () => {
    const result = await scanWith(
      { Dockerfile: `FROM ${host}/insight-${run}/debian:12.1@${digests.deb1}\n` },
      (images) => [whatChangedPlanner({ images })],
    );
    expect(result.errors).toEqual([]);
    const update = result.updates.find((u) => u.updateType === 'minor');
    const { packageDiff: diff, markdown, before, after } = whatChangedOf(update);
    expect(diff?.format).toBe('dpkg');
    expect(diff?.upgraded.map((c) => [c.name, c.from, c.to])).toEqual([
      ['libssl3', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1'],
      ['openssl', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1'],
    ]);
    expect(diff?.added.map((p) => p.name)).toEqual(['jq']);
    expect(diff?.removed.map((p) => [p.name, p.source, p.sourceVersion])).toEqual([['wget', 'wget', '1.21.3-1']]);
    expect(diff?.unchanged).toBe(2);
    expect(diff?.changedSources).toEqual([
      { source: 'jq', before: [], after: ['1.6-2.1'] },
      { source: 'openssl', before: ['3.0.11-1~deb12u2'], after: ['3.0.13-1~deb12u1'] },
      { source: 'wget', before: ['1.21.3-1'], after: [] },
    ]);
    expect(before?.revision).toBe('1111111aaaa');
    expect(after.revision).toBe('2222222bbbb');
    expect(after.digest).toBe(digests.deb2);
    expect(markdown).toContain('https://github.com/acme/debian-image/compare/1111111aaaa...2222222bbbb');
    expect(markdown).toContain('2024-05-01 10:00 UTC');
    expect(markdown).toContain('**OS packages (Debian 12):** 2 upgraded, 1 added, 1 removed; 2 unchanged.');
    expect(markdown).toContain('| `libssl3` | upgraded | `3.0.11-1~deb12u2` | `3.0.13-1~deb12u1` | [tracker](https://tracker.debian.org/pkg/openssl) · [security](https://security-tracker.debian.org/tracker/source-package/openssl) |');
    expect(markdown.indexOf('<details>')).toBeLessThan(markdown.indexOf('</details>'));
  });

  it('says so for a pin: there is no earlier image to compare', async () => {
    const result = await scanWith({ Dockerfile: `FROM ${host}/insight-${run}/debian:12.2\n` }, (images) => [whatChangedPlanner({ images })]);
    const pin = result.updates.find((u) => u.updateType === 'pin');
    const wc = whatChangedOf(pin);
    expect(wc.before).toBeNull();
    expect(wc.packageDiff).toBeNull();
    expect(wc.markdown).toMatch(/no digest, so there is no earlier image to compare/);
    expect(wc.markdown).toContain('`12.2`');
  });

  it('reads distroless status.d records and skips their md5sums files', async () => {
    const result = await scanWith({ Dockerfile: `FROM ${host}/insight-${run}/distroless:1.0\n` }, (images) => [whatChangedPlanner({ images })]);
    const { packageDiff: diff } = whatChangedOf(result.updates.find((u) => u.updateType === 'minor'));
    expect(diff?.upgraded.map((c) => c.name)).toEqual(['libssl3', 'openssl']);
    expect(diff?.removed.map((p) => p.name)).toEqual(['wget']);
    expect(diff?.added.map((p) => p.name)).toEqual(['jq']);
    expect([...diff!.upgraded, ...diff!.added, ...diff!.removed].some((p) => p.name.endsWith('md5sums'))).toBe(false);
  });

  it('diffs apk databases with origins as source packages', async () => {
    const cache = new MemoryImageFactsCache();
    const result = await scanWith({ 'compose.yaml': `services:\n  app:\n    image: ${host}/insight-${run}/alpine:3.20.1\n` }, (images) => [whatChangedPlanner({ images, cache })]);
    const wc = whatChangedOf(result.updates.find((u) => u.updateType === 'patch'));
    const diff = wc.packageDiff!;
    expect(diff.format).toBe('apk');
    expect(diff.distro).toBe('alpine');
    expect(diff.upgraded.map((c) => `${c.name} ${c.from}→${c.to} (${c.source})`)).toEqual([
      'busybox 1.36.1-r28→1.36.1-r29 (busybox)',
      'libcrypto3 3.3.1-r0→3.3.2-r0 (openssl)',
      'ssl_client 1.36.1-r28→1.36.1-r29 (busybox)',
    ]);
    expect(diff.added.map((p) => p.source)).toEqual(['pax-utils']);
    expect(diff.removed.map((p) => p.name)).toEqual(['zlib']);
    expect(wc.markdown).toContain('[security](https://security.alpinelinux.org/srcpkg/openssl)');
    expect(wc.markdown).not.toContain('Compare the source');
  });
});
