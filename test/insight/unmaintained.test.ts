// Unmaintained bases: the registry requests the check costs, the release data it reads, and how it is said.
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { MemoryLookupCache } from '../../src/cache/index.js';
import { alpineBranchOf, parseAlpineReleases } from '../../src/datasources/alpine/end-of-life.js';
import { findDebianRelease, parseDebianReleases } from '../../src/datasources/debian/end-of-life.js';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { directorySource } from '../../src/engine/directory-source.js';
import { scan } from '../../src/engine/index.js';
import type { PlannedUpdate } from '../../src/engine/types.js';
import { createHttpClient, type HttpClient } from '../../src/http/index.js';
import { releaseDataSource } from '../../src/insight/end-of-life.js';
import { unmaintainedPlanner, type UnmaintainedBase } from '../../src/insight/unmaintained.js';
import { imagesTable } from '../../src/rebuild/status-issue.js';
import { needsSecurityLabel, renderBody, toProposed } from '../../src/render/pr.js';
import { silentLogger } from '../../src/types.js';
import { pushImage } from '../support/oci-push.js';
import { tempCheckout } from '../support/temp-dir.js';

const host = inject('registryHost');
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

async function repository(tags: Record<string, number>): Promise<string> {
  const name = `stale${randomBytes(4).toString('hex')}/python`;
  for (const [tag, age] of Object.entries(tags)) await pushImage(`http://${host}`, name, tag, { created: daysAgo(age), files: [{ 'app/TAG': `${tag}\n` }] });
  return `${host}/${name}`;
}

/** The HTTP client with every URL it was asked for recorded. */
function recording(): { http: HttpClient; urls: string[] } {
  const inner = createHttpClient({ insecureHosts: [host] });
  const urls: string[] = [];
  const http: HttpClient = {
    ...inner,
    stats: inner.stats,
    isInsecureHost: (h) => inner.isInsecureHost(h),
    close: () => inner.close(),
    request: (url, options) => (urls.push(`${options?.method ?? 'GET'} ${url}`), inner.request(url, options)),
    stream: (url, options) => (urls.push(`STREAM ${url}`), inner.stream(url, options)),
  };
  return { http, urls };
}

/** Registry requests of one scan (pinned process: digests are looked up), with or without the check. */
async function requestsOf(dockerfile: string, check: boolean, cache?: MemoryLookupCache): Promise<string[]> {
  const { http, urls } = recording();
  const images = createOciClient({ http, ...(cache ? { cache } : {}) });
  const planners = check ? [unmaintainedPlanner({ unmaintainedAfter: '120 days', images })] : [];
  await scan(directorySource(tempCheckout('freshen-stale-', { Dockerfile: dockerfile })), { images, log: silentLogger, planners });
  return urls;
}

describe('what the check costs in registry requests', () => {
  it('reads the current tag\'s config, and the newest tag\'s only when the current one is old; a shared cache answers the next scan', async () => {
    const fresh = await repository({ '3.8-slim': 10, '3.13-slim': 2 });
    const stale = await repository({ '3.8-slim': 400, '3.13-slim': 2 });
    const extra = async (dockerfile: string) => (await requestsOf(dockerfile, true)).length - (await requestsOf(dockerfile, false)).length;
    const blobs = (urls: string[]) => urls.filter((u) => u.includes('/blobs/'));

    // Fresh: the tag's digest (HEAD), its manifest and its config blob.
    expect(await extra(`FROM ${fresh}:3.8-slim\n`)).toBeLessThanOrEqual(3);
    expect(blobs(await requestsOf(`FROM ${fresh}:3.8-slim\n`, true))).toHaveLength(1);
    // Old: the newest tag's manifest and config too (its digest was asked to propose the update), and nothing else.
    expect(await extra(`FROM ${stale}:3.8-slim\n`)).toBeLessThanOrEqual(5);
    expect(blobs(await requestsOf(`FROM ${stale}:3.8-slim\n`, true))).toHaveLength(2);

    // The same image in three files is checked once; a second scan with a shared cache reads no config again.
    const cache = new MemoryLookupCache();
    const three = `FROM ${stale}:3.8-slim\nFROM ${stale}:3.8-slim AS b\nFROM ${stale}:3.8-slim AS c\n`;
    expect(blobs(await requestsOf(three, true, cache))).toHaveLength(2);
    expect(blobs(await requestsOf(three, true, cache))).toHaveLength(0);
  });
});

