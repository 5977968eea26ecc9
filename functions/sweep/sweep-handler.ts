import middy from '@middy/core';
import * as z from 'zod';
import { localDateOf } from '#shared/lending/calendar.ts';
import type { Clock } from '#shared/ports/clock.ts';
import { type StartSweepDeps, startDailySweep } from '#shared/reminders/start-sweep.ts';
import { localDateSchema } from '#shared/schemas/common.ts';

/** The scheduler sends `{}`; an operator may replay a day with `{ "businessDate": "YYYY-MM-DD" }`. */
const sweepEventSchema = z.object({ businessDate: localDateSchema.optional() }).passthrough();

/** The daily sweep's coordinator: queues the day's slices (and any missed day's) for the slice workers. */
export function createSweepHandler(deps: StartSweepDeps & { clock: Clock }) {
  return middy(async (event: unknown) => {
    const input = sweepEventSchema.parse(event ?? {});
    const businessDate = input.businessDate ?? localDateOf(deps.clock.now(), deps.rules.timezone);
    return startDailySweep(deps, businessDate);
  });
}
