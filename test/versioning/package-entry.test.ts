// The package entry `freshen/versioning` (package.json exports → built JS) offers every scheme.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('freshen/versioning', () => {
  it('is built by the test command and exports compare and isValid for each scheme', async () => {
    // scripts/test.mjs runs `npm run build` before vitest, so dist/ exists here.
    expect(existsSync('dist/src/versioning/index.js')).toBe(true);
    const entry = (await import('freshen/versioning' as string)) as Record<string, { compare(a: string, b: string): number; isValid(v: string): boolean }>;
    const cases: [string, string, string][] = [
      ['dpkg', '1.0~rc1', '1.0'],
      ['apk', '1.2.3', '1.2.3-r0'],
      ['docker', '3.12-slim', '3.13-slim'],
      ['semver', '1.2.3', '1.10.0'],
      ['pep440', '1.0rc1', '1.0'],
    ];
    for (const [scheme, lower, higher] of cases) {
      const versioning = entry[scheme]!;
      expect(versioning.isValid(lower), scheme).toBe(true);
      expect(versioning.compare(lower, higher), scheme).toBeLessThan(0);
      expect(versioning.compare(higher, lower), scheme).toBeGreaterThan(0);
      expect(versioning.compare(higher, higher), scheme).toBe(0);
    }
  });
});
