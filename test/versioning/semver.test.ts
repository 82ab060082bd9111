import { describe, expect, it } from 'vitest';
import { semver } from '../../src/versioning/semver/index.js';

describe('semver versions', () => {
  it.each([
    ['1.2.3', '1.2.4', -1],
    ['1.10.0', '1.9.9', 1],
    ['1.0.0-rc.1', '1.0.0', -1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-alpha.beta', '1.0.0-beta', -1],
    ['1.0.0-beta.2', '1.0.0-beta.11', -1],
    ['1.0.0+build.1', '1.0.0+build.2', 0],
  ] as const)('%s vs %s → %i', (a, b, expected) => {
    expect(Math.sign(semver.compare(a, b)) || 0).toBe(expected);
  });

  it.each([
    ['1.2.3', true],
    ['1.2.3-rc.1+sha.5114f85', true],
    ['1.2', false],
    ['^1.2.3', false],
    ['latest', false],
  ] as const)('%s is a valid version: %s', (v, valid) => expect(semver.isValid(v)).toBe(valid));

  it.each([
    ['1.2.3', true],
    ['1.2.3+build', true],
    ['1.2.3-rc.1', false],
    ['0.0.0-next.20240101', false],
  ] as const)('%s is stable: %s', (v, stable) => expect(semver.isStable(v)).toBe(stable));
});

describe('semver ranges', () => {
  it.each([
    ['1.4.0', '^1.2.3', true],
    ['2.0.0', '^1.2.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['0.3.0', '^0.2.3', false],
    ['1.5.0', '>=1.2.3 <2', true],
    ['2.0.0-rc.1', '^1.2.3 || >=2.0.0', false],
  ] as const)('%s satisfies %s: %s', (v, range, expected) => {
    expect(semver.satisfies(v, range)).toBe(expected);
  });

  it.each([
    ['^1.2.3', '1.4.0', '^1.4.0'],
    ['^1.2.3', '2.1.0', '^2.1.0'],
    ['~1.2.3', '1.4.0', '~1.4.0'],
    ['1.2.3', '1.4.0', '1.4.0'],
    ['=1.2.3', '1.4.0', '=1.4.0'],
    ['v1.2.3', '1.4.0', 'v1.4.0'],
    ['>=1.2.3', '1.4.0', '>=1.2.3'],
    ['>=1.2.3', '0.9.0', '>=0.9.0'],
    ['>= 1.2.3', '0.9.0', '>= 0.9.0'],
    ['^1.2', '1.4.5', '^1.4'],
    ['^1', '2.0.1', '^2'],
    ['~1.2', '1.4.5', '~1.4'],
    ['^1.2', '1.4.0-beta.1', '^1.4.0-beta.1'],
    ['1.x', '2.1.0', '2.x'],
    ['1.2.x', '1.4.0', '1.4.x'],
    ['*', '5.0.0', '*'],
    ['^1.0.0 || ^2.0.0', '2.3.0', '^1.0.0 || ^2.0.0'],
  ] as const)('bumps %s for %s to %s', (range, version, expected) => {
    expect(semver.bumpRange(range, version)).toBe(expected);
  });

  it.each([
    ['^1.0.0 || ^2.0.0', '3.0.0'],
    ['<2.0.0', '2.1.0'],
    ['1.0.0 - 1.5.0', '2.0.0'],
  ])('cannot rewrite %s for %s and says so with null', (range, version) => {
    expect(semver.bumpRange(range, version)).toBeNull();
  });

  it('rejects a target that is not a version', () => {
    expect(() => semver.bumpRange('^1.2.3', 'latest')).toThrow(/invalid version "latest"/);
  });
});
