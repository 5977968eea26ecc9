import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import * as z from 'zod';
import { complaintsPastDeadline } from '#shared/desk/complaints.ts';
import { type AgeingResult, ageLoans } from '#shared/escalation/age-loans.ts';
import { clearWatchlist } from '#shared/escalation/clear-watchlist.ts';
import type { EscalationDeps } from '#shared/escalation/escalation-deps.ts';
import { raiseOverdueElsewhere } from '#shared/escalation/raise-overdue-elsewhere.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import type { ComplaintStore } from '#shared/ports/complaints.ts';
import type { WatchlistStore } from '#shared/ports/watchlist.ts';
import { localDateSchema } from '#shared/schemas/common.ts';

/** The scheduler sends `{}`; an operator may replay a day with `{ "businessDate": "YYYY-MM-DD" }`. */
const ageingEventSchema = z.object({ businessDate: localDateSchema.optional() }).passthrough();

/**
 * The daily ageing job, and with it the day's count of complaints open past their answer deadline
 * (`ComplaintsPastDeadline`, alarmed): the desk shows each complaint's deadline live; the alarm is daily.
 */
export function createAgeingHandler(
  deps: EscalationDeps & { complaints: ComplaintStore; watchlist: WatchlistStore },
) {
  return middy(
    async (
      event: unknown,
    ): Promise<
      Omit<AgeingResult, 'newlyPastDue'> & {
        complaintsPastDeadline: number;
        watchlist: { watched: number; cleared: number; overdueElsewhere: number };
      }
    > => {
      const input = ageingEventSchema.parse(event ?? {});
      const businessDate = input.businessDate ?? localDateOf(deps.clock.now(), deps.rules.timezone);
      const { newlyPastDue, ...aged } = await ageLoans(deps, businessDate);
      const overdueElsewhere = await raiseOverdueElsewhere(deps, businessDate, newlyPastDue);
      const pastDeadline = await complaintsPastDeadline(deps);
      deps.metrics?.addMetric('ComplaintsPastDeadline', MetricUnit.Count, pastDeadline);
      // After the day's promise judgments, so a signal they raised counts before anything is cleared.
      const watchlist = await clearWatchlist(deps, businessDate);
      deps.metrics?.addMetric('WatchlistLoans', MetricUnit.Count, watchlist.watched - watchlist.cleared);
      return { ...aged, complaintsPastDeadline: pastDeadline, watchlist: { ...watchlist, overdueElsewhere } };
    },
  );
}
