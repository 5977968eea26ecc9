import type { Reporter, TestModule, Vitest } from 'vitest/node';

/**
 * Ends the run with one plain line, `Tests: N passed, N failed`, that any CI log reader understands,
 * after the seed of the random order (vitest.config.ts), so a failure that depends on order can be replayed.
 */
export default class SummaryReporter implements Reporter {
  private order = '';

  onInit(vitest: Vitest): void {
    const { shuffle, seed } = vitest.config.sequence;
    this.order = shuffle
      ? `Random order, seed ${seed}: replay it with VITEST_SEED=${seed} npx vitest run\n`
      : 'Fixed order\n';
    process.stdout.write(this.order);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
    }
    process.stdout.write(
      `\n${this.order}Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}
