import type { EarlyWarning, EarlyWarningCode } from '#shared/collection/early-warning.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';

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
  /**
   * Raises one signal not caused by a loan write (a person past due at another partner): the watch entry
   * and its event in one transaction, unless the entry has that signal already. True when raised now.
   */
  raise(
    who: { loanId: string; partnerId: string; borrowerId: string },
    warning: EarlyWarning,
    event: DomainEvent,
  ): Promise<boolean>;
  page(page: { limit: number; cursor?: string }): Promise<{ loans: WatchedLoan[]; cursor?: string }>;
  /** Every watched loan: the daily pass, proportional to the watchlist. */
  all(): Promise<WatchedLoan[]>;
  markCurrent(loanId: string, since: LocalDate): Promise<void>;
  resetCurrent(loanId: string, since: LocalDate): Promise<void>;
  clear(loanId: string, currentSince: LocalDate): Promise<void>;
}

/** What a write path outside the loan store needs of the watchlist: raising one signal (the sender, inbound SMS). */
export type WatchSignals = Pick<WatchlistStore, 'raise'>;
