// Planners run after the image planner: they may hold updates back, and one that fails only reports.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { scan } from '../../src/engine/index.js';
import type { FileSource, Planner } from '../../src/engine/types.js';
import { silentLogger } from '../../src/types.js';
import { pushImage } from '../support/oci-push.js';

const host = inject('registryHost');

function memory(files: Record<string, string>): FileSource {
  return { list: async () => Object.keys(files), read: async (p) => files[p]! };
}

beforeAll(async () => {
  for (const tag of ['1.0', '1.1']) await pushImage(`http://${host}`, 'planners/app', tag);
});

describe('scan planners', () => {
  const files = memory({ Dockerfile: `FROM ${host}/planners/app:1.0\n`, 'x/Dockerfile': `FROM ${host}/planners/app:1.1\n` });
  const ctx = () => ({ images: createOciClient({ insecureRegistries: [host] }), log: silentLogger });

  it('lets a planner hold an update back with a reason and a date', async () => {
    const holdMinor: Planner = {
      name: 'hold-minor',
      async plan(state) {
        const minor = state.updates.filter((u) => u.updateType === 'minor');
        state.updates = state.updates.filter((u) => u.updateType !== 'minor');
        state.held.push(...minor.map((update) => ({ update, kind: 'release-age' as const, reason: 'too new', eligibleAt: '2030-01-01T00:00:00Z' })));
      },
    };
    const result = await scan(files, { ...ctx(), planners: [holdMinor] });
    expect(result.updates.map((u) => [u.file, u.updateType])).toEqual([['x/Dockerfile', 'pin']]);
    expect(result.held).toEqual([
      expect.objectContaining({ reason: 'too new', update: expect.objectContaining({ file: 'Dockerfile', updateType: 'minor' }) }),
    ]);
  });

  it('keeps the plan when a planner throws, and reports it', async () => {
    const broken: Planner = { name: 'broken', plan: async () => { throw new Error('index unreachable'); } };
    const result = await scan(files, { ...ctx(), planners: [broken] });
    expect(result.updates).toHaveLength(2);
    expect(result.errors).toEqual([{ file: '(scan)', message: 'broken: index unreachable' }]);
  });
});
