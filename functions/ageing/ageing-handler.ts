import middy from '@middy/core';
import * as z from 'zod';
import { type AgeingResult, ageLoans } from '#shared/escalation/age-loans.ts';
import type { EscalationDeps } from '#shared/escalation/escalation-deps.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { localDateSchema } from '#shared/schemas/common.ts';

/** The scheduler sends `{}`; an operator may replay a day with `{ "businessDate": "YYYY-MM-DD" }`. */
const ageingEventSchema = z.object({ businessDate: localDateSchema.optional() }).passthrough();

export function createAgeingHandler(deps: EscalationDeps) {
  return middy(async (event: unknown): Promise<AgeingResult> => {
    const input = ageingEventSchema.parse(event ?? {});
    return ageLoans(deps, input.businessDate ?? localDateOf(deps.clock.now(), deps.rules.timezone));
  });
}
