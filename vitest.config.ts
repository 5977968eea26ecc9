import { defineConfig } from 'vitest/config';

/**
 * Tests run in random order, files and the tests in each file, so none can lean on another's state.
 * The summary reporter prints the seed; `VITEST_SEED=<seed> npx vitest run` replays that order.
 */
const seed = Number(process.env.VITEST_SEED) || Date.now() % 1_000_000_000;

export default defineConfig({
  test: {
    sequence: { shuffle: true, seed },
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Two cores: CDK synth and DynamoDB Local share them with the workers.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // The pure core and the use cases on in-memory stores: no Java, no DynamoDB Local, seconds.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          // One DynamoDB Local for the whole run; each test file makes its own table in it.
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
