import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Property tests over whole-u64 ranges and gzip streams take a few seconds on 2 cores.
    testTimeout: 60_000,
    reporters: ['default'],
  },
});
