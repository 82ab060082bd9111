import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dpkg } from '../../src/versioning/dpkg/index.js';
import { dpkgCompareAll, dpkgValidateAll, hasDpkg } from './support/dpkg-tool.js';
import { allPairs, pick, seededRandom } from './support/generate.js';

const sign = (n: number) => Math.sign(n) || 0;
const negate = (n: number) => (n === 0 ? 0 : -n);

describe('dpkg ordering: well-known cases', () => {
  it.each([
    ['1.0~rc1', '1.0', -1],
    ['1.0', '1.0+b1', -1],
    ['1:0.1', '2.0', 1],
    ['1.0-1', '1.0-1ubuntu1', -1],
    ['7.88.1-10+deb12u5', '7.88.1-10+deb12u12', -1],
    ['3.0.11-1~deb12u2', '3.0.11-1', -1],
    ['2.36-9+deb12u4', '2.36-9+deb12u10', -1],
    ['1.2-1ubuntu0.22.04.1', '1.2-1ubuntu0.22.04.2', -1],
    ['1:2.3-4', '2:0.1-1', -1],
    ['1.0', '1.0-0', 0],
    ['1.0', '01.00', 0],
  ] as const)('%s vs %s → %i', (a, b, expected) => {
    expect(sign(dpkg.compare(a, b))).toBe(expected);
    expect(sign(dpkg.compare(b, a))).toBe(negate(expected));
  });

  it('sorts ~~ < ~~a < ~ < (end) < a, as Debian policy states', () => {
    const ordered = ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a'];
    const shuffled = [ordered[3], ordered[0], ordered[4], ordered[2], ordered[1]] as string[];
    expect(shuffled.sort(dpkg.compare)).toEqual(ordered);
  });

  it('puts letters before other symbols in a non-digit run', () => {
    expect(sign(dpkg.compare('1.0a', '1.0+'))).toBe(-1);
    expect(sign(dpkg.compare('1.0+', '1.0.'))).toBe(-1);
    expect(sign(dpkg.compare('1.0Z', '1.0a'))).toBe(-1);
  });

  it('compares long digit runs numerically without losing precision', () => {
    expect(sign(dpkg.compare('1.99999999999999999999', '1.100000000000000000000'))).toBe(-1);
    expect(sign(dpkg.compare('20240101000000000001', '20240101000000000002'))).toBe(-1);
  });
});

