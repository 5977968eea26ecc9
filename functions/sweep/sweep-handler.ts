import { performance } from 'node:perf_hooks';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import * as z from 'zod';
import { localDateOf } from '#shared/lending/calendar.ts';
import { recordBy } from '#shared/observability/metrics.ts';
import { type SweepDeps, type SweepResult, sweepReminders } from '#shared/reminders/sweep.ts';
import { localDateSchema } from '#shared/schemas/common.ts';

/** The scheduler sends `{}`; an operator may replay a day with `{ "businessDate": "YYYY-MM-DD" }`. */
const sweepEventSchema = z.object({ businessDate: localDateSchema.optional() }).passthrough();

export function createSweepHandler(deps: SweepDeps & { metrics?: Metrics }) {
  return middy(async (event: unknown) => {
    const input = sweepEventSchema.parse(event ?? {});
    const businessDate = input.businessDate ?? localDateOf(deps.clock.now(), deps.rules.timezone);
    const started = performance.now();
    const result = await sweepReminders(deps, businessDate);
    emitSweepMetrics(deps.metrics, result, performance.now() - started);
    return result;
  });
}

/**
 * `SweepRuns` by status (the missed-run alarm watches `swept`), and for a run that swept, the
 * installments found, the jobs queued and its duration.
 */
function emitSweepMetrics(metrics: Metrics | undefined, result: SweepResult, ms: number): void {
  recordBy(metrics, 'SweepRuns', MetricUnit.Count, 1, { status: result.status });
  if (result.status !== 'swept') return;
  recordBy(metrics, 'SweepInstallments', MetricUnit.Count, result.installments);
  recordBy(metrics, 'SweepJobs', MetricUnit.Count, result.jobs);
  recordBy(metrics, 'SweepDuration', MetricUnit.Milliseconds, Math.round(ms));
}
