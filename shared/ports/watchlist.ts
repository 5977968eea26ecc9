import type { EarlyWarningCode } from '#shared/collection/early-warning.ts';
import type { LocalDate } from '#shared/lending/types.ts';

/** A loan on the early-warning watchlist and every signal raised on it while it was watched. */
export interface WatchedLoan {
  loanId: string;
  partnerId: string;
  borrowerId: string;
  watchedSince: LocalDate;
  lastRaisedOn: LocalDate;
  /** First day of the run of current days the daily pass has seen (absent while past due or not yet seen). */
  currentSince?: LocalDate;
  signals: { code: EarlyWarningCode; occurrence: string; raisedOn: LocalDate }[];
}

/**
 * The watchlist beyond the writes that raise signals (those commit with their cause, through the loan and
 * promise stores): the desk's pages and the daily clearing pass. Each pass write is conditional on the
 * entry as read, so a signal raised meanwhile is never cleared away.
 */
export interface WatchlistStore {
  page(page: { limit: number; cursor?: string }): Promise<{ loans: WatchedLoan[]; cursor?: string }>;
  /** Every watched loan: the daily pass, proportional to the watchlist. */
  all(): Promise<WatchedLoan[]>;
  markCurrent(loanId: string, since: LocalDate): Promise<void>;
  resetCurrent(loanId: string, since: LocalDate): Promise<void>;
  clear(loanId: string, currentSince: LocalDate): Promise<void>;
}
