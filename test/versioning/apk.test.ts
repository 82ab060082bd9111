import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apk, type ApkOperator } from '../../src/versioning/apk/index.js';

const lines = readFileSync(new URL('fixtures/apk-version.data', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

const rows = lines.map((line) => line.split(/\s+/)).filter((parts) => parts.length === 3) as Array<[string, string, string]>;
const orderRows = rows.filter(([, op]) => ['<', '=', '>'].includes(op));
const matchRows = rows.filter(([, op]) => op.includes('~'));
const validityRows = lines.filter((line) => !/\s/.test(line));

const expectedSign: Record<string, number> = { '<': -1, '=': 0, '>': 1 };
const sign = (n: number) => Math.sign(n) || 0;

describe("apk ordering: apk-tools' version table", () => {
  it('has the table', () => {
    expect(orderRows.length).toBeGreaterThan(200);
    expect(matchRows.length).toBe(16);
    expect(validityRows.length).toBe(31);
  });

  it.each(orderRows)('%s %s %s', (a, op, b) => {
    expect(sign(apk.compare(a, b))).toBe(expectedSign[op]);
    expect(sign(apk.compare(b, a))).toBe(sign(-(expectedSign[op] ?? NaN)));
  });

  it.each(matchRows)('%s %s %s', (version, op, target) => {
    expect(apk.matchesOperator(version, op as ApkOperator, target)).toBe(true);
  });

  it.each(validityRows)('validity of %s', (row) => {
    const invalid = row.startsWith('!');
    expect(apk.isValid(invalid ? row.slice(1) : row)).toBe(!invalid);
  });
});

describe('apk ordering: the rules the reference states', () => {
  it.each([
    ['1.2.3-r0', '1.2.3', 1],
    ['1.2.3-r10', '1.2.3-r9', 1],
    ['1.2.3_alpha', '1.2.3_beta', -1],
    ['1.2.3_beta', '1.2.3_pre', -1],
    ['1.2.3_pre', '1.2.3_rc', -1],
    ['1.2.3_rc', '1.2.3', -1],
    ['1.2.3', '1.2.3_cvs', -1],
    ['1.2.3_cvs', '1.2.3_svn', -1],
    ['1.2.3_svn', '1.2.3_git', -1],
    ['1.2.3_git', '1.2.3_hg', -1],
    ['1.2.3_hg', '1.2.3_p', -1],
    ['1.2.3_p1', '1.2.3_p2', -1],
    ['1.2.3', '1.2.3a', -1],
    ['1.2.3a', '1.2.3b', -1],
    ['3.3.2-r1', '3.3.10-r0', -1],
    ['1.10', '1.9', 1],
    ['1.05', '1.1', -1],
    ['99999999999999999999.1', '99999999999999999998.2', 1],
  ] as const)('%s vs %s → %i', (a, b, expected) => {
    expect(sign(apk.compare(a, b))).toBe(expected);
  });

  it('sorts a shuffled list the way apk would install them', () => {
    const ordered = ['3.3.1_rc1-r0', '3.3.1-r0', '3.3.1-r1', '3.3.1_p1-r0', '3.3.2-r0', '3.3.10-r0'];
    expect([...ordered].reverse().sort(apk.compare)).toEqual(ordered);
  });
});

describe('apk fuzzy pins (`apk add pkg~prefix`)', () => {
  it.each([
    ['3.3.2-r1', '3.3', true],
    ['3.3.2-r1', '3.3.2', true],
    ['3.3.2-r1', '3.3.2-r1', true],
    ['3.30.0-r0', '3.3', false],
    ['3.4.0-r0', '3.3', false],
    ['3.3.2-r1', '3.3.2-r2', false],
  ] as const)('%s matches ~%s: %s', (version, prefix, expected) => {
    expect(apk.matchesFuzzy(version, prefix)).toBe(expected);
  });
});
