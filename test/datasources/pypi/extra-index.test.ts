// pip's --extra-index-url: packages found on any listed index, releases of one project joined across indexes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPypiDatasource } from '../../../src/datasources/pypi/index.js';
import { directorySource } from '../../../src/engine/directory-source.js';
import { scan } from '../../../src/engine/index.js';
import { pipPlanner } from '../../../src/engine/planners/pip.js';
import type { ImageLookup } from '../../../src/engine/types.js';
import { createHttpClient } from '../../../src/http/index.js';
import { silentLogger } from '../../../src/types.js';
import { fileHash, startPypiIndex, type PypiIndex } from '../../support/pypi-index.js';

const noImages: ImageLookup = { getTags: () => Promise.reject(new Error('none')), getDigest: () => Promise.reject(new Error('none')) };
const sha = (file: string) => `sha256:${fileHash(file)}`;
let main: PypiIndex;
let extra: PypiIndex;
let dir: string;

beforeAll(async () => {
  main = await startPypiIndex([
    { name: 'attrs', releases: [{ version: '23.1.0', files: ['attrs-23.1.0.tar.gz'] }, { version: '23.2.0', files: ['attrs-23.2.0.tar.gz'] }] },
  ]);
  extra = await startPypiIndex([
    { name: 'attrs', releases: [{ version: '23.2.0', files: ['attrs-23.2.0-py3-none-any.whl'] }] },
    { name: 'internal-lib', releases: [{ version: '1.0.0', files: ['internal_lib-1.0.0.tar.gz'] }, { version: '1.1.0', files: ['internal_lib-1.1.0.tar.gz'] }] },
  ]);
  dir = mkdtempSync(join(tmpdir(), 'freshen-pip-extra-'));
  writeFileSync(join(dir, 'requirements.txt'), [
    `--index-url ${main.url}`,
    `--extra-index-url ${extra.url}`,
    `attrs==23.1.0 --hash=${sha('attrs-23.1.0.tar.gz')}`,
    'internal-lib==1.0.0',
    '',
  ].join('\n'));
});

afterAll(async () => {
  await main?.close();
  await extra?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('finds a package that only an extra index has, and hashes every file of a release from all indexes', async () => {
  const pypi = createPypiDatasource({ http: createHttpClient({ insecureHosts: [main.host, extra.host] }) });
  const result = await scan(directorySource(dir), { images: noImages, log: silentLogger, planners: [pipPlanner({ pypi })] });
  expect(result.errors).toEqual([]);
  expect(result.updates.map((u) => [u.depName, u.from, u.to, u.newDigest])).toEqual([
    ['attrs', '23.1.0', '23.2.0', ['attrs-23.2.0-py3-none-any.whl', 'attrs-23.2.0.tar.gz'].map(sha).join(',')],
    ['internal-lib', '1.0.0', '1.1.0', null],
  ]);
});