describe("dpkg ordering: apt's versions.lst", () => {
  const rows = readFileSync(new URL('fixtures/apt-versions.lst', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.trim().split(/\s+/) as [string, string, string]);

  it('has the table', () => expect(rows.length).toBeGreaterThan(60));

  it.each(rows)('%s vs %s → %s', (a, b, expected) => {
    expect(sign(dpkg.compare(a, b))).toBe(Number(expected));
    expect(sign(dpkg.compare(b, a))).toBe(negate(Number(expected)));
  });
});

describe('dpkg validity (the cases of dpkg\'s own parser tests)', () => {
  it.each(['0', '0:0', '0:0-0', '0:0.0-0.0', '1:0', '5:1', '0:0-0-0', '0:0:0-0', '0:0-0:0-0', '0:09azAZ.-+~:-0', '0:0-azAZ09.+~', '  0:0-1', '0:0-1  ', '2147483647:1'])(
    'accepts %j',
    (v) => expect(dpkg.isValid(v)).toBe(true),
  );

  const badUpstream = [...'!#@$%&/|\\<>()[]{};,_=*^\''].map((c) => `0:0${c}a-0`);
  const badRevision = [...'!#@$%&/|\\<>()[]{}:;,_=*^\''].map((c) => `0:0-0${c}`);
  it.each(['', '  ', '0:', '0:0 0-1', '-1:0-1', '999999999999999999999999:0-1', 'a:0-0', 'A:0-0', '-0', '0:-0', '0:abc3-0', '1.0-', ...badUpstream, ...badRevision])(
    'rejects %j',
    (v) => expect(dpkg.isValid(v)).toBe(false),
  );

  it('splits epoch, upstream and revision at the first colon and the last hyphen', () => {
    expect(dpkg.parseVersion('1:2.3-4-5')).toEqual({ epoch: 1, upstream: '2.3-4', revision: '5' });
    expect(dpkg.parseVersion('2.3')).toEqual({ epoch: 0, upstream: '2.3', revision: '' });
    expect(dpkg.getUpstream('3:1.2.3-1+deb12u1')).toBe('1.2.3');
  });

  it('refuses to compare what is not a version at all, saying which', () => {
    expect(() => dpkg.compare('', '1.0')).toThrow(/invalid Debian version ""/);
  });
});

// A wide table checked against the real `dpkg --compare-versions` on this machine.
const curated = [
  '0', '00', '0~', '1', '1.0', '1.0.0', '1.0~', '1.0~~', '1.0~~a', '1.0~rc1', '1.0~rc2', '1.0~beta1', '1.0a', '1.0A',
  '1.0+b1', '1.0+', '1.0.', '1.0-1', '1.0-1ubuntu1', '1.0-0', '1.0-0~', '1.0-1~bpo1', '1:0.1', '2.0', '1:1.0', '0:1.0',
  '10:0.1', '1.2.3', '1.2.10', '1.10', '1.002', '1.2a+~bCd3', '1.2a++', '3a9.8', '3.10.2', '3~10', '2.4.7-z', '2.4.7-1',
  '7.88.1-10+deb12u5', '7.88.1-10+deb12u12', '1.0.0~beta1~1', '1:2:3-4', '0:1.0-1.1', '9:1.18.36:5.4-20', '2.0-1-1',
  '20240101', '2024.01.01', '1.0+dfsg-1', '1.0+dfsg1-1', '1.0~dfsg-1',
];

function randomVersion(random: () => number): string {
  const pieces = ['0', '1', '2', '9', '10', '01', '123', 'a', 'b', 'z', 'A', '.', '+', '~', '~~', 'rc', 'deb'];
  const epoch = random() < 0.2 ? `${pick(random, ['0', '1', '2', '10'])}:` : '';
  let upstream = pick(random, ['0', '1', '2', '10', '01']);
  const count = Math.floor(random() * 5);
  for (let i = 0; i < count; i++) upstream += pick(random, pieces);
  let revision = '';
  if (random() < 0.5) {
    revision = `-${pick(random, ['0', '1', '2', 'a', '1ubuntu1', '0+deb12u'])}`;
    if (random() < 0.5) revision += pick(random, pieces);
  }
  return `${epoch}${upstream}${revision}`;
}

describe.skipIf(!hasDpkg())('dpkg ordering matches the installed dpkg', () => {
  const random = seededRandom(20240601);
  const randomPairs = Array.from({ length: 600 }, () => [randomVersion(random), randomVersion(random)] as [string, string]);
  const pairs = [...allPairs(curated), ...randomPairs];

  it(`agrees on ${pairs.length} pairs`, { timeout: 120_000 }, () => {
    const expected = dpkgCompareAll(pairs);
    const disagreements = pairs
      .map(([a, b], i) => ({ a, b, dpkg: expected[i], ours: sign(dpkg.compare(a, b)) }))
      .filter((row) => row.dpkg !== row.ours);
    expect(disagreements).toEqual([]);
  });

  it('agrees with dpkg --validate-version', { timeout: 60_000 }, () => {
    const candidates = [...curated, ...randomPairs.flat(), 'a1', '1.0_1', '1.0 1', '+1:1', '-0:1', ':1', '1.0:1', '1:', '1.0-a_b', '1.0-1:2', ' 1.0 '];
    const verdicts = dpkgValidateAll(candidates);
    const disagreements = candidates
      .map((v, i) => ({ v, dpkg: verdicts[i], ours: dpkg.isValid(v) }))
      .filter((row) => row.dpkg !== row.ours);
    expect(disagreements).toEqual([]);
  });
});
