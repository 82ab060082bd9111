import { describe, expect, it } from 'vitest';
import { docker } from '../../src/versioning/docker/index.js';

describe('docker tags: reading a tag', () => {
  it.each([
    ['3.12', { prefix: '', release: [3, 12], suffix: '' }],
    ['3.12.1-alpine3.20', { prefix: '', release: [3, 12, 1], suffix: '-alpine3.20' }],
    ['20-bookworm-slim', { prefix: '', release: [20], suffix: '-bookworm-slim' }],
    ['3.12-slim-bookworm', { prefix: '', release: [3, 12], suffix: '-slim-bookworm' }],
    ['v1.2.3', { prefix: 'v', release: [1, 2, 3], suffix: '' }],
    ['1.2.3.4', { prefix: '', release: [1, 2, 3, 4], suffix: '' }],
    ['3.14.0rc1', { prefix: '', release: [3, 14, 0], prerelease: 'rc1', suffix: '' }],
    ['3.14.0-rc1', { prefix: '', release: [3, 14, 0], prerelease: 'rc1', suffix: '' }],
    ['3.14.0rc1-alpine3.20', { prefix: '', release: [3, 14, 0], prerelease: 'rc1', suffix: '-alpine3.20' }],
    ['3.13.0a1', { prefix: '', release: [3, 13, 0], prerelease: 'a1', suffix: '' }],
    ['1.0.0-beta.2-alpine', { prefix: '', release: [1, 0, 0], prerelease: 'beta.2', suffix: '-alpine' }],
    ['2.0-alpha', { prefix: '', release: [2, 0], prerelease: 'alpha', suffix: '' }],
    ['12.2.0-devel-ubuntu22.04', { prefix: '', release: [12, 2, 0], suffix: '-devel-ubuntu22.04' }],
    ['1.25-alpine', { prefix: '', release: [1, 25], suffix: '-alpine' }],
  ])('%s', (tag, expected) => {
    expect(docker.parseTag(tag)).toEqual(expected);
    expect(docker.isVersion(tag)).toBe(true);
  });

  it.each(['latest', 'stable', 'bookworm', 'alpine3.20', 'jammy-20240227', 'mainline', '1.2.3.4.5', '17.0.9_9-jdk', '3.12-', '', 'v'])(
    '%j is not a version',
    (tag) => {
      expect(docker.parseTag(tag)).toBeNull();
      expect(docker.isVersion(tag)).toBe(false);
      expect(docker.isValid(tag)).toBe(false);
    },
  );

  it.each([
    ['3.12', true],
    ['3.12-alpine', true],
    ['3.14.0rc1', false],
    ['3.14.0-beta-alpine', false],
    ['latest', false],
  ] as const)('%s is stable: %s', (tag, stable) => expect(docker.isStable(tag)).toBe(stable));

  it('reads major, minor and patch, null where the tag has no such part', () => {
    expect([docker.getMajor('3.12.1-alpine'), docker.getMinor('3.12.1-alpine'), docker.getPatch('3.12.1-alpine')]).toEqual([3, 12, 1]);
    expect([docker.getMajor('20-alpine'), docker.getMinor('20-alpine'), docker.getPatch('20-alpine')]).toEqual([20, null, null]);
    expect(docker.getMajor('latest')).toBeNull();
  });
});

describe('docker tags: order and compatibility', () => {
  it.each([
    [['3.14.0a1', '3.14.0b2', '3.14.0rc1', '3.14.0', '3.14.1']],
    [['1.0.0-dev1', '1.0.0-alpha', '1.0.0-alpha.2', '1.0.0-beta', '1.0.0-rc.1', '1.0.0']],
    [['3.8', '3.9', '3.10', '3.12', '3.12.0', '3.12.1', '4']],
  ])('sorts %j', (ordered) => {
    expect([...ordered].reverse().sort(docker.compare)).toEqual(ordered);
  });

  it('refuses to order a tag that is not a version', () => {
    expect(() => docker.compare('latest', '3.12')).toThrow(/"latest" is not a version/);
  });

  it.each([
    ['3.13', '3.12', true],
    ['3.13.1', '3.12', false],
    ['3.12', '3.12.1', false],
    ['22-alpine', '20-alpine', true],
    ['22-alpine3.20', '20-alpine', false],
    ['22-alpine', '20-alpine3.20', false],
    ['3.13-slim-bookworm', '3.12-slim-bookworm', true],
    ['3.13-slim', '3.12-slim-bookworm', false],
    ['v1.3', '1.2', false],
    ['latest', '1.2', false],
  ] as const)('%s may replace %s: %s', (candidate, current, expected) => {
    expect(docker.isCompatible(candidate, current)).toBe(expected);
  });

  it.each([
    ['3.12', '3.13', 'minor'],
    ['3.12.1', '3.12.4', 'patch'],
    ['3.12.1', '3.13.0', 'minor'],
    ['20-alpine', '22-alpine', 'major'],
    ['1.2.3.4', '1.2.3.5', 'patch'],
    ['3.14.0rc1', '3.14.0', 'patch'],
    ['2.9', '3.0', 'major'],
  ] as const)('%s → %s is a %s update', (from, to, type) => {
    expect(docker.getUpdateType(from, to)).toBe(type);
  });
});

