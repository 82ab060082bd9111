import { describe, expect, it, inject } from 'vitest';

describe('test services', () => {
  it('has a real registry answering the distribution API', async () => {
    const res = await fetch(`http://${inject('registryHost')}/v2/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });
});
