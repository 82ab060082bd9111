import { describe, expect, it } from 'vitest';
import { pep440 } from '../../src/versioning/pep440/index.js';

describe('PEP 440 versions', () => {
  it('orders the release phases as PEP 440 lists them', () => {
    const ordered = ['1.0.dev1', '1.0a1', '1.0a2.dev1', '1.0a2', '1.0b1', '1.0rc1', '1.0', '1.0.post1', '1.0.1', '1.1', '1!0.5'];
    expect([...ordered].reverse().sort(pep440.compare)).toEqual(ordered);
  });

  it.each([
    ['1.0', '1.0.0', 0],
    ['1.0rc1', '1.0c1', 0],
    ['1.10', '1.9', 1],
  ] as const)('%s vs %s → %i', (a, b, expected) => {
    expect(Math.sign(pep440.compare(a, b)) || 0).toBe(expected);
  });

  it.each([
    ['2.31.0', true],
    ['1!2.0', true],
    ['1.0+local.1', true],
    ['not-a-version', false],
    ['1.0-foo-bar', false],
  ] as const)('%s is valid: %s', (v, valid) => expect(pep440.isValid(v)).toBe(valid));

  it.each([
    ['2.31.0', true],
    ['1.0.post1', true],
    ['1.0rc1', false],
    ['1.0a1', false],
    ['1.0.dev3', false],
  ] as const)('%s is stable: %s', (v, stable) => expect(pep440.isStable(v)).toBe(stable));
});

describe('PEP 440 specifiers', () => {
  it.each([
    ['1.4.3', '~=1.4.2', true],
    ['1.5.0', '~=1.4.2', false],
    ['2.31.0', '>=2.0,<3', true],
    ['3.0.0', '>=2.0,<3', false],
    ['1.4.0', '==1.4.*', true],
    ['2.0.0', '!=2.0.0', false],
    ['2.0rc1', '>=1.0', false],
  ] as const)('%s satisfies %s: %s', (v, specifier, expected) => {
    expect(pep440.satisfies(v, specifier)).toBe(expected);
  });

  it('knows a specifier from nonsense', () => {
    expect(pep440.isValidSpecifier('>=1.0,<2')).toBe(true);
    expect(pep440.isValidSpecifier('>>1.0')).toBe(false);
  });
});
