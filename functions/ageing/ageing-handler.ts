import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import * as z from 'zod';
import { complaintsPastDeadline } from '#shared/desk/complaints.ts';
import { type AgeingResult, ageLoans } from '#shared/escalation/age-loans.ts';
import type { EscalationDeps } from '#shared/escalation/escalation-deps.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import type { ComplaintStore } from '#shared/ports/complaints.ts';
import { localDateSchema } from '#shared/schemas/common.ts';

/** The scheduler sends `{}`; an operator may replay a day with `{ "businessDate": "YYYY-MM-DD" }`. */
const ageingEventSchema = z.object({ businessDate: localDateSchema.optional() }).passthrough();

/**
 * The daily ageing job, and with it the day's count of complaints open past their answer deadline
 * (`ComplaintsPastDeadline`, alarmed): the desk shows each complaint's deadline live; the alarm is daily.
 */
export function createAgeingHandler(deps: EscalationDeps & { complaints: ComplaintStore }) {
  return middy(async (event: unknown): Promise<AgeingResult & { complaintsPastDeadline: number }> => {
    const input = ageingEventSchema.parse(event ?? {});
    const aged = await ageLoans(
      deps,
      input.businessDate ?? localDateOf(deps.clock.now(), deps.rules.timezone),
    );
    const pastDeadline = await complaintsPastDeadline(deps);
    deps.metrics?.addMetric('ComplaintsPastDeadline', MetricUnit.Count, pastDeadline);
    return { ...aged, complaintsPastDeadline: pastDeadline };
  });
}
