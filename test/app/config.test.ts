// Service env and repository config: validated once, with located, readable errors.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../../src/config/env.js';
import { defaultRepoConfig, parseRepoConfig } from '../../src/config/repo-config.js';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

const baseEnv = { APP_ID: '42', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: 's3cret-value', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('service env', () => {
  it('applies defaults and builds the GHE API base', () => {
    const env = loadEnv({ ...baseEnv, GHE_HOST: '127.0.0.1:8443', GHE_PROTOCOL: 'http', FRESHEN_INSECURE_REGISTRIES: 'a:5000, b' });
    expect(env.FRESHEN_ROLE).toBe('all');
    expect(env.PORT).toBe(3000);
    expect(env.apiBaseUrl).toBe('http://127.0.0.1:8443/api/v3');
    expect(env.FRESHEN_INSECURE_REGISTRIES).toEqual(['a:5000', 'b']);
    expect(loadEnv(baseEnv).apiBaseUrl).toBe('https://api.github.com');
  });

  it('accepts a base64 private key', () => {
    const env = loadEnv({ ...baseEnv, PRIVATE_KEY: Buffer.from(privateKey).toString('base64') });
    expect(env.PRIVATE_KEY).toContain('-----BEGIN PRIVATE KEY-----');
  });

  it('lists every problem by name and never echoes a secret', () => {
    let error: unknown;
    try {
      loadEnv({ APP_ID: 'abc', PRIVATE_KEY: privateKey, WEBHOOK_SECRET: 's3cret-value', REDIS_URL: 'http://x', FRESHEN_ROLE: 'both' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    expect(message).toMatch(/APP_ID: must be the numeric GitHub App id/);
    expect(message).toMatch(/REDIS_URL: must be a redis/);
    expect(message).toMatch(/FRESHEN_ROLE/);
    expect(message).not.toContain('s3cret-value');
    expect(message).not.toContain('PRIVATE KEY-----');
  });

  it('requires a private key one way or the other', () => {
    const { PRIVATE_KEY: _unused, ...noKey } = baseEnv;
    expect(() => loadEnv(noKey)).toThrow(/PRIVATE_KEY: set PRIVATE_KEY or PRIVATE_KEY_PATH/);
    expect(() => loadEnv({ ...noKey, PRIVATE_KEY_PATH: '/nonexistent/key.pem' })).toThrow(/PRIVATE_KEY_PATH: cannot read the file \(ENOENT\)/);
  });

  it('reads named registry credentials and their hosts as JSON', () => {
    const env = loadEnv({ ...baseEnv, FRESHEN_REGISTRY_CREDENTIALS: '{"corp":{"hosts":["Registry.Corp.example:5000"],"username":"u","password":"p"},"hub":{"hosts":["docker.io","auth.docker.io"],"token":"t"}}' });
    expect(env.FRESHEN_REGISTRY_CREDENTIALS).toEqual({
      corp: { hosts: ['registry.corp.example:5000'], username: 'u', password: 'p' },
      hub: { hosts: ['docker.io', 'auth.docker.io'], token: 't' },
    });
    expect(() => loadEnv({ ...baseEnv, FRESHEN_REGISTRY_CREDENTIALS: '["corp"]' })).toThrow(/FRESHEN_REGISTRY_CREDENTIALS: must be a JSON object/);
    expect(() => loadEnv({ ...baseEnv, FRESHEN_REGISTRY_CREDENTIALS: '{"corp":"p"}' })).toThrow(/FRESHEN_REGISTRY_CREDENTIALS\.corp: must be \{"hosts"/);
  });
});

describe('repository config', () => {
  it('has documented defaults', () => {
    expect(defaultRepoConfig).toMatchObject({ process: 'pinned', prLimit: 5, labels: ['dependencies'], ignore: [], groups: [], timezone: 'UTC' });
    expect(defaultRepoConfig.schedule).toBeUndefined();
  });

  it('accepts a full config and ignores _extends after merging', () => {
    const result = parseRepoConfig({
      _extends: '.github',
      process: 'rebuild',
      schedule: '0 4 * * 1-5',
      timezone: 'Europe/Berlin',
      ignore: ['docker.io/library/postgres', 'legacy/**'],
      groups: [{ name: 'base-images', match: ['docker.io/library/*'] }],
      prLimit: 2,
      labels: ['deps', 'containers'],
      registries: [{ host: 'registry.corp.example:5000', credentials: 'corp' }],
    });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config.groups[0]).toEqual({ name: 'base-images', match: ['docker.io/library/*'], includeMajor: false });
  });

  it('names the path and what was expected for each mistake', () => {
    const result = parseRepoConfig({ prLimit: 'five', schedule: 'every monday', groups: [{ name: 'Bad Name', match: [] }], timezone: 'Mars/Olympus' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byPath = Object.fromEntries(result.problems.map((p) => [p.path, p.message]));
    expect(byPath['prLimit']).toMatch(/expected number/);
    expect(byPath['schedule']).toMatch(/5-field cron/);
    expect(byPath['groups[0].name']).toMatch(/lowercase name/);
    expect(byPath['groups[0].match']).toBeDefined();
    expect(byPath['timezone']).toMatch(/IANA time zone/);
    expect(result.problems.every((p) => p.file === '.github/freshen.yml')).toBe(true);
  });

  it('refuses secrets written into the repository', () => {
    const result = parseRepoConfig({ registries: [{ host: 'r.example', password: 'hunter2' }] });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems[0]?.path).toBe('registries[0].password');
      expect(result.problems[0]?.message).toMatch(/unknown field "password".*app-side credential/);
    }
  });
});
