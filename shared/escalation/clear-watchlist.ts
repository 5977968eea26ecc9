import { watchAfterDay } from '#shared/collection/early-warning.ts';
import type { Rules } from '#shared/config/rules.ts';
import { daysPastDue } from '#shared/lending/delinquency.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { WatchlistStore } from '#shared/ports/watchlist.ts';

export interface WatchlistPassDeps {
  repos: Pick<Stores, 'loans'>;
  watchlist: WatchlistStore;
  rules: Rules;
}

/**
 * The daily watchlist pass (in the ageing job): each watched loan, and only those, is read and judged
 * current (nothing past due) or not; a loan current for `clearAfterCurrentDays` days in a row leaves
 * the list. Rerunning the day changes nothing: each write is conditional on the entry as it was read.
 */
export async function clearWatchlist(
  deps: WatchlistPassDeps,
  businessDate: LocalDate,
): Promise<{ watched: number; cleared: number }> {
  const watched = await deps.watchlist.all();
  let cleared = 0;
  for (const entry of watched) {
    const loan = await deps.repos.loans.getLoanWithInstallments(entry.loanId);
    const current = !loan || daysPastDue(loan.installments, businessDate, deps.rules) === 0;
    const next = watchAfterDay(entry, current, businessDate, deps.rules);
    if (next.action === 'mark_current') await deps.watchlist.markCurrent(entry.loanId, next.since);
    if (next.action === 'reset' && entry.currentSince)
      await deps.watchlist.resetCurrent(entry.loanId, entry.currentSince);
    if (next.action === 'clear' && entry.currentSince) {
      await deps.watchlist.clear(entry.loanId, entry.currentSince);
      cleared += 1;
    }
  }
  return { watched: watched.length, cleared };
}
