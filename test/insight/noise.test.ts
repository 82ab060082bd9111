// Less noise: multi-arch digest refreshes that change only other platforms, and minimum release age.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { directorySource } from '../../src/engine/directory-source.js';
import { scan } from '../../src/engine/index.js';
import type { Planner } from '../../src/engine/types.js';
import { MemoryFirstSeenStore, RedisFirstSeenStore } from '../../src/insight/first-seen.js';
import { multiArchPlanner } from '../../src/insight/multi-arch.js';
import { parseDuration, releaseAgePlanner } from '../../src/insight/release-age.js';
import { silentLogger } from '../../src/types.js';
import { pushImage, pushIndex } from '../support/oci-push.js';
import { checkout } from './images.js';

const host = inject('registryHost');
const registryUrl = `http://${host}`;
const run = Math.random().toString(36).slice(2, 8);
const multi = `${host}/noise-${run}/multi`;
const aged = `${host}/noise-${run}/aged`;
const epoch = `${host}/noise-${run}/epoch`;
let oldIndex: string;
let armOnly: string;
let justPushed: Date;

async function scanWith(files: Record<string, string>, planners: (images: ReturnType<typeof createOciClient>) => Planner[]) {
  const images = createOciClient({ insecureRegistries: [host] });
  return scan(directorySource(checkout(files)), { images, log: silentLogger, planners: planners(images) });
}

beforeAll(async () => {
  const amd = { platform: { os: 'linux', architecture: 'amd64' }, files: [{ 'v.txt': 'amd64 v1\n' }] };
  oldIndex = (await pushIndex(registryUrl, `noise-${run}/multi`, 'stable', [amd, { platform: { os: 'linux', architecture: 'arm64' }, files: [{ 'v.txt': 'arm64 v1\n' }] }])).digest;
  // The same amd64 image (same bytes, same digest); only arm64 was rebuilt.
  armOnly = (await pushIndex(registryUrl, `noise-${run}/multi`, 'stable', [amd, { platform: { os: 'linux', architecture: 'arm64' }, files: [{ 'v.txt': 'arm64 v2\n' }] }])).digest;
  await pushImage(registryUrl, `noise-${run}/aged`, '1.0', { created: '2024-01-01T00:00:00Z' });
  justPushed = new Date();
  await pushImage(registryUrl, `noise-${run}/aged`, '1.1', { created: justPushed.toISOString() });
  await pushImage(registryUrl, `noise-${run}/epoch`, '1.0', { created: '2024-01-01T00:00:00Z' });
  await pushImage(registryUrl, `noise-${run}/epoch`, '1.1', { created: '1970-01-01T00:00:00Z', files: [{ 'reproducible.txt': 'epoch\n' }] });
});

describe('multi-arch noise', () => {
  const dockerfile = (platform = '') => ({ Dockerfile: `FROM ${platform}${multi}:stable@${oldIndex}\n` });

  it('without the planner, the index digest change is proposed', async () => {
    const result = await scanWith(dockerfile(), () => []);
    expect(result.updates.map((u) => [u.updateType, u.newDigest])).toEqual([['digest', armOnly]]);
  });

  it('drops it when the only changed image is for another architecture', async () => {
    const result = await scanWith(dockerfile(), (images) => [multiArchPlanner({ images })]);
    expect(result.updates).toEqual([]);
    expect(result.held).toEqual([]);
  });

  it('keeps it when the repository builds for the changed platform (config or FROM --platform)', async () => {
    const byConfig = await scanWith(dockerfile(), (images) => [multiArchPlanner({ images, platforms: ['linux/amd64', 'linux/arm64'] })]);
    expect(byConfig.updates.map((u) => u.newDigest)).toEqual([armOnly]);
    const byFlag = await scanWith(dockerfile('--platform=linux/arm64 '), (images) => [multiArchPlanner({ images })]);
    expect(byFlag.updates.map((u) => u.newDigest)).toEqual([armOnly]);
  });
});

