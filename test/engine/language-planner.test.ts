// The one language planner's policy, with a manager and a datasource made up for the test: what is proposed, held, or reported.
import { describe, expect, it } from 'vitest';
import { languagePlanner } from '../../src/engine/planners/language.js';
import type { PlanState } from '../../src/engine/types.js';
import type { LanguageSupport } from '../../src/managers/language-support.js';
import type { Datasource, Dependency, Manager, Release } from '../../src/types.js';
import { silentLogger } from '../../src/types.js';

const dep = (currentValue: string): Dependency => ({ manager: 'toy', datasource: 'toy', file: 'toy.txt', line: 1, depName: 'lib', currentValue, currentDigest: null });

function run(current: string, releases: Release[], support: Partial<LanguageSupport> = {}) {
  const language: LanguageSupport = { versioning: 'semver', current: (d) => ({ version: d.currentValue!, locked: true }), ...support };
  const manager: Manager = { name: 'toy', matches: () => false, extract: () => ({ deps: [], errors: [] }), update: (t) => t, language };
  const datasource: Datasource = { name: 'toy', defaultVersioning: 'semver', getReleases: async (name) => ({ name, releases }) };
  const state: PlanState = { dependencies: [dep(current)], texts: new Map(), updates: [], held: [], errors: [], options: {} };
  return languagePlanner({ datasources: new Map([['toy', datasource]]), managers: [manager] }).plan(state, { images: { getTags: async () => [], getDigest: async () => '' }, log: silentLogger }).then(() => state);
}

const versions = (...vs: string[]): Release[] => vs.map((version) => ({ version }));

describe('the language planner', () => {
  it('proposes the newest of the same major and the newest major apart', async () => {
    const state = await run('1.0.0', versions('1.0.0', '1.1.0', '1.2.0', '2.0.0', '3.1.0'));
    expect(state.updates.map((u) => [u.to, u.updateType])).toEqual([['1.2.0', 'minor'], ['3.1.0', 'major']]);
  });

  it('skips deprecated, yanked and pre-release versions (from a stable one)', async () => {
    const state = await run('1.0.0', [{ version: '1.3.0-rc.1' }, { version: '1.2.0', deprecated: 'broken' }, { version: '1.1.1', yanked: true }, { version: '1.1.0' }]);
    expect(state.updates.map((u) => u.to)).toEqual(['1.1.0']);
  });

  it('lists a release the manager holds and proposes the next newest of its group instead', async () => {
    const state = await run('1.0.0', versions('1.1.0', '1.2.0', '2.0.0'), { held: (_d, target) => (target.version === '1.2.0' || target.version === '2.0.0' ? `${target.version} is excluded` : undefined) });
    expect(state.updates.map((u) => u.to)).toEqual(['1.1.0']);
    expect(state.held.map((h) => [h.update.to, h.reason])).toEqual([['1.2.0', '1.2.0 is excluded'], ['2.0.0', '2.0.0 is excluded']]);
  });

  it('reports a range it cannot rewrite at the dependency, and proposes nothing for it', async () => {
    const state = await run('1.0.0', versions('2.0.0'), { current: () => ({ version: '1.0.0', range: '1.0.0 - 1.5.0', locked: true }) });
    expect(state.updates).toEqual([]);
    expect(state.errors).toEqual([{ file: 'toy.txt', line: 1, depName: 'lib', message: 'the range "1.0.0 - 1.5.0" cannot be rewritten to allow 2.0.0' }]);
  });

  it('changes only the lockfile for a locked in-range release, and nothing when nothing is locked', async () => {
    const locked = await run('1.0.0', versions('1.4.0'), { current: () => ({ version: '1.0.0', range: '^1.0.0', locked: true }) });
    expect(locked.updates.map((u) => [u.from, u.to, u.newValue])).toEqual([['1.0.0', '1.4.0', '^1.0.0']]);
    const unlocked = await run('1.0.0', versions('1.4.0'), { current: () => ({ version: '1.0.0', range: '^1.0.0', locked: false }) });
    expect(unlocked.updates).toEqual([]);
  });
});
