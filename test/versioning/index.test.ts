import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as entry from '../../src/versioning/index.js';

const folders = readdirSync(new URL('../../src/versioning/', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('versioning registry (the freshen/versioning entry)', () => {
  it('registers every versioning folder under its name', () => {
    expect(Object.keys(entry.versionings).sort()).toEqual(folders);
    for (const [name, versioning] of Object.entries(entry.versionings)) expect(versioning.name).toBe(name);
  });

  it.each(['docker', 'semver', 'dpkg', 'apk', 'pep440'] as const)('exports %s with compare and isValid', (name) => {
    const versioning = entry[name];
    expect(versioning).toBe(entry.versionings[name]);
    expect(typeof versioning.compare).toBe('function');
    expect(typeof versioning.isValid).toBe('function');
  });

  // One ascending list per scheme: compare is antisymmetric, transitive and 0 on itself.
  const ascending: Record<string, string[]> = {
    docker: ['3.11', '3.12rc1', '3.12', '3.13'],
    semver: ['1.2.3-rc.1', '1.2.3', '1.10.0', '2.0.0'],
    dpkg: ['1.0~rc1', '1.0', '1.0-1', '1.0+b1', '1:0.1'],
    apk: ['1.0_rc1', '1.0', '1.0-r0', '1.0_p1', '1.0.1'],
    pep440: ['1.0a1', '1.0', '1.0.post1', '1.1'],
  };

  it.each(Object.entries(ascending))('%s orders its sample list consistently', (name, list) => {
    const versioning = entry.getVersioning(name);
    for (const v of list) expect(versioning.isValid(v)).toBe(true);
    list.forEach((a, i) =>
      list.forEach((b, j) => expect(Math.sign(versioning.compare(a, b)) || 0).toBe(Math.sign(i - j) || 0)),
    );
  });

  it('fails loudly on an unknown scheme name', () => {
    expect(() => entry.getVersioning('maven')).toThrow(/unknown versioning "maven"/);
  });
});
