// `freshen scan --write` on pinned installs inside RUN: pip pins from a loopback PyPI index, npm pins from a real Verdaccio.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { startPypiIndex, type PypiIndex } from '../support/pypi-index.js';
import { tempCheckout } from '../support/temp-dir.js';
import { publish, startVerdaccio, type VerdaccioInstance } from '../support/verdaccio.js';

let verdaccio: VerdaccioInstance;
let pypi: PypiIndex;

beforeAll(async () => {
  verdaccio = await startVerdaccio();
  for (const version of ['5.4.5', '5.5.2', '6.0.0-beta.1']) await publish(verdaccio, 'tsc-tool', version);
  await publish(verdaccio, 'tsc-tool', '5.6.0', { deprecated: 'broken build, use 5.5.2' });
  await publish(verdaccio, '@scope/cli', '1.0.0');
  await publish(verdaccio, '@scope/cli', '1.1.0');
  pypi = await startPypiIndex([
    { name: 'black', releases: ['24.1.0', '24.4.2', '25.1b1'].map((version) => ({ version, files: [`black-${version}.tar.gz`] })) },
    { name: 'HTTPie', releases: ['3.2.3', '3.2.4'].map((version) => ({ version, files: [`httpie-${version}.tar.gz`] })) },
    { name: 'requests', releases: [{ version: '2.31.0', files: ['requests-2.31.0.tar.gz'] }, { version: '2.32.3', files: ['requests-2.32.3.tar.gz'], yanked: true }] },
  ]);
}, 60_000);
afterAll(async () => {
  await verdaccio?.stop();
  await pypi?.close();
});

const DOCKERFILE = `FROM scratch
ARG HTTPIE_VERSION=3.2.3
RUN pip install --no-cache-dir "black[d]==24.1.0" httpie==\${HTTPIE_VERSION} requests==2.31.0 \\
 && npm install --prefix /opt tsc-tool@5.4.5 -g
RUN ["npm", "i", "-g", "@scope/cli@1.0.0"]
RUN go install github.com/a/b@v1.2.3 && gem install bundler -v 2.5.9 && cargo install ripgrep --version 14.1.0
`;

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const env = {
    PATH: process.env.PATH,
    FRESHEN_INSECURE_REGISTRIES: `${verdaccio.host},${pypi.host}`,
    FRESHEN_NPMRC: `registry=${verdaccio.url}/`,
    PIP_INDEX_URL: pypi.url,
    // No GitHub is asked here; a closed port makes any attempt fail loudly.
    FRESHEN_GITHUB_API: 'http://127.0.0.1:9',
  };
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t), env });
  return { code, out, err, json: out.startsWith('{') ? JSON.parse(out) : undefined };
}

describe('freshen CLI with pinned installs inside RUN', () => {
  it('extract lists every pin, the ones without a datasource with their skipReason', async () => {
    const { json, code } = await cli(['extract', tempCheckout('freshen-installs-', { Dockerfile: DOCKERFILE }), '--json']);
    expect(code).toBe(0);
    const installs = json.dependencies.filter((d: { manager: string }) => d.manager === 'run-installs');
    expect(installs.map((d: { depName: string; currentValue: string; skipReason?: string }) => `${d.depName}@${d.currentValue}${d.skipReason ? ` (${d.skipReason})` : ''}`)).toEqual([
      'black@24.1.0', 'httpie@3.2.3', 'requests@2.31.0', 'tsc-tool@5.4.5', '@scope/cli@1.0.0',
      'github.com/a/b@v1.2.3 (unsupported-datasource: no Go module proxy datasource yet)',
      'bundler@2.5.9 (unsupported-datasource: no RubyGems datasource yet)',
      'ripgrep@14.1.0 (unsupported-datasource: no crates.io datasource yet)',
    ]);
    expect(json.errors).toEqual([]);
  });

  it('scan --write moves pip and npm pins to their newest stable versions (not yanked, not deprecated), touching only the version bytes', async () => {
    const dir = tempCheckout('freshen-installs-', { Dockerfile: DOCKERFILE });
    const { code, json, err } = await cli(['scan', dir, '--json', '--write']);
    expect(err).toBe('');
    expect(json.errors).toEqual([]);
    expect(code).toBe(0);
    expect(json.updates.map((u: { from: string; to: string }) => `${u.from} -> ${u.to}`)).toEqual([
      'httpie==3.2.3 -> httpie==3.2.4',
      'black[d]==24.1.0 -> black[d]==24.4.2',
      'tsc-tool@5.4.5 -> tsc-tool@5.5.2',
      '@scope/cli@1.0.0 -> @scope/cli@1.1.0',
    ]);
    const written = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(written).toBe(
      DOCKERFILE.replace('HTTPIE_VERSION=3.2.3', 'HTTPIE_VERSION=3.2.4')
        .replace('"black[d]==24.1.0"', '"black[d]==24.4.2"')
        .replace('tsc-tool@5.4.5', 'tsc-tool@5.5.2')
        .replace('"@scope/cli@1.0.0"', '"@scope/cli@1.1.0"'),
    );
    expect(pypi.requests.some((path) => /black/i.test(path))).toBe(true);
  });
});
