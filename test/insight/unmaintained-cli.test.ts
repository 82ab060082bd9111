// `freshen scan --json` flags a base whose tag stopped getting rebuilds while the newest tag of its variant moves.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { pushImage } from '../support/oci-push.js';
import { tempCheckout } from '../support/temp-dir.js';
import { ALPINE_320, DEBIAN_12 } from './images.js';

const host = inject('registryHost');
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

const DEBIAN_CSV = [
  'version,codename,series,created,release,eol,eol-lts,eol-elts',
  '11,Bullseye,bullseye,2019-07-06,2021-08-14,2024-08-14,2026-08-31,2031-06-30',
  '12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-06-10,2028-06-30,2033-06-30',
  '13,Trixie,trixie,2023-06-10',
].join('\n');
const ALPINE_JSON = JSON.stringify({ latest_stable: 'v3.21', release_branches: [{ rel_branch: 'edge' }, { rel_branch: 'v3.20', eol_date: '2026-04-01' }] });

let releaseData: Server;
let releaseDataUrl: string;
const releaseDataHits: string[] = [];

/** One repository with these tags, each image built (`created`) the given number of days ago. */
async function repository(tags: Record<string, number | string>, osRelease = DEBIAN_12): Promise<string> {
  const name = `stale${randomBytes(4).toString('hex')}/python`;
  for (const [tag, age] of Object.entries(tags)) {
    const created = typeof age === 'number' ? daysAgo(age) : age;
    await pushImage(`http://${host}`, name, tag, { created, files: [{ 'etc/os-release': osRelease, 'app/TAG': `${tag}\n` }] });
  }
  return `${host}/${name}`;
}

async function scan(files: Record<string, string>, env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const dir = tempCheckout('freshen-stale-', files);
  const code = await runCli(['scan', dir, '--json'], { out: (t) => (out += t), err: (t) => (err += t), env: { FRESHEN_INSECURE_REGISTRIES: host, ...env } });
  if (!out.startsWith('{')) throw new Error(`scan printed no JSON (exit ${code}): ${out}${err}`);
  return { code, json: JSON.parse(out) as { updates: Record<string, unknown>[]; held: Record<string, unknown>[]; errors: unknown[] } };
}