describe('release data', () => {
  it('reads Debian\'s CSV by its header and finds a release by VERSION_ID or codename', () => {
    const rows = parseDebianReleases('version,codename,series,created,release,eol,eol-lts\n12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-06-10,2028-06-30\n13,Trixie,trixie,2023-06-10\n,Sid,sid,1993-08-16\n');
    expect(findDebianRelease(rows, '12', null)).toEqual({ version: '12', series: 'bookworm', eol: '2026-06-10', eolLts: '2028-06-30' });
    expect(findDebianRelease(rows, null, 'trixie')).toEqual({ version: '13', series: 'trixie', eol: null, eolLts: null });
    expect(findDebianRelease(rows, '10', 'buster')).toBeUndefined();
    expect(() => parseDebianReleases('<html>not the data</html>')).toThrow(/no "series" and "eol" columns/);
  });

  it('reads Alpine\'s JSON; a VERSION_ID maps to its branch', () => {
    expect(parseAlpineReleases('{"release_branches":[{"rel_branch":"edge"},{"rel_branch":"v3.20","eol_date":"2026-04-01"},{"rel_branch":"v3.1","eol_date":"soon"}]}'))
      .toEqual([{ branch: 'edge', eol: null }, { branch: 'v3.20', eol: '2026-04-01' }, { branch: 'v3.1', eol: null }]);
    expect(alpineBranchOf('3.20.3')).toBe('v3.20');
    expect(alpineBranchOf('3.21_alpha20240807')).toBeNull();
    expect(() => parseAlpineReleases('{"branches":[]}')).toThrow(/release_branches/);
  });

  it('is asked once per period, and a failure means "not known" until it is asked again', async () => {
    let calls = 0;
    let answer = { status: 500, body: '' };
    const http = { request: async () => (calls++, { status: answer.status, headers: {}, body: Buffer.from(answer.body), url: '' }) } as unknown as HttpClient;
    let now = 0;
    const source = releaseDataSource({ http, urls: { debian: 'https://data.example/debian.csv', alpine: 'off' }, now: () => now });
    const bookworm = { distro: 'debian', release: '12', codename: 'bookworm' };
    expect(await source.endOfLife(bookworm)).toBeNull();
    expect(await source.endOfLife(bookworm)).toBeNull();
    expect(calls).toBe(1);
    answer = { status: 200, body: 'version,codename,series,created,release,eol\n12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-06-10\n' };
    now += 11 * 60_000;
    expect(await source.endOfLife(bookworm)).toEqual({ distro: 'debian', release: '12', codename: 'bookworm', date: '2026-06-10' });
    expect(await source.endOfLife({ distro: 'alpine', release: '3.20.3' })).toBeNull();
    expect(await source.endOfLife({ distro: 'ubuntu', release: '24.04' })).toBeNull();
    expect(calls).toBe(2);
  });
});

const BASE: UnmaintainedBase = {
  tag: '3.8-slim', created: '2024-09-07T10:00:00.000Z', newerTags: [{ tag: '3.13-slim', created: '2025-05-01T08:00:00.000Z' }],
  // Far ahead, so the sentence says "ends" whenever the test runs.
  endOfLife: { distro: 'debian', release: '12', codename: 'bookworm', date: '2098-06-10', ltsDate: '2099-06-30' },
};

function update(newValue: string, extra: Record<string, unknown>): PlannedUpdate {
  return {
    manager: 'dockerfile', file: 'Dockerfile', line: 1, depName: 'docker.io/library/python', depIndex: 0, from: 'python:3.8-slim', to: `python:${newValue}`,
    updateType: 'minor', newValue, newDigest: null, extra,
  };
}

describe('how it is said', () => {
  it('the PR that moves to the newest maintained line says so in its first sentence and gets the security label', () => {
    const moving = update('3.13-slim', { unmaintained: BASE });
    const body = renderBody('default', [toProposed(moving)], [moving]);
    expect(body.split('\n')[0]).toBe(
      '**`python:3.8-slim` is no longer maintained:** its image was last built on 2024-09-07, while `3.13-slim` was rebuilt on 2025-05-01, so rebuilding on it brings no fixes.' +
        ' Debian 12 (bookworm) security support ends on 2098-06-10 (LTS until 2099-06-30). This PR moves to `3.13-slim`, the newest maintained line.',
    );
    expect(needsSecurityLabel([moving])).toBe(true);
    // An update of the same base to a line that is not the newest one: no such sentence, no label.
    const sideways = update('3.9-slim', { unmaintained: BASE });
    expect(renderBody('default', [toProposed(sideways)], [sideways]).split('\n')[0]).toMatch(/^Freshen proposes these updates/);
    expect(needsSecurityLabel([sideways])).toBe(false);
    expect(needsSecurityLabel([update('3.13-slim', {})])).toBe(false);
  });

  it('the images table of the dashboard and the status issue flags the base, keeping other notes', () => {
    const table = imagesTable([
      { reference: 'python:3.8-slim', process: 'rebuild', unmaintained: BASE, problem: 'baseline recorded, not yet built by Freshen' },
      { reference: 'node:22', process: 'pinned' },
    ]);
    expect(table).toContain(
      '| `python:3.8-slim` | rebuild | — | — | never | **no longer maintained**: image built 2024-09-07; `3.13-slim` built 2025-05-01 since; Debian 12 (bookworm) security support ends on 2098-06-10 (LTS until 2099-06-30); baseline recorded, not yet built by Freshen |',
    );
    expect(table).toContain('| `node:22` | pinned | — | — | — |  |');
  });
});
