import { defineConfig } from 'vitest/config';

// Browser tests share one Chromium per file; 30 s covers a cold launch on a 2-core machine.
export default defineConfig({
  test: {
    name: 'browser-fleet',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    // Timing-sensitive: run alone in the root config's browser-fleet-alone project.
    exclude: ['test/pattern-health.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
