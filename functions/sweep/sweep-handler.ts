import middy from '@middy/core';
import * as z from 'zod';
import { localDateOf } from '#shared/lending/calendar.ts';
import { type SweepDeps, sweepReminders } from '#shared/reminders/sweep.ts';
import { localDateSchema } from '#shared/schemas/common.ts';

/** The scheduler sends `{}`; an operator may replay a day with `{ "businessDate": "YYYY-MM-DD" }`. */
const sweepEventSchema = z.object({ businessDate: localDateSchema.optional() }).passthrough();

export function createSweepHandler(deps: SweepDeps) {
  return middy(async (event: unknown) => {
    const input = sweepEventSchema.parse(event ?? {});
    const businessDate = input.businessDate ?? localDateOf(deps.clock.now(), deps.rules.timezone);
    return sweepReminders(deps, businessDate);
  });
}
