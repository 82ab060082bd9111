import { describe, expect, it } from 'vitest';
import { go } from '../../src/versioning/go/index.js';
import { getVersioning } from '../../src/versioning/index.js';

// golang.org/x/mod/semver's own table: inputs in ascending order, with the canonical form ('' = invalid).
const ordered: [string, string][] = [
  ['bad', ''],
  ['v1-alpha.beta.gamma', ''],
  ['v1-pre', ''],
  ['v1+meta', ''],
  ['v1-pre+meta', ''],
  ['v1.2-pre', ''],
  ['v1.2+meta', ''],
  ['v1.2-pre+meta', ''],
  ['v1.0.0-alpha', 'v1.0.0-alpha'],
  ['v1.0.0-alpha.1', 'v1.0.0-alpha.1'],
  ['v1.0.0-alpha.beta', 'v1.0.0-alpha.beta'],
  ['v1.0.0-beta', 'v1.0.0-beta'],
  ['v1.0.0-beta.2', 'v1.0.0-beta.2'],
  ['v1.0.0-beta.11', 'v1.0.0-beta.11'],
  ['v1.0.0-rc.1', 'v1.0.0-rc.1'],
  ['v1', 'v1.0.0'],
  ['v1.0', 'v1.0.0'],
  ['v1.0.0', 'v1.0.0'],
  ['v1.2', 'v1.2.0'],
  ['v1.2.0', 'v1.2.0'],
  ['v1.2.3-456', 'v1.2.3-456'],
  ['v1.2.3-456.789', 'v1.2.3-456.789'],
  ['v1.2.3-456-789', 'v1.2.3-456-789'],
  ['v1.2.3-456a', 'v1.2.3-456a'],
  ['v1.2.3-pre', 'v1.2.3-pre'],
  ['v1.2.3-pre+meta', 'v1.2.3-pre'],
  ['v1.2.3-pre.1', 'v1.2.3-pre.1'],
  ['v1.2.3-zzz', 'v1.2.3-zzz'],
  ['v1.2.3', 'v1.2.3'],
  ['v1.2.3+meta', 'v1.2.3'],
  ['v1.2.3+meta-pre', 'v1.2.3'],
  ['v1.2.3+meta-pre.sha.256a', 'v1.2.3'],
];

describe('Go module versions: golang.org/x/mod/semver cases', () => {
  it.each(ordered)('%s valid: %s', (input, canonical) => {
    expect(go.isValid(input)).toBe(canonical !== '');
  });

  it('orders every pair of valid versions as the table does (equal canonical forms compare equal)', () => {
    const valid = ordered.filter(([, c]) => c !== '');
    for (const [i, [a, ca]] of valid.entries()) {
      for (const [j, [b, cb]] of valid.entries()) {
        const want = ca === cb ? 0 : i < j ? -1 : 1;
        expect(go.compare(a, b), `${a} vs ${b}`).toBe(want);
      }
    }
  });

  it.each([
    ['v1', 'v1', 0],
    ['v2', 'v1', 1],
    ['v1', 'v2', -1],
    ['v1.19', 'v1.2', 1],
    ['v1.2.99999999999999999', 'v1.2.100000000000000000', -1],
    ['v2.0.0+incompatible', 'v2.0.0', 0],
    ['v1.10.0', 'v1.9.9', 1],
  ] as const)('%s vs %s → %i', (a, b, want) => expect(go.compare(a, b)).toBe(want));

  it.each(['1.2.3', 'v01.2.3', 'v1.02.3', 'v1.2.3-01', 'v1.2.3-', 'v1.2.3+', 'v1.2.3-a..b', 'V1.2.3', ' v1.2.3'])('%s is not a Go version', (v) => {
    expect(go.isValid(v)).toBe(false);
  });
});

describe('pseudo-versions (golang.org/x/mod/module pseudo-version forms)', () => {
  it.each([
    ['v0.0.0-20060102150405-hash', true],
    ['v1.0.0-20060102150405-hash', true],
    ['v2.0.0-20060102150405-hash', true],
    ['v0.0.1-0.20060102150405-hash', true],
    ['v1.2.4-0.20060102150405-hash', true],
    ['v1.2.100000000000000000-0.20060102150405-hash', true],
    ['v1.2.3-pre.0.20060102150405-hash', true],
    ['v1.3.0-0.20060102150405-hash+incompatible', true],
    ['v0.0.0-20240101120000-abcdef123456', true],
    ['v1.2.3', false],
    ['v1.2.3-rc1', false],
    ['v1.2.3-20240101120000-abcdef123456', false],
    ['v0.0.0-2024010112000-abcdef123456', false],
  ] as const)('%s is a pseudo-version: %s', (v, pseudo) => expect(go.isPseudoVersion(v)).toBe(pseudo));

  it('a pseudo-version sorts after its base and before the next release', () => {
    expect(go.compare('v1.2.4-0.20060102150405-hash', 'v1.2.3')).toBe(1);
    expect(go.compare('v1.2.4-0.20060102150405-hash', 'v1.2.4')).toBe(-1);
    expect(go.compare('v1.2.3-pre.0.20060102150405-hash', 'v1.2.3-pre')).toBe(1);
    expect(go.compare('v1.2.3-pre.0.20060102150405-hash', 'v1.2.3')).toBe(-1);
    expect(go.compare('v0.0.0-20240101120000-abcdef123456', 'v0.0.0-20230101120000-abcdef123456')).toBe(1);
    expect(go.compare('v0.0.0-20240101120000-abcdef123456', 'v0.1.0')).toBe(-1);
  });

  it('reads the commit time of a pseudo-version', () => {
    expect(go.pseudoVersionTime('v0.0.0-20240101120000-abcdef123456')).toBe('2024-01-01T12:00:00Z');
    expect(go.pseudoVersionTime('v1.2.3')).toBeUndefined();
  });
});

describe('stability, canonical forms and steps', () => {
  it.each([
    ['v1.2.3', true],
    ['v2.0.0+incompatible', true],
    ['v1.2.3-rc.1', false],
    ['v0.0.0-20240101120000-abcdef123456', false],
    ['v1.2.4-0.20240101120000-abcdef123456', false],
    ['nonsense', false],
  ] as const)('%s is stable: %s', (v, stable) => expect(go.isStable(v)).toBe(stable));

  it.each([
    ['v1.2.3', true],
    ['v2.0.0+incompatible', true],
    ['v1.2', false],
    ['v1.2.3+meta', false],
  ] as const)('%s is canonical for a go.mod: %s', (v, canonical) => expect(go.isCanonical(v)).toBe(canonical));

  it.each([
    ['v1.2.3', 'v2.0.0', 'major'],
    ['v1.2.3', 'v1.3.0', 'minor'],
    ['v1.2.3', 'v1.2.4', 'patch'],
    ['v0.0.0-20240101120000-abcdef123456', 'v0.1.0', 'minor'],
    ['v1.9.0', 'v2.0.0+incompatible', 'major'],
  ] as const)('%s → %s is a %s update', (from, to, type) => expect(go.updateType(from, to)).toBe(type));

  it('is registered as "go"', () => {
    expect(getVersioning('go')).toBe(go);
    expect(go.isIncompatible('v3.1.0+incompatible')).toBe(true);
    expect(go.getMajor('v3.1.0+incompatible')).toBe(3);
  });
});
