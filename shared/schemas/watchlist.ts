import * as z from 'zod';
import { EARLY_WARNING_CODES } from '#shared/collection/early-warning.ts';

/** The ops API's early-warning watchlist. */

export const listWatchlistQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
});
export type ListWatchlistQuery = z.infer<typeof listWatchlistQuerySchema>;

export const watchedLoanSchema = z
  .object({
    loanId: z.string(),
    partnerId: z.string(),
    borrowerId: z.string(),
    watchedSince: z
      .string()
      .meta({ description: 'Lender-time date of the first signal since it was last cleared.' }),
    lastRaisedOn: z.string(),
    currentSince: z.string().optional().meta({
      description: 'First day of its run of current days; it leaves the list after the configured number.',
    }),
    signals: z.array(
      z.object({
        code: z.enum(EARLY_WARNING_CODES),
        occurrence: z
          .string()
          .meta({ description: 'What raised it (installment, promise, plan): each is raised once.' }),
        raisedOn: z.string(),
      }),
    ),
  })
  .meta({ id: 'WatchedLoan' });

export const watchlistPageSchema = z
  .object({
    loans: z.array(watchedLoanSchema),
    cursor: z
      .string()
      .optional()
      .meta({ description: 'Present when there may be more: pass it back as `cursor`.' }),
  })
  .meta({ id: 'WatchlistPage' });
