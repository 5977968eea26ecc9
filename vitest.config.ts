import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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
