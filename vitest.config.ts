import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests and the processes they spawn never reach the public OSV API nor the distributions' release
    // data; those tests use loopback fakes.
    env: { FRESHEN_OSV_URL: 'off', FRESHEN_DEBIAN_RELEASES_URL: 'off', FRESHEN_ALPINE_RELEASES_URL: 'off' },
  },
});
