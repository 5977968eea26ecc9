import { isPaid } from '#shared/lending/allocation.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { DueInstallments, DuePage, InstallmentRecord } from '#shared/ports/records.ts';
import type { DueInstallmentStore } from '#shared/ports/stores.ts';
import { dueIndexKey, dueSortOwner } from '#shared/storage/keys.ts';
import { stored } from './copy.ts';
import type { InMemoryLoanStore } from './in-memory-loan-store.ts';

/**
 * The due-date index over the in-memory loans: unpaid installments due on a date, ordered by loan id
 * then installment number. Nothing is read from a table, so `consumedReadUnits` is 0.
 */
export class InMemoryDueInstallmentStore implements DueInstallmentStore {
  constructor(
    private readonly loans: InMemoryLoanStore,
    private readonly shards: number,
  ) {}

  /** As the index pages: the shard's items in sort-key order, never ending a page inside one borrower. */
  async findDuePage(
    dueDate: LocalDate,
    shard: number,
    after: string | undefined,
    limit: number,
  ): Promise<DuePage> {
    const keyOf = (inst: InstallmentRecord) => dueIndexKey(inst, this.shards);
    const all = [...this.loans.allInstallments()]
      .filter((inst) => inst.dueDate === dueDate && !isPaid(inst))
      .filter((inst) => keyOf(inst).dueShard === `${dueDate}#${shard}`)
      .sort((a, b) => (keyOf(a).dueSort < keyOf(b).dueSort ? -1 : 1))
      .filter((inst) => after === undefined || keyOf(inst).dueSort > after);
    let page = all.slice(0, limit);
    if (all.length > limit) {
      const owner = dueSortOwner(keyOf(page.at(-1) as InstallmentRecord).dueSort);
      const kept = page.filter((i) => dueSortOwner(keyOf(i).dueSort) !== owner);
      if (kept.length > 0) page = kept;
    }
    const more = all.length > page.length;
    return {
      installments: page.map(stored),
      ...(more ? { next: keyOf(page.at(-1) as InstallmentRecord).dueSort } : {}),
      consumedReadUnits: 0,
    };
  }

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
