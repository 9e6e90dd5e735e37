import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';
import { modelCatalog } from './config/model-catalog.ts';

export default defineConfig({
  plugins: [svelte(), modelCatalog()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['tests/unit/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // One browser at a time: these machines have two cores, and timing-sensitive
          // streaming tests must not compete with each other.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // `npm run bench` only: figures printed and written to bench-results.json, never pass/fail on speed.
          name: 'bench',
          include: ['tests/bench/**/*.bench.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
