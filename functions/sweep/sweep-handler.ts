import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import * as z from 'zod';
import { localDateOf } from '#shared/lending/calendar.ts';
import { recordBy } from '#shared/observability/metrics.ts';
import type { Clock } from '#shared/ports/clock.ts';
import { type StartSweepDeps, startDailySweep } from '#shared/reminders/start-sweep.ts';
import { localDateSchema } from '#shared/schemas/common.ts';

/** The scheduler sends `{}`; an operator may replay a day with `{ "businessDate": "YYYY-MM-DD" }`. */
const sweepEventSchema = z.object({ businessDate: localDateSchema.optional() }).passthrough();

/**
 * The daily sweep's coordinator: queues the day's slices (and any missed day's) for the slice workers.
 * `SweepRuns` (status `swept`, which the missed-run alarm watches) and the slices queued are counted.
 */
export function createSweepHandler(deps: StartSweepDeps & { clock: Clock; metrics?: Metrics }) {
  return middy(async (event: unknown) => {
    const input = sweepEventSchema.parse(event ?? {});
    const businessDate = input.businessDate ?? localDateOf(deps.clock.now(), deps.rules.timezone);
    const result = await startDailySweep(deps, businessDate);
    recordBy(deps.metrics, 'SweepRuns', MetricUnit.Count, 1, { status: 'swept' });
    recordBy(deps.metrics, 'SweepSlicesQueued', MetricUnit.Count, result.slices);
    return result;
  });
}
