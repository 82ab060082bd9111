// `freshen scan` on a checkout whose .nvmrc and package.json pin the Node version, against node images in the test registry.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { pushImage } from '../support/oci-push.js';
import { tempCheckout } from '../support/temp-dir.js';

const host = inject('registryHost');
/** Docker Hub's `node` as a pull-through mirror serves it: `<registry>/<prefix>/library/node`. */
const node = `${host}/hub${randomBytes(4).toString('hex')}/library/node`;
const digests: Record<string, string> = {};

beforeAll(async () => {
  for (const tag of ['22', '24']) {
    digests[tag] = (await pushImage(`http://${host}`, node.slice(host.length + 1), tag, { labels: { tag } })).digest;
  }
});

async function scan(files: Record<string, string>, json: boolean) {
  let out = '';
  let err = '';
  const dir = tempCheckout('freshen-runtime-', files);
  const code = await runCli(['scan', dir, ...(json ? ['--json'] : [])], { out: (t) => (out += t), err: (t) => (err += t), env: { FRESHEN_INSECURE_REGISTRIES: host } });
  return { code, out, err };
}

describe('freshen scan: runtime files against the Node base image', () => {
  it('puts a note on the planned update of FROM node:22 when .nvmrc says 22 and node:24 exists', async () => {
    const { code, out, err } = await scan(
      { 'web/Dockerfile': `FROM ${node}:22\nRUN npm ci\n`, 'web/.nvmrc': '22\n', 'package.json': '{"name":"web","engines":{"node":"^22"}}\n' },
      true,
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    const { updates, errors } = JSON.parse(out) as { updates: { to: string; updateType: string; notes?: string[] }[]; errors: unknown[] };
    expect(errors).toEqual([]);
    expect(updates.map((u) => [u.updateType, u.to, u.notes])).toEqual([
      ['pin', `${node}:22@${digests['22']}`, undefined],
      [
        'major',
        `${node}:24@${digests['24']}`,
        [`\`${node}:22\` → \`${node}:24\`: \`web/.nvmrc\` says \`22\` and \`package.json\` engines.node says \`^22\` — they will disagree with the new base image`],
      ],
    ]);
  });

  it('lists a base its runtime files already disagree with in the human report', async () => {
    const { code, out } = await scan({ Dockerfile: `FROM ${node}:24@${digests['24']}\n`, '.nvmrc': 'v22\n' }, false);
    expect(code).toBe(0);
    expect(out).toContain(`Runtime files disagree with the base image (1):\n  Dockerfile:1 ${node}:24: .nvmrc says v22\n`);
  });
});