describe('minimum release age', () => {
  it('parses durations', () => {
    expect(parseDuration('3 days')).toBe(3 * 86_400_000);
    expect(parseDuration('12 hours')).toBe(12 * 3_600_000);
    expect(parseDuration('1 week')).toBe(7 * 86_400_000);
    expect(parseDuration('30 minutes')).toBe(30 * 60_000);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('soon')).toBeNull();
  });

  const ageScan = (image: string, now: Date, firstSeen = new MemoryFirstSeenStore()) =>
    scanWith({ Dockerfile: `FROM ${image}:1.0\n` }, (images) => [releaseAgePlanner({ minimumReleaseAge: '3 days', images, firstSeen, now: () => now })]);

  it('holds back a just-pushed tag (its created time) and says when it becomes eligible', async () => {
    const result = await ageScan(aged, new Date(justPushed.getTime() + 3_600_000));
    expect(result.updates).toEqual([]);
    expect(result.held.map((h) => [h.update.newValue, h.eligibleAt])).toEqual([
      ['1.1', new Date(justPushed.getTime() + 3 * 86_400_000).toISOString()],
    ]);
    expect(result.held[0]!.reason).toMatch(/^minimum release age 3 days: released .* \(created\)$/);
    const later = await ageScan(aged, new Date(justPushed.getTime() + 3 * 86_400_000 + 1000));
    expect(later.held).toEqual([]);
    expect(later.updates.map((u) => u.newValue)).toEqual(['1.1']);
  });

  it('falls back to when Freshen first saw the release when created is a placeholder', async () => {
    const firstSeen = new MemoryFirstSeenStore();
    const t0 = new Date(justPushed.getTime() + 60_000);
    const first = await ageScan(epoch, t0, firstSeen);
    expect(first.held.map((h) => [h.update.newValue, h.eligibleAt])).toEqual([['1.1', new Date(t0.getTime() + 3 * 86_400_000).toISOString()]]);
    expect(first.held[0]!.reason).toMatch(/\(first seen\)$/);
    // Two days later the clock still runs from the first sighting.
    const second = await ageScan(epoch, new Date(t0.getTime() + 2 * 86_400_000), firstSeen);
    expect(second.held[0]?.eligibleAt).toBe(first.held[0]!.eligibleAt);
    const third = await ageScan(epoch, new Date(t0.getTime() + 3 * 86_400_000), firstSeen);
    expect(third.updates.map((u) => u.newValue)).toEqual(['1.1']);
  });

  it('lets security fixes through unless told otherwise', async () => {
    const markSecurity: Planner = { name: 'mark', async plan(state) { for (const u of state.updates) u.extra = { ...u.extra, security: true }; } };
    const now = () => new Date(justPushed.getTime() + 60_000);
    const bypass = await scanWith({ Dockerfile: `FROM ${aged}:1.0\n` }, (images) => [markSecurity, releaseAgePlanner({ minimumReleaseAge: '3 days', images, firstSeen: new MemoryFirstSeenStore(), now })]);
    expect(bypass.updates.map((u) => u.newValue)).toEqual(['1.1']);
    const strict = await scanWith({ Dockerfile: `FROM ${aged}:1.0\n` }, (images) => [
      markSecurity, releaseAgePlanner({ minimumReleaseAge: '3 days', images, firstSeen: new MemoryFirstSeenStore(), now, bypassForSecurity: false }),
    ]);
    expect(strict.updates).toEqual([]);
    expect(strict.held).toHaveLength(1);
  });
});

describe('first-seen store in Redis', () => {
  const redis = new Redis(inject('redisUrl'), { keyPrefix: `fs-${run}:` });
  afterAll(() => redis.disconnect());

  it('records the first sighting and returns it ever after', async () => {
    const store = new RedisFirstSeenStore(redis);
    const t0 = new Date('2024-03-01T00:00:00Z');
    expect((await store.firstSeen('docker|x|sha256:1', t0)).toISOString()).toBe(t0.toISOString());
    expect((await store.firstSeen('docker|x|sha256:1', new Date('2024-03-05T00:00:00Z'))).toISOString()).toBe(t0.toISOString());
    expect(await redis.ttl('first-seen:docker|x|sha256:1')).toBeGreaterThan(300 * 86_400);
  });
});

describe('the CLI', () => {
  it('holds a just-pushed tag with --min-release-age and shows when it becomes eligible', async () => {
    const { runCli } = await import('../../src/cli.js');
    let out = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (out += t), env: { FRESHEN_INSECURE_REGISTRIES: host } };
    const dir = checkout({ Dockerfile: `FROM ${aged}:1.0\n` });
    expect(await runCli(['scan', dir, '--json', '--min-release-age', '3 days'], io)).toBe(0);
    const json = JSON.parse(out) as { updates: unknown[]; held: { to: string; eligibleAt: string }[] };
    expect(json.updates).toEqual([]);
    expect(json.held.map((h) => h.eligibleAt)).toEqual([new Date(Date.parse(justPushed.toISOString()) + 3 * 86_400_000).toISOString()]);
    out = '';
    expect(await runCli(['scan', dir, '--platform', 'amd64'], io)).toBe(2);
    expect(out).toMatch(/--platform amd64: expected os\/arch/);
  });
});
