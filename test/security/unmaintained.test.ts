// Hostile inputs around unmaintained bases: a repository's `unmaintainedAfter`, and release data that tries to inject markdown.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { parseAlpineReleases } from '../../src/datasources/alpine/end-of-life.js';
import { parseDebianReleases } from '../../src/datasources/debian/end-of-life.js';
import type { HttpClient } from '../../src/http/index.js';
import { releaseDataSource } from '../../src/insight/end-of-life.js';
import { tempCheckout } from '../support/temp-dir.js';

async function cli(args: string[]) {
  let out = '';
  const code = await runCli(args, { out: (t) => (out += t), err: () => {}, env: {} });
  return { code, out };
}

describe('a repository\'s unmaintainedAfter', () => {
  it('anything but a duration or "off" is a located config problem, and scan changes nothing', async () => {
    const dir = tempCheckout('freshen-stale-sec-', { '.github/freshen.yml': 'prLimit: 2\nunmaintainedAfter: "1 day; $(curl evil)"\n', Dockerfile: 'FROM scratch\n' });
    const checked = await cli(['config', 'check', dir, '--json']);
    expect(checked.code).toBe(1);
    expect(JSON.parse(checked.out).problems).toEqual([
      expect.objectContaining({ file: '.github/freshen.yml', path: 'unmaintainedAfter', line: 2, message: 'expected a duration such as "120 days" or "26 weeks", or "off"' }),
    ]);
    const scanned = await cli(['scan', dir, '--json']);
    expect(scanned.code).toBe(1);
    expect(JSON.parse(scanned.out).updates).toEqual([]);
  });
});

describe('release data that is not plain data', () => {
  it('rows whose names carry markdown or links are left out, so nothing of them reaches a PR or an issue', async () => {
    const csv = [
      'version,codename,series,created,release,eol,eol-lts',
      '12,Bookworm,bookworm](https://evil.example),2021-08-14,2023-06-10,2026-06-10,2028-06-30',
      '11 <img src=x>,Bullseye,bullseye,2019-07-06,2021-08-14,2024-08-14,2026-08-31',
      '10,Buster,buster,2017-06-17,2019-07-06,<b>2022-09-10</b>,2024-06-30',
    ].join('\n');
    expect(parseDebianReleases(csv)).toEqual([{ version: '10', series: 'buster', eol: null, eolLts: '2024-06-30' }]);
    expect(parseAlpineReleases('{"release_branches":[{"rel_branch":"v3.20 [x](https://evil.example)","eol_date":"2026-04-01"}]}')).toEqual([]);

    // The image says it is release "12 **pwned**": only the data's own names are ever said.
    const http = { request: async () => ({ status: 200, headers: {}, body: Buffer.from(csv), url: '' }) } as unknown as HttpClient;
    const source = releaseDataSource({ http, urls: { debian: 'https://data.example/debian.csv' } });
    expect(await source.endOfLife({ distro: 'debian', release: '12 **pwned**', codename: 'bookworm](https://evil.example)' })).toBeNull();
    expect(await source.endOfLife({ distro: 'debian', release: null, codename: 'buster' })).toBeNull();
  });
});
