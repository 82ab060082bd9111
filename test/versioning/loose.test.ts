import { describe, expect, it } from 'vitest';
import { loose } from '../../src/versioning/loose/index.js';

const sign = (n: number) => Math.sign(n) || 0;

describe('loose versioning: how tools tag releases', () => {
  it.each([
    ['1.17', '<', '1.18'],
    ['1.9', '<', '1.17'],
    ['1.17', '=', '1.17.0'],
    ['v0.19.0', '<', 'v0.20.0'],
    ['v1.2.3', '=', '1.2.3'],
    ['1.24rc1', '<', '1.24'],
    ['1.24-rc.1', '<', '1.24-rc.2'],
    ['1.24-rc.9', '<', '1.24-rc.10'],
    ['2.0', '>', '1.99.99'],
    ['3.14.0.1', '>', '3.14'],
  ])('%s %s %s', (a, op, b) => {
    const want = { '<': -1, '=': 0, '>': 1 }[op]!;
    expect(sign(loose.compare(a, b))).toBe(want);
    expect(sign(loose.compare(b, a))).toBe(-want || 0);
  });

  it.each(['1', '1.17', 'v24.11.0', '1.2.3-beta1', '1.0rc1'])('%s is valid', (v) => expect(loose.isValid(v)).toBe(true));
  it.each(['', 'latest', 'go1.22', 'weekly.2012-03-27', '1..2', 'v'])('%s is not', (v) => expect(loose.isValid(v)).toBe(false));
  it.each([['1.2.3', true], ['v1.2', true], ['1.2.3-rc1', false], ['1.0beta', false]])('%s stable: %s', (v, stable) => expect(loose.isStable(v as string)).toBe(stable));
  it.each([['1.17', '2.0', 'major'], ['1.17', '1.18', 'minor'], ['1.17', '1.17.1', 'patch'], ['v0.19.0', 'v0.19.1', 'patch']])('%s → %s is %s', (a, b, t) =>
    expect(loose.updateType(a!, b!)).toBe(t));
});
