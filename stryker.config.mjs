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
  checkers: ['typescript'],
  // The mutated folders and what they import: a smaller program for each mutant's check.
  tsconfigFile: 'stryker/tsconfig.json',
  // Each mutant type checked by TypeScript 7 (the project's compiler), one at a time over the whole
  // program: about 0.2 s of CPU a mutant where TypeScript 5's incremental builder took 0.6 s and, after
  // each change, waited 250 ms before rebuilding. `prioritizePerformanceOverAccuracy` (grouping mutants
  // per check) applies to TypeScript 5 only. The plugin finds TypeScript 7's API, and the TypeScript 5
  // it still parses tsconfig files with, through stryker/typescript-5.mjs.
  typescriptChecker: { experimentalNativePreview: true },
  checkerNodeArgs: ['--import', fileURLToPath(new URL('./stryker/typescript-5.mjs', import.meta.url))],
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
