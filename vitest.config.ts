import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-file.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // sharp, exiftool and c2pa each use native threads; two cores are shared by the suite.
    maxWorkers: 2,
  },
});
