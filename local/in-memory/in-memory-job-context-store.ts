import type { InstallmentRecord, JobContext, JobKeys } from '#shared/ports/records.ts';
import type { JobContextStore } from '#shared/ports/stores.ts';
import { stored } from './copy.ts';
import type { InMemoryBorrowerStore } from './in-memory-borrower-store.ts';
import type { InMemoryContactLedger } from './in-memory-contact-ledger.ts';
import type { InMemoryLoanStore } from './in-memory-loan-store.ts';

/**
 * What the sender re-reads before contacting, read from the other in-memory stores: the borrower, each
 * item's loan, installment and ledger entry (for the job's occurrence, stage and channel), and when the
 * job asks, every installment of each item's loan and each item's loan's whole ledger.
 */
export class InMemoryJobContextStore implements JobContextStore {
  constructor(
    private readonly borrowers: InMemoryBorrowerStore,
    private readonly loans: InMemoryLoanStore,
    private readonly contacts: InMemoryContactLedger,
  ) {}

  // Reads everything in one step (nothing awaited), so a batch sees one state, as a strongly consistent read does.
  async loadMany(jobs: readonly JobKeys[]): Promise<JobContext[]> {
    return jobs.map((job) => {
      const context: JobContext = {
        loans: new Map(),
        installments: new Map(),
        ledger: new Map(),
        loanHistory: new Map(),
      };
      const borrower = this.borrowers.peek(job.partnerId, job.borrowerId);
      if (borrower) context.borrower = stored(borrower);
      const addInstallment = (inst: InstallmentRecord | undefined) => {
        if (inst) context.installments.set(`${inst.loanId}#${inst.installmentNo}`, stored(inst));
      };
      for (const it of job.items) {
        const loan = this.loans.peekLoan(it.loanId);
        if (loan) context.loans.set(loan.loanId, stored(loan));
        addInstallment(this.loans.peekInstallment(it.loanId, it.installmentNo));
        // As the repository keys the read: an episode's rungs by `e<n>` (a truthy episode), reminders by due date.
        const entry = this.contacts.peek({
          loanId: it.loanId,
          installmentNo: it.installmentNo,
          occurrence: job.episode ? `e${job.episode}` : it.dueDate,
          stage: job.stage,
          channel: job.channel,
        });
        if (entry) context.ledger.set(`${entry.loanId}#${entry.installmentNo}`, stored(entry));
      }
      if (job.withLoanInstallments)
        for (const loanId of new Set(job.items.map((it) => it.loanId)))
          for (const inst of this.loans.installmentsOf(loanId)) addInstallment(inst);
      if (job.withLoanHistory)
        for (const it of job.items) context.loanHistory.set(it.loanId, this.contacts.entriesOf(it.loanId));
      return context;
    });
  }
}