beforeAll(async () => {
  releaseData = createServer((req, res) => {
    releaseDataHits.push(req.url ?? '');
    if (req.url === '/debian.csv') return void res.end(DEBIAN_CSV);
    if (req.url === '/releases.json') return void res.end(ALPINE_JSON);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => releaseData.listen(0, '127.0.0.1', resolve));
  releaseDataUrl = `http://127.0.0.1:${(releaseData.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => releaseData.close(() => resolve())));

describe('scan --json: bases that stopped moving', () => {
  it('flags an old tag while the newest tag of the same variant was built since, with the dates read from the images', async () => {
    const image = await repository({ '3.8-slim': 400, '3.9-slim': 300, '3.13-slim': 5, '3.14-alpine': 1 });
    const { code, json } = await scan({ Dockerfile: `FROM ${image}:3.8-slim\n` });
    expect(json.errors).toEqual([]);
    expect(code).toBe(0);
    const [update] = json.updates;
    expect(update).toMatchObject({ from: `${image}:3.8-slim`, to: expect.stringMatching(/:3\.13-slim@sha256:/) });
    const flag = update!.unmaintained as { tag: string; created: string; newerTags: { tag: string; created: string }[] };
    // The other variant (-alpine) is not a newer tag of this one; the middle line 3.9 is not read.
    expect(flag).toEqual({ tag: '3.8-slim', created: expect.any(String), newerTags: [{ tag: '3.13-slim', created: expect.any(String) }] });
    expect(Math.round((Date.now() - Date.parse(flag.created)) / DAY)).toBe(400);
    expect(Math.round((Date.now() - Date.parse(flag.newerTags[0]!.created)) / DAY)).toBe(5);
  });

  it('does not flag it when every tag is old (the repository as a whole stopped), nor when the tag itself is fresh', async () => {
    const stopped = await repository({ '3.8-slim': 400, '3.13-slim': 200 });
    const fresh = await repository({ '3.8-slim': 10, '3.13-slim': 2 });
    const { json } = await scan({ Dockerfile: `FROM ${stopped}:3.8-slim\nFROM ${fresh}:3.8-slim\n` });
    expect(json.errors).toEqual([]);
    expect(json.updates.map((u) => u.to)).toEqual([expect.stringContaining(`${stopped}:3.13-slim@`), expect.stringContaining(`${fresh}:3.13-slim@`)]);
    for (const u of json.updates) expect(u).not.toHaveProperty('unmaintained');
  });

  it('follows unmaintainedAfter from the config, and ignores placeholder build times (the epoch)', async () => {
    const image = await repository({ '3.8-slim': 100, '3.13-slim': 1 });
    const epoch = await repository({ '3.8-slim': '1970-01-01T00:00:00Z', '3.13-slim': 1 });
    const dockerfile = `FROM ${image}:3.8-slim\nFROM ${epoch}:3.8-slim\n`;
    const byDefault = await scan({ Dockerfile: dockerfile });
    expect(byDefault.json.updates.filter((u) => u.unmaintained)).toEqual([]);
    const shorter = await scan({ Dockerfile: dockerfile, '.github/freshen.yml': 'unmaintainedAfter: 8 weeks\n' });
    expect(shorter.json.updates.filter((u) => u.unmaintained).map((u) => u.from)).toEqual([`${image}:3.8-slim`]);
    const off = await scan({ Dockerfile: dockerfile, '.github/freshen.yml': 'unmaintainedAfter: "off"\n' });
    expect(off.json.updates.filter((u) => u.unmaintained)).toEqual([]);
  });

  it('says when the image\'s Debian or Alpine release loses support, from the published release data when reachable', async () => {
    const debian = await repository({ '3.8-slim': 400, '3.13-slim': 5 });
    const alpine = await repository({ '3.8-alpine': 400, '3.13-alpine': 5 }, ALPINE_320);
    const dockerfile = `FROM ${debian}:3.8-slim\nFROM ${alpine}:3.8-alpine\n`;
    const env = { FRESHEN_DEBIAN_RELEASES_URL: `${releaseDataUrl}/debian.csv`, FRESHEN_ALPINE_RELEASES_URL: `${releaseDataUrl}/releases.json` };
    const { json } = await scan({ Dockerfile: dockerfile }, env);
    const eol = json.updates.map((u) => (u.unmaintained as { endOfLife?: unknown }).endOfLife);
    expect(eol).toEqual([
      { distro: 'debian', release: '12', codename: 'bookworm', date: '2026-06-10', ltsDate: '2028-06-30' },
      { distro: 'alpine', release: '3.20', date: '2026-04-01' },
    ]);
    expect(releaseDataHits.filter((p) => p === '/debian.csv')).toHaveLength(1);

    // Unreachable or missing data: the flag stays, without a date, and the scan does not fail.
    const gone = await scan({ Dockerfile: dockerfile }, { FRESHEN_DEBIAN_RELEASES_URL: `${releaseDataUrl}/missing.csv`, FRESHEN_ALPINE_RELEASES_URL: 'http://127.0.0.1:1/releases.json' });
    expect(gone.code).toBe(0);
    expect(gone.json.updates.map((u) => u.unmaintained)).toEqual([
      { tag: '3.8-slim', created: expect.any(String), newerTags: [{ tag: '3.13-slim', created: expect.any(String) }] },
      { tag: '3.8-alpine', created: expect.any(String), newerTags: [{ tag: '3.13-alpine', created: expect.any(String) }] },
    ]);
  });

  it('lists the unmaintained base in the human report', async () => {
    const image = await repository({ '3.8-slim': 400, '3.13-slim': 5 });
    let out = '';
    const dir = tempCheckout('freshen-stale-', { Dockerfile: `FROM ${image}:3.8-slim\n` });
    await runCli(['scan', dir], { out: (t) => (out += t), err: () => {}, env: { FRESHEN_INSECURE_REGISTRIES: host } });
    expect(out).toMatch(new RegExp(`No longer maintained \\(1\\):\\n  Dockerfile:1 ${image.replace(/[.]/g, '\\.')}:3\\.8-slim: image built \\d{4}-\\d\\d-\\d\\d, while 3\\.13-slim built \\d{4}-\\d\\d-\\d\\d\\n`));
  });
});
