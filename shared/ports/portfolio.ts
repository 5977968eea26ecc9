import type { PortfolioSnapshot, PortfolioTotals } from '#shared/lending/portfolio-snapshot.ts';
import type { LocalDate } from '#shared/lending/types.ts';

/**
 * The portfolio's running totals (added to by the loan store's own transactions, never rewritten) and
 * the daily snapshots the ageing job takes from them.
 */
export interface PortfolioStore {
  /** Every total, summed over its shards: a read of a few small items, whatever the size of the book. */
  readTotals(): Promise<PortfolioTotals>;
  /** Stores a business date's snapshot once; false when one was stored before (the first stays). */
  putSnapshot(snapshot: PortfolioSnapshot): Promise<boolean>;
  getSnapshot(date: LocalDate): Promise<PortfolioSnapshot | undefined>;
  /** Snapshots from `from` to `to` (both included), oldest first. */
  listSnapshots(from: LocalDate, to: LocalDate): Promise<PortfolioSnapshot[]>;
}