describe('docker tags: which updates to propose', () => {
  const pythonTags = [
    'latest', 'alpine', 'bookworm', '3', '3-bookworm', '3.11', '3.11-alpine', '3.12', '3.12.4', '3.12.5',
    '3.12-alpine', '3.12-alpine3.19', '3.12-alpine3.20', '3.12.5-alpine3.20', '3.13', '3.13.0', '3.13-alpine',
    '3.13-alpine3.20', '3.13.0-alpine3.20', '3.14.0b2', '3.14.0rc1', '3.14.0rc1-alpine3.20', '3.14-rc-alpine3.20',
    '3.14rc1', '4.0a1', '4.0a1-alpine3.20',
  ];
  const nodeTags = [
    '18-alpine', '20-alpine', '20.11-alpine', '20.11.1-alpine', '20.12-alpine', '22-alpine', '22-alpine3.20',
    '22.1-alpine', '23-alpine', '24-alpine', '25-rc-alpine', 'current-alpine', 'lts-alpine',
  ];

  it.each([
    ['3.12', pythonTags, { nonMajor: '3.13' }],
    ['3.12.4', pythonTags, { nonMajor: '3.13.0' }],
    ['3.12-alpine3.20', pythonTags, { nonMajor: '3.13-alpine3.20' }],
    ['3.12-alpine', pythonTags, { nonMajor: '3.13-alpine' }],
    ['3.12.5-alpine3.20', pythonTags, { nonMajor: '3.13.0-alpine3.20' }],
    ['3.13', pythonTags, {}],
    ['20-alpine', nodeTags, { major: '24-alpine' }],
    ['20.11-alpine', nodeTags, { nonMajor: '20.12-alpine', major: '22.1-alpine' }],
    ['20.11.1-alpine', nodeTags, {}],
    ['3.8', ['3.8', '3.9', '3.10', '3.7'], { nonMajor: '3.10' }],
    ['v1.2.0', ['v1.3.0', '1.4.0', 'v2.0.0', '2.1.0'], { nonMajor: 'v1.3.0', major: 'v2.0.0' }],
  ] as const)('%s', (current, tags, expected) => {
    expect(docker.pickUpdates(current, tags)).toEqual(expected);
  });

  it.each(['latest', 'bookworm', 'alpine', 'lts-alpine'])('proposes nothing for the non-version tag %s', (current) => {
    expect(docker.pickUpdates(current, [...pythonTags, ...nodeTags])).toEqual({});
  });

  it('never proposes a prerelease for a stable tag, even when it is the newest', () => {
    const tags = ['3.13.0', '3.13.1rc1', '3.13.1-rc2', '3.14.0a1', '4.0-beta'];
    expect(docker.pickUpdates('3.13.0', tags)).toEqual({});
  });

  it('moves a prerelease to a later prerelease of the same release, or to that release', () => {
    expect(docker.pickUpdates('3.14.0rc1', ['3.14.0b2', '3.14.0rc2', '3.15.0a1'])).toEqual({ nonMajor: '3.14.0rc2' });
    expect(docker.pickUpdates('3.14.0rc1', ['3.14.0rc2', '3.14.0', '3.14.1'])).toEqual({ nonMajor: '3.14.1' });
  });

  it('keeps majors apart from minor and patch updates', () => {
    const updates = docker.pickUpdates('1.2', ['1.3', '1.9', '2.0', '2.4', '10.0']);
    expect(updates).toEqual({ nonMajor: '1.9', major: '10.0' });
    expect(docker.getUpdateType('1.2', updates.nonMajor ?? '')).toBe('minor');
    expect(docker.getUpdateType('1.2', updates.major ?? '')).toBe('major');
  });
});
