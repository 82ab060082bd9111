// `freshen extract|scan --write` with OS package pins: the CLI reads base images from the registry and indexes from a loopback mirror.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { buildLayer, pushImage } from '../support/oci-push.js';
import { startOsMirror, type OsMirror } from '../support/os-mirror.js';
import { tempCheckout } from '../support/temp-dir.js';

const host = inject('registryHost');
const repo = `${host}/ospins-cli/debian`;
const IMAGE_MIRROR = 'http://deb.image-mirror.test';
let mirror: OsMirror;
let trixieDigest: string;

beforeAll(async () => {
  const deb = (Package: string, Version: string) => ({ Package, Version });
  mirror = await startOsMirror({
    debian: {
      debian: [
        { suite: 'bookworm', components: { main: { amd64: [deb('curl', '7.88.1-10+deb12u5'), deb('curl', '7.88.1-10+deb12u12')] } } },
        { suite: 'trixie', components: { main: { amd64: [deb('curl', '8.14.1-2'), deb('jq', '1.7.1-6')] }, contrib: { amd64: [] } } },
      ],
      extra: [{ suite: 'bookworm', components: { main: { amd64: [deb('jq', '1.6-2.1')] } } }],
    },
  });
  const osRelease = (version: string, codename: string) => `ID=debian\nVERSION_ID="${version}"\nVERSION_CODENAME=${codename}\n`;
  await pushImage(`http://${host}`, 'ospins-cli/debian', '12.1', {
    layers: [
      await buildLayer({
        'etc/os-release': osRelease('12', 'bookworm'),
        'etc/apt/sources.list': `deb ${IMAGE_MIRROR}/debian bookworm main\n`,
        'etc/apt/sources.list.d/extra.list': `deb [arch=amd64] ${IMAGE_MIRROR}/extra bookworm main\n`,
      }, 'zstd'),
    ],
  });
  const trixie = await pushImage(`http://${host}`, 'ospins-cli/debian', '13.0', {
    files: [{ 'etc/os-release': osRelease('13', 'trixie'), 'etc/apt/sources.list': `deb ${IMAGE_MIRROR}/debian trixie main contrib\n` }],
  });
  trixieDigest = trixie.digest;
});
afterAll(() => mirror?.close());

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const env = { FRESHEN_INSECURE_REGISTRIES: `${host},${new URL(mirror.url).host}`, FRESHEN_OS_MIRRORS: `${IMAGE_MIRROR}=${mirror.url}` };
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t), env });
  return { code, out, err, json: out.startsWith('{') ? JSON.parse(out) : undefined };
}

const DOCKERFILE = `FROM ${repo}:12.1\nENV JQ_VERSION=1.6-2.1\nRUN ["apt-get", "install", "-y", "curl=7.88.1-10+deb12u5"] \nRUN apt-get install -y jq=$JQ_VERSION && apt-get install -y wget\n`;

function checkout(): string {
  return tempCheckout('freshen-ospins-', { Dockerfile: DOCKERFILE });
}

describe('freshen CLI with OS package pins', () => {
  it('extract lists the pins, not the unpinned installs (those are for the repeatability report)', async () => {
    const { code, json } = await cli(['extract', checkout(), '--json']);
    expect(code).toBe(0);
    const pins = json.dependencies.filter((d: { manager: string }) => d.manager === 'os-packages');
    expect(pins.map((d: { depName: string; line: number; currentValue: string | null; skipReason?: string }) => [d.depName, d.line, d.currentValue, d.skipReason ?? null])).toEqual([
      ['curl', 3, '7.88.1-10+deb12u5', null],
      ['jq', 2, '1.6-2.1', null],
    ]);
  });

  it('scan proposes pin updates; --write moves the base to the new release together with its pins', async () => {
    const dir = checkout();
    const { code, json } = await cli(['scan', dir, '--json']);
    expect(json.errors).toEqual([]);
    expect(code).toBe(0);
    expect(json.updates.filter((u: { manager: string }) => u.manager === 'os-packages').map((u: { from: string; to: string }) => [u.from, u.to])).toEqual([
      ['jq=1.6-2.1', 'jq=1.7.1-6'],
      ['curl=7.88.1-10+deb12u5', 'curl=7.88.1-10+deb12u12'],
      ['curl=7.88.1-10+deb12u5', 'curl=8.14.1-2'],
    ]);
    expect(json.held).toEqual([]);

    const written = await cli(['scan', dir, '--write']);
    expect(written.code).toBe(0);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(
      DOCKERFILE.replace(':12.1', `:13.0@${trixieDigest}`).replace('JQ_VERSION=1.6-2.1', 'JQ_VERSION=1.7.1-6').replace('curl=7.88.1-10+deb12u5', 'curl=8.14.1-2'),
    );
  });

  it('a bad FRESHEN_OS_MIRRORS is a usage error', async () => {
    let err = '';
    const code = await runCli(['scan', checkout()], { out: () => {}, err: (t) => (err += t), env: { FRESHEN_OS_MIRRORS: 'nope' } });
    expect(code).toBe(2);
    expect(err).toMatch(/FRESHEN_OS_MIRRORS/);
  });
});
