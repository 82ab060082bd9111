import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests and the processes they spawn never reach the public OSV API; OSV tests use a loopback fake.
    env: { FRESHEN_OSV_URL: 'off' },
  },
});
