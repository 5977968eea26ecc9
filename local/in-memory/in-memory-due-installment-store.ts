import { isPaid } from '#shared/lending/allocation.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { DueInstallments } from '#shared/ports/records.ts';
import type { DueInstallmentStore } from '#shared/ports/stores.ts';
import { stored } from './copy.ts';
import type { InMemoryLoanStore } from './in-memory-loan-store.ts';

/**
 * The due-date index over the in-memory loans: unpaid installments due on a date, ordered by loan id
 * then installment number. Nothing is read from a table, so `consumedReadUnits` is 0.
 */
export class InMemoryDueInstallmentStore implements DueInstallmentStore {
  constructor(private readonly loans: InMemoryLoanStore) {}

  async findDueInstallments(dueDate: LocalDate): Promise<DueInstallments> {
    const installments = [...this.loans.allInstallments()]
      .filter((inst) => inst.dueDate === dueDate && !isPaid(inst))
      .sort((a, b) =>
        a.loanId === b.loanId ? a.installmentNo - b.installmentNo : a.loanId < b.loanId ? -1 : 1,
      )
      .map(stored);
    return { installments, consumedReadUnits: 0 };
  }
}
