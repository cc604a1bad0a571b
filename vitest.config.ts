import { defineConfig } from 'vitest/config';
import { E2E_STACKS } from './tests/e2e/stack-count.ts';

/** Every test in the repo: unit tests in Node, browser tests with real Chromium, end-to-end tests on wrangler dev. */
export default defineConfig({
  test: {
    // Vitest's default on this 2-core machine is one worker for everything; the unit and browser files wait on
    // Chromium and pages often enough that two at a time finish sooner.
    maxWorkers: 2,
    projects: [
      'demo/vitest.config.ts',
      'site/vitest.config.ts',
      'browser-fleet/vitest.config.ts',
      {
        // Tests that measure how quickly a fleet node answers while it works: they run alone, after the parallel
        // groups and before the serial e2e files, so other files' CPU use is not what they measure.
        test: {
          name: 'browser-fleet-alone',
          root: 'browser-fleet',
          include: ['test/pattern-health.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'unit',
          include: ['schemas/test/**/*.test.ts', 'engine/test/**/*.test.ts', 'edge/test/**/*.test.ts', 'fixtures/test/**/*.test.ts', 'infra/test/**/*.test.ts', 'scripts/test/**/*.test.ts', 'sdk/test/**/*.test.ts', 'cli/test/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          // E2E_STACKS local stacks, E2E_STACKS files at once, each on a stack of its own (stacks.ts): a file that kills fleet nodes
          // disturbs no other (see stacks.ts). Last group: the browser-fleet files' CPU is not in their way.
          setupFiles: ['tests/e2e/stacks.ts'],
          maxWorkers: E2E_STACKS,
          sequence: { groupOrder: 2 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
