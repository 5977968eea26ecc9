import type { EarlyWarning } from '#shared/collection/early-warning.ts';
import type { WatchSignals } from '#shared/ports/watchlist.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { InMemoryLoanStore } from './in-memory-loan-store.ts';

/**
 * The watchlist's `raise` in memory: the signal lands beside those the loan store's writes raise (one
 * set per loan, code and occurrence), so either path finds what the other raised.
 */
export class InMemoryWatchSignals implements WatchSignals {
  constructor(private readonly loans: InMemoryLoanStore) {}

  async raise(_who: { loanId: string }, warning: EarlyWarning, event: DomainEvent): Promise<boolean> {
    return this.loans.raiseWarning(warning, event);
  }
}
