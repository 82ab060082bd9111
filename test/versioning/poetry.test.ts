import { describe, expect, it } from 'vitest';
import { poetry } from '../../src/versioning/poetry/index.js';

// The tables of Poetry's "Dependency specification" page (caret, tilde, wildcard, inequality),
// each row checked at its edges: the lowest allowed, just under the upper bound, the upper bound.
describe('poetry constraints as Poetry documents them', () => {
  it.each([
    ['^1.2.3', '1.2.3', '1.9.99', '2.0.0', '1.2.2'],
    ['^1.2', '1.2.0', '1.99', '2.0.0', '1.1.9'],
    ['^1', '1.0.0', '1.99.99', '2.0.0', '0.9'],
    ['^0.2.3', '0.2.3', '0.2.99', '0.3.0', '0.2.2'],
    ['^0.0.3', '0.0.3', '0.0.3.99', '0.0.4', '0.0.2'],
    ['^0.0', '0.0.0', '0.0.99', '0.1.0', null],
    ['^0', '0.0.0', '0.99.99', '1.0.0', null],
    ['~1.2.3', '1.2.3', '1.2.99', '1.3.0', '1.2.2'],
    ['~1.2', '1.2.0', '1.2.99', '1.3.0', '1.1.99'],
    ['~1', '1.0.0', '1.99.0', '2.0.0', '0.99'],
    ['1.*', '1.0.0', '1.99', '2.0.0', '0.99'],
    ['1.2.*', '1.2.0', '1.2.99', '1.3.0', '1.1.99'],
    ['~=1.4.5', '1.4.5', '1.4.99', '1.5.0', '1.4.4'],
    ['~=1.4', '1.4', '1.99', '2.0', '1.3'],
    ['>= 1.2, < 1.5', '1.2', '1.4.99', '1.5', '1.1'],
    ['>=1.2 <1.5', '1.2', '1.4.99', '1.5', '1.1'],
    ['>1.2,<=1.5', '1.2.0.1', '1.5', '1.5.1', '1.2'],
  ] as const)('%s allows %s and %s, not %s nor %s', (range, lowest, highest, upper, under) => {
    expect(poetry.matches(lowest, range)).toBe(true);
    expect(poetry.matches(highest, range)).toBe(true);
    expect(poetry.matches(upper, range)).toBe(false);
    if (under !== null) expect(poetry.matches(under, range)).toBe(false);
  });

  it.each([
    ['*', '0.0.1', true],
    ['*', '99.0', true],
    ['1.2.3', '1.2.3', true],
    ['1.2.3', '1.2.4', false],
    ['==1.2', '1.2.0', true],
    ['=1.2.3', '1.2.3', true],
    ['!=1.2.3', '1.2.3', false],
    ['>=1.0,!=1.2.3', '1.2.4', true],
    ['!=1.2.*', '1.2.7', false],
    ['!=1.2.*', '1.3.0', true],
    ['==1.2.*', '1.2.7', true],
    ['^1.2 || ^2.0', '2.5.0', true],
    ['^1.2 || ^2.0', '3.0.0', false],
    ['^1.2 | ^3.0', '3.0.0', true],
    // `<2.0` admits no pre-release of 2.0 itself (PEP 440); caret upper bounds likewise.
    ['<2.0', '2.0.0a1', false],
    ['^1.2', '2.0.0rc1', false],
    ['<2.0', '1.9.0rc1', true],
    ['>=1.2', '1!0.5', true],
  ] as const)('%s matches %s: %s', (range, version, expected) => expect(poetry.matches(version, range)).toBe(expected));

  it.each(['', '^', '>=', '^1.2 ||', '|| ^1.2', 'latest', '^1.2.*', '>=1.*', 'x'.repeat(2000)])('"%s" is no constraint', (range) => {
    expect(poetry.isValidConstraint(range)).toBe(false);
    expect(poetry.matches('1.0.0', range)).toBe(false);
    expect(poetry.bumpRange(range, '1.0.0')).toBeNull();
  });
});

describe('poetry constraints bumped in their own syntax', () => {
  it.each([
    // Out of range: moved to the new version at the written precision.
    ['^1.2', '2.1.0', '^2.1'],
    ['^1.2.3', '2.0.1', '^2.0.1'],
    ['^1', '3.4.5', '^3'],
    ['^0.2', '0.3.1', '^0.3'],
    ['^0.0.3', '0.0.5', '^0.0.5'],
    ['~1.2.3', '1.4.0', '~1.4.0'],
    ['~1.2', '2.0.5', '~2.0'],
    ['~1', '2.3', '~2'],
    ['~=1.4', '2.1.0', '~=2.1'],
    ['~=1.4.5', '1.6.2', '~=1.6.2'],
    ['1.*', '2.3.0', '2.*'],
    ['1.2.*', '1.4.1', '1.4.*'],
    ['==1.2.*', '1.4.1', '==1.4.*'],
    ['1.2.3', '1.4.0', '1.4.0'],
    ['==1.2.3', '1.4.0', '==1.4.0'],
    ['^ 1.2', '2.1.0', '^ 2.1'],
    ['^1.2', '2.0.0rc1', '^2.0.0rc1'],
    // An upper bound moves one step past the new version at its own precision; the lower bound is held.
    ['>=1.2,<2.0', '2.1.0', '>=1.2,<3.0'],
    ['>= 1.2, < 2', '2.1.0', '>= 1.2, < 3'],
    ['>=1.2 <1.5', '1.7.2', '>=1.2 <1.8'],
    ['>=1.2,<=1.9', '2.1.3', '>=1.2,<=2.1.3'],
    ['>=1.0,<2.0,!=1.5', '2.2', '>=1.0,<3.0,!=1.5'],
    // A union keeps what it allowed and gains the new version.
    ['^1.0 || ^2.0', '3.1.0', '^1.0 || ^2.0 || ^3.1'],
  ] as const)('%s + %s → %s', (range, version, expected) => {
    const bumped = poetry.bumpRange(range, version);
    expect(bumped).toBe(expected);
    expect(poetry.matches(version, bumped!)).toBe(true);
  });

  it.each([
    ['^1.2', '1.9.0'],
    ['>=1.2', '5.0'],
    ['*', '3.0'],
    ['^1.0 || ^2.0', '2.4.0'],
  ] as const)('%s already admits %s: unchanged', (range, version) => expect(poetry.bumpRange(range, version)).toBe(range));

  it.each([
    ['!=2.1.0', '2.1.0'],
    ['>=1.0,!=2.1.0', '2.1.0'],
    ['>3.0', '2.1.0'],
  ] as const)('%s cannot admit %s: null', (range, version) => expect(poetry.bumpRange(range, version)).toBeNull());
});

describe('poetry versions are PEP 440', () => {
  it.each([
    ['1.0a1', false],
    ['1.0.dev3', false],
    ['1.0.post1', true],
    ['2.0', true],
  ] as const)('%s stable: %s', (v, stable) => expect(poetry.isStable(v)).toBe(stable));

  it.each([
    ['1.2.3', '2.0.0', 'major'],
    ['1.2.3', '1.3', 'minor'],
    ['1.2.3', '1.2.3.post1', 'patch'],
  ] as const)('%s → %s is %s', (a, b, type) => expect(poetry.updateType(a, b)).toBe(type));

  it('orders by PEP 440', () => {
    expect(poetry.compare('1.0a1', '1.0')).toBeLessThan(0);
    expect(poetry.compare('1.10', '1.9')).toBeGreaterThan(0);
  });
});
