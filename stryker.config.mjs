// @ts-check
import { fileURLToPath } from 'node:url';

/**
 * `npm run mutate`: mutation testing of the pure core and the use cases (README, "Tests that bite").
 * One folder at a time: `npm run mutate -- --mutate 'shared/lending/**\/*.ts'`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  mutate: [
    // The pure core.
    'shared/lending/**/*.ts',
    'shared/scoring/**/*.ts',
    'shared/contact/**/*.ts',
    'shared/collection/**/*.ts',
    // The use cases, run against the in-memory stores.
    'shared/origination/**/*.ts',
    'shared/servicing/**/*.ts',
    'shared/reminders/**/*.ts',
    // Declarations only: nothing to mutate.
    '!shared/lending/types.ts',
  ],
  testRunner: 'vitest',
  vitest: { configFile: 'stryker/vitest.config.ts' },
  coverageAnalysis: 'perTest',
  // Mutants that do not compile are CompileErrors, not test runs: stryker/mutated-file-checker.mjs type
  // checks the file each mutant changes with TypeScript 7, over the program of the mutated folders.
  plugins: [
    '@stryker-mutator/vitest-runner',
    fileURLToPath(new URL('./stryker/mutated-file-checker.mjs', import.meta.url)),
  ],
  checkers: ['mutated-file'],
  tsconfigFile: 'stryker/tsconfig.json',
  // Two processes: with the checker, Stryker starts one checker and one test runner, and the checker's
  // token passes to a second runner once every mutant is checked.
  concurrency: 2,
  // Static mutants (in tables built when a module loads: message templates, reason texts, the
  // scorecard's characteristics) each rerun the whole unit suite: hundreds of them take hours. They are
  // left out unless asked for (STRYKER_STATIC=1 npm run mutate); the tests pin those tables directly.
  ignoreStatic: process.env.STRYKER_STATIC !== '1',
  // On top of 1.5 × the covering tests' own time: the mutants that time out are endless loops (a bisection
  // or retry loop whose bound is mutated), and each costs this much plus a runner restart.
  timeoutMS: 5_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  // Reruns test only the mutants a change touches. The file is local (reports/ is not committed).
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  thresholds: { high: 85, low: 70, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
