// The operating settings: exactly one Redis setting, host lists checked, admin and health port.
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../../src/config/env.js';
import { keyPrefixFor } from '../../src/cache/redis-connection.js';
import { appKeys } from '../support/github-sim/testing.js';

const base = { APP_ID: '1', PRIVATE_KEY: appKeys().privateKey, WEBHOOK_SECRET: 'env-secret' };

describe('Redis settings', () => {
  it.each<[Record<string, string>, unknown]>([
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, { kind: 'single', url: 'redis://127.0.0.1:6379' }],
    [{ REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26379', REDIS_PASSWORD: 'pw-secret' }, { kind: 'sentinel', sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26379 }], name: 'mymaster', password: 'pw-secret' }],
    [{ REDIS_CLUSTER_NODES: '[::1]:7000,redis-1:7001' }, { kind: 'cluster', nodes: [{ host: '::1', port: 7000 }, { host: 'redis-1', port: 7001 }], password: undefined }],
  ])('%o', (extra, target) => {
    expect(loadEnv({ ...base, ...extra }).redis).toEqual(target);
  });

  it.each<[Record<string, string>, RegExp]>([
    [{}, /REDIS_URL: is required/],
    [{ REDIS_URL: 'redis://a', REDIS_SENTINELS: 'a:1' }, /REDIS_URL: set only one of REDIS_URL, REDIS_SENTINELS/],
    [{ REDIS_CLUSTER_NODES: 'a:1,b' }, /REDIS_CLUSTER_NODES: "b" is not host:port/],
    [{ REDIS_SENTINELS: 'a:99999' }, /REDIS_SENTINELS: "a:99999" is not host:port/],
  ])('refuses %o', (extra, message) => {
    expect(() => loadEnv({ ...base, ...extra })).toThrow(EnvError);
    expect(() => loadEnv({ ...base, ...extra })).toThrow(message);
  });

  it('lists the Redis problem together with the others', () => {
    expect(() => loadEnv({ APP_ID: 'x', PRIVATE_KEY: base.PRIVATE_KEY })).toThrow(/APP_ID[\s\S]*WEBHOOK_SECRET[\s\S]*REDIS_URL: is required/);
  });

  it('hash-tags the prefix only on a cluster', () => {
    expect(keyPrefixFor(loadEnv({ ...base, REDIS_CLUSTER_NODES: 'a:1' }).redis, 'freshen')).toBe('{freshen}');
    expect(keyPrefixFor(loadEnv({ ...base, REDIS_URL: 'redis://a' }).redis, 'freshen')).toBe('freshen');
  });
});

describe('operating settings', () => {
  it('defaults HEALTH_PORT and leaves the admin UI off', () => {
    const env = loadEnv({ ...base, REDIS_URL: 'redis://a' });
    expect(env.HEALTH_PORT).toBe(9464);
    expect(env.ADMIN_USER).toBeUndefined();
  });
  it('refuses a short admin password without echoing it', () => {
    expect(() => loadEnv({ ...base, REDIS_URL: 'redis://a', ADMIN_USER: 'ops', ADMIN_PASSWORD: 'abc12' })).toThrow(/ADMIN_PASSWORD: must be at least 8 characters/);
    expect(() => loadEnv({ ...base, REDIS_URL: 'redis://a', ADMIN_USER: 'ops', ADMIN_PASSWORD: 'abc12' })).not.toThrow(/abc12/);
  });
  it('bounds worker heap growth at 50% by default; 0 keeps V8\'s default; nonsense is refused by name', () => {
    expect(loadEnv({ ...base, REDIS_URL: 'redis://a' }).FRESHEN_HEAP_GROWTH_PERCENT).toBe(50);
    expect(loadEnv({ ...base, REDIS_URL: 'redis://a', FRESHEN_HEAP_GROWTH_PERCENT: '0' }).FRESHEN_HEAP_GROWTH_PERCENT).toBe(0);
    expect(() => loadEnv({ ...base, REDIS_URL: 'redis://a', FRESHEN_HEAP_GROWTH_PERCENT: 'lots' })).toThrow(/FRESHEN_HEAP_GROWTH_PERCENT/);
  });
});
