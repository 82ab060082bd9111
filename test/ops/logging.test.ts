// The logger: secret fields and secret-shaped text redacted, job fields on every line written inside a job.
import { describe, expect, it } from 'vitest';
import { createLogger, environmentSecrets, scrubSecrets, withJobFields } from '../../src/observability/logging.js';
import { appKeys } from '../support/github-sim/testing.js';

function capture(secrets: string[] = []) {
  const lines: string[] = [];
  const log = createLogger({ level: 'trace', secrets, destination: { write: (l: string) => lines.push(l) } });
  return { log, lines, text: () => lines.join('') };
}

describe('redaction', () => {
  it('removes secret fields wherever they sit', () => {
    const { log, text } = capture();
    log.info({ headers: { authorization: 'token ghs_abcdefghijklmnopqrstuvwx' }, token: 'plain-token-value', nested: { password: 'hunter2-hunter2' } }, 'request');
    log.info({ request: { headers: { authorization: 'Basic dXNlcjpwYXNzd29yZA==' } } }, 'deep');
    expect(text()).not.toMatch(/ghs_abc|plain-token-value|hunter2|dXNlcjpwYXNzd29yZA/);
    expect(text()).toContain('[redacted]');
  });

  it('removes known values and secret-shaped text from messages and errors', () => {
    const key = appKeys().privateKey;
    const { log, text } = capture(environmentSecrets({ PRIVATE_KEY: key, WEBHOOK_SECRET: 'hook-secret-42', FRESHEN_REGISTRY_CREDENTIALS: { corp: { password: 'reg-pass-99' } } }));
    log.error({ err: new Error(`could not sign with ${key}`) }, 'bad key');
    log.warn(`webhook secret hook-secret-42 rejected; registry said reg-pass-99`);
    log.warn('GET https://bot:s3cretpass@registry.example.com/v2/ with Bearer eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjMifQ.c2lnbmF0dXJlLXZhbHVl');
    const all = text();
    for (const leak of ['PRIVATE KEY', key.split('\n')[1]!, 'hook-secret-42', 'reg-pass-99', 's3cretpass', 'eyJhbGci']) expect(all).not.toContain(leak);
    expect(all).toContain('registry.example.com');
  });

  it('leaves ordinary text alone', () => {
    expect(scrubSecrets('token expired; digest sha256:abc; Basic auth needed')).toBe('token expired; digest sha256:abc; Basic auth needed');
  });
});

describe('job fields', () => {
  it('are on every line logged inside a job, and not outside', async () => {
    const { log, lines } = capture();
    log.info('before');
    await withJobFields({ installation: 7, repo: 'acme/web', job: 'scan-9', jobName: 'scan-repo' }, async () => {
      log.info('one');
      await new Promise((r) => setTimeout(r, 1));
      log.child({ step: 'x' }).debug('two');
    });
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed[0]).not.toHaveProperty('job');
    for (const line of parsed.slice(1)) expect(line).toMatchObject({ installation: 7, repo: 'acme/web', job: 'scan-9' });
  });
});
