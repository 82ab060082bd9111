// pip manager: pins with extras and markers, includes and index options, and --hash rewrites that keep the layout.
import { describe, expect, it } from 'vitest';
import { parseRequirementsFile, pipManager } from '../../../src/managers/pip/index.js';

const H = (c: string) => `sha256:${c.repeat(64)}`;

const hashed = [
  '--extra-index-url https://mirror.example.test/simple',
  'attrs==23.1.0 \\',
  `    --hash=${H('a')} \\`,
  `    --hash=${H('b')}`,
  'Flask[async]==2.3.3 ; python_version >= "3.8" \\',
  `    --hash=${H('c')}`,
  'six==1.16.0  # via -r requirements.in',
  '',
].join('\n');

describe('pip manager', () => {
  it('matches requirements and constraints files and a requirements/ folder', () => {
    for (const path of ['requirements.txt', 'api/requirements-dev.txt', 'constraints.txt', 'requirements/base.txt']) expect(pipManager.matches(path), path).toBe(true);
    expect(pipManager.matches('docs/reqs.txt')).toBe(false);
  });

  it('reads pins, normalized names, extras, markers, hashes and index options', () => {
    const { deps, errors } = pipManager.extract(hashed, 'requirements.txt');
    expect(errors).toEqual([]);
    expect(deps.map((d) => [d.depName, d.currentValue, d.line, d.currentDigest])).toEqual([
      ['attrs', '23.1.0', 2, `${H('a')},${H('b')}`],
      ['flask', '2.3.3', 5, H('c')],
      ['six', '1.16.0', 7, null],
    ]);
    expect(deps[1]!.extra).toMatchObject({ extras: ['async'], marker: 'python_version >= "3.8"', writtenName: 'Flask', extraIndexUrls: ['https://mirror.example.test/simple'] });
  });

  it('reports non-== lines with a reason and records includes', () => {
    const text = '-r base.txt\n-c constraints.txt\nflask>=2.0\ngunicorn\npkg @ https://example.test/pkg.whl\n';
    const deps = pipManager.extract(text, 'requirements.txt').deps;
    expect(deps.map((d) => d.skipReason)).toEqual(['not pinned with ==', 'no version pinned', 'not a named requirement (URL, path or direct reference)']);
    expect(parseRequirementsFile(text).includes).toEqual([
      { kind: 'requirement', path: 'base.txt', line: 1 },
      { kind: 'constraint', path: 'constraints.txt', line: 2 },
    ]);
  });

  it('replaces hashes in their continuation-line layout, more or fewer than before', () => {
    const deps = pipManager.extract(hashed, 'requirements.txt').deps;
    const three = pipManager.update(hashed, deps[0]!, { newValue: '23.2.0', newDigest: [H('d'), H('e'), H('f')].join(',') });
    expect(three).toBe(hashed.replace('attrs==23.1.0', 'attrs==23.2.0').replace(`--hash=${H('a')} \\\n    --hash=${H('b')}`, `--hash=${H('d')} \\\n    --hash=${H('e')} \\\n    --hash=${H('f')}`));
    const flask = pipManager.extract(three, 'requirements.txt').deps[1]!;
    const two = pipManager.update(three, flask, { newValue: '3.0.0', newDigest: `${H('1')},${H('2')}` });
    expect(two).toContain(`Flask[async]==3.0.0 ; python_version >= "3.8" \\\n    --hash=${H('1')} \\\n    --hash=${H('2')}\n`);
    expect(pipManager.extract(two, 'requirements.txt').deps.map((d) => d.currentValue)).toEqual(['23.2.0', '3.0.0', '1.16.0']);
  });

  it('unpinned lines are not rewritten; an include without a file is a located error', () => {
    const dep = pipManager.extract('flask>=2\n', 'requirements.txt').deps[0]!;
    expect(() => pipManager.update('flask>=2\n', dep, { newValue: '3.0', newDigest: null })).toThrow(/not pinned/);
    expect(pipManager.extract('six==1.0\n-r\n', 'requirements.txt').errors).toEqual([{ file: 'requirements.txt', line: 2, message: '-r needs a file name' }]);
  });
});
