// Release age for every datasource: a language package's publish time, an OS package's first sighting.
import { describe, expect, it } from 'vitest';
import type { PlannedUpdate } from '../../src/engine/types.js';
import { MemoryFirstSeenStore } from '../../src/insight/first-seen.js';
import { releaseTime } from '../../src/insight/release-age.js';
import { silentLogger } from '../../src/types.js';

const noImages = { getImageConfig: () => Promise.reject(new Error('no image lookups expected')) };
const ctx = { log: silentLogger };
const update = (manager: string, depName: string, newValue: string, extra?: PlannedUpdate['extra']): PlannedUpdate =>
  ({ manager, file: 'Dockerfile', line: 3, depName, depIndex: 0, from: '1', to: newValue, updateType: 'patch', newValue, newDigest: null, ...(extra ? { extra } : {}) });

describe('releaseTime', () => {
  it('uses the publish time an npm or PyPI datasource gave', async () => {
    const firstSeen = new MemoryFirstSeenStore();
    const now = new Date('2025-03-10T00:00:00Z');
    const got = await releaseTime({ images: noImages, firstSeen }, update('npm', 'lib', '1.1.0', { releaseTimestamp: '2025-03-08T12:00:00Z' }), undefined, now, ctx);
    expect(got).toEqual({ at: new Date('2025-03-08T12:00:00Z'), from: 'published' });
  });

  it('times an OS package version from when Freshen first saw it, per package and version', async () => {
    const firstSeen = new MemoryFirstSeenStore();
    const t0 = new Date('2025-03-10T00:00:00Z');
    const t1 = new Date('2025-03-12T00:00:00Z');
    const curl = update('os-packages', 'curl', '7.88.1-10+deb12u9');
    expect(await releaseTime({ images: noImages, firstSeen }, curl, undefined, t0, ctx)).toEqual({ at: t0, from: 'first seen' });
    expect(await releaseTime({ images: noImages, firstSeen }, curl, undefined, t1, ctx)).toEqual({ at: t0, from: 'first seen' });
    const newer = update('os-packages', 'curl', '7.88.1-10+deb12u10');
    expect(await releaseTime({ images: noImages, firstSeen }, newer, undefined, t1, ctx)).toEqual({ at: t1, from: 'first seen' });
  });
});
