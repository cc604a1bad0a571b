import { defineConfig } from 'vitest/config';

/** Every test in the repo: unit tests in Node, browser tests with real Chromium, end-to-end tests on wrangler dev. */
export default defineConfig({
  test: {
    projects: [
      'demo/vitest.config.ts',
      'site/vitest.config.ts',
      'browser-fleet/vitest.config.ts',
      {
        test: {
          name: 'unit',
          include: ['schemas/test/**/*.test.ts', 'engine/test/**/*.test.ts', 'edge/test/**/*.test.ts', 'fixtures/test/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          // One local stack is shared; files take turns so a file that kills fleet nodes disturbs no other.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
