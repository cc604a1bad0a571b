import { defineConfig } from 'vitest/config';

// Unit tests for the site's plain TypeScript (not the Astro pages, which `astro build` checks).
export default defineConfig({
  test: { include: ['test/**/*.test.ts'] },
});
