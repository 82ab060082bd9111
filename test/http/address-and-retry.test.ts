import { describe, expect, it } from 'vitest';
import { isPublicAddress, parseHostList, parseRetryAfter } from '../../src/http/index.js';
import { backoffDelay, isTransientNetworkError } from '../../src/http/retry.js';

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true],
    ['93.184.216.34', true],
    ['2606:4700:4700::1111', true],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['172.31.255.255', false],
    ['192.168.1.1', false],
    ['127.0.0.1', false],
    ['127.8.9.10', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['255.255.255.255', false],
    ['224.0.0.1', false],
    ['::', false],
    ['::1', false],
    ['fe80::1', false],
    ['fc00::1', false],
    ['fd12:3456::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['::ffff:8.8.8.8', true],
    ['64:ff9b::a00:1', false],
    ['64:ff9b::808:808', true],
    ['not-an-ip', false],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('parseHostList', () => {
  it('splits FRESHEN_INSECURE_REGISTRIES', () => {
    expect(parseHostList(' 127.0.0.1:5000, registry.lan ,,')).toEqual(['127.0.0.1:5000', 'registry.lan']);
    expect(parseHostList(undefined)).toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    ['5', 5000],
    [' 0 ', 0],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('%s → %s ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially and stays within its jitter band', () => {
    expect(backoffDelay(0, 100, () => 0)).toBe(50);
    expect(backoffDelay(0, 100, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, () => 0)).toBe(400);
    expect(backoffDelay(3, 100, () => 1)).toBe(800);
  });
});

describe('isTransientNetworkError', () => {
  it('knows broken connections from permanent failures, also through causes', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(isTransientNetworkError(reset)).toBe(true);
    expect(isTransientNetworkError(new Error('wrapped', { cause: reset }))).toBe(true);
    expect(isTransientNetworkError(Object.assign(new Error('no such host'), { code: 'ENOTFOUND' }))).toBe(false);
    expect(isTransientNetworkError('ECONNRESET')).toBe(false);
  });
});
