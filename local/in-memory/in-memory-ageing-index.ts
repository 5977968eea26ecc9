import type { LocalDate } from '#shared/lending/types.ts';
import type { LoanRecord } from '#shared/ports/records.ts';
import type { AgeingIndex } from '#shared/ports/stores.ts';
import { stored } from './copy.ts';
import type { InMemoryLoanStore } from './in-memory-loan-store.ts';

/**
 * The ageing index over the in-memory loans: active loans whose oldest unpaid installment fell due
 * before `today`, by loan id. Compared as the index's sort key (`<date>#<loanId>` before `today`) is.
 */
export class InMemoryAgeingIndex implements AgeingIndex {
  constructor(private readonly loans: InMemoryLoanStore) {}

  async findLoansPastDue(today: LocalDate): Promise<LoanRecord[]> {
    return [...this.loans.allLoans()]
      .filter(
        (loan) =>
          loan.status === 'active' &&
          Boolean(loan.oldestUnpaidDueDate) &&
          `${loan.oldestUnpaidDueDate}#${loan.loanId}` < today,
      )
      .sort((a, b) => (a.loanId < b.loanId ? -1 : a.loanId > b.loanId ? 1 : 0))
      .map(stored);
  }
}
