// npm manager: every dependency kind, skip reasons, aliases, and package.json edits that keep the formatting.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { npmManager } from '../../../src/managers/npm/index.js';
import { dataOf } from '../../../src/types.js';

const fixture = readFileSync(new URL('./fixtures/package.json', import.meta.url), 'utf8');

describe('npm manager', () => {
  it('reads package.json, package-lock.json and .npmrc, never inside node_modules', () => {
    expect(npmManager.matches('package.json')).toBe(true);
    expect(npmManager.matches('apps/web/package-lock.json')).toBe(true);
    expect(npmManager.matches('.npmrc')).toBe(true);
    expect(npmManager.matches('node_modules/x/package.json')).toBe(false);
    expect(npmManager.matches('package.json.bak')).toBe(false);
  });

  it('reports every kind of dependency with its line and why some are skipped', () => {
    const { deps, errors } = npmManager.extract(fixture, 'package.json');
    expect(errors).toEqual([]);
    const view = deps.map((d) => [d.depName, d.currentValue, d.line, dataOf(d, 'npm')!.depType, d.skipReason ?? null]);
    expect(view).toEqual([
      ['express', '^4.18.2', 6, 'dependencies', null],
      ['lodash', '~4.17.20', 7, 'dependencies', null],
      ['left-pad', '1.3.0', 8, 'dependencies', null],
      ['lodash', '^3.10.1', 9, 'dependencies', null],
      ['ui-kit', 'file:../ui-kit', 10, 'dependencies', 'local file dependency'],
      ['fork', 'github:someone/fork#main', 11, 'dependencies', 'git dependency'],
      ['local', 'link:../local', 12, 'dependencies', 'link dependency'],
      ['typescript', '>=5.0.0', 14, 'devDependencies', null],
      ['fsevents', '^2.3.3', 15, 'optionalDependencies', null],
      ['react', '^18.2.0', 16, 'peerDependencies', 'peer dependency: reported, not bumped'],
    ]);
    expect(deps[3]!.extra).toMatchObject({ key: 'old-lodash', alias: true });
  });

  it('rewrites only the range bytes: indent, key order, final newline and the alias prefix stay', () => {
    const deps = npmManager.extract(fixture, 'package.json').deps;
    let text = npmManager.update(fixture, deps[0]!, { newValue: '^4.19.0', newDigest: null });
    text = npmManager.update(text, npmManager.extract(text, 'package.json').deps[3]!, { newValue: '^3.11.0', newDigest: null });
    expect(text).toBe(fixture.replace('"^4.18.2"', '"^4.19.0"').replace('npm:lodash@^3.10.1', 'npm:lodash@^3.11.0'));
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('refuses values that would break the JSON and digests it has no place for', () => {
    const dep = npmManager.extract(fixture, 'package.json').deps[0]!;
    expect(() => npmManager.update(fixture, dep, { newValue: '1" , "x', newDigest: null })).toThrow(/cannot be written/);
    expect(() => npmManager.update(fixture, dep, { newValue: '1.0.0', newDigest: `sha256:${'a'.repeat(64)}` })).toThrow(/no digest/);
  });

  it('broken JSON is a located error; a broken lockfile too', () => {
    expect(npmManager.extract('{\n  "dependencies": {\n    "a": "^1"\n  ,\n}\n', 'package.json').errors).toEqual([
      { file: 'package.json', line: 5, message: 'invalid JSON: expected a quoted key' },
    ]);
    expect(npmManager.extract('{"packages": [}', 'package-lock.json').errors[0]).toMatchObject({ file: 'package-lock.json', line: 1 });
  });
});
