import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'api',
          sequence: { groupOrder: 1 },
          include: ['tests/api/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/api/global-setup.ts'],
          // the sample city's simulator runs only where a test turns it on
          env: { RISKMAP_SIMULATE: '0' },
          // Each file opens its own copy of the embedded database (a WASM PostgreSQL):
          // opening takes seconds and memory, so run two files at a time.
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          env: { RISKMAP_SIMULATE: '0' },
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
