import type { Rules } from '#shared/config/rules.ts';
import { unpaidInstallments } from '#shared/lending/allocation.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { LoanTerms, ScheduledInstallment } from '#shared/lending/types.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { InstallmentRecord, LoanRecord } from '#shared/storage/records.ts';
import type { Repositories } from '#shared/storage/repositories.ts';

export interface BookLoanInput {
  loanId: string;
  partnerId: string;
  borrowerId: string;
  identityHash: string;
  applicationId?: string;
  productId?: string;
  terms: LoanTerms;
}

export interface BookLoanDeps {
  repos: Pick<Repositories, 'loans'>;
  events: EventBus;
  rules: Rules;
}

/** Fresh installment records for a schedule: nothing paid, nothing accrued. */
export function newInstallmentRecords(
  loan: LoanRecord,
  schedule: ScheduledInstallment[],
): InstallmentRecord[] {
  return unpaidInstallments(schedule).map((s) => ({
    ...s,
    loanId: loan.loanId,
    partnerId: loan.partnerId,
    borrowerId: loan.borrowerId,
    identityHash: loan.identityHash,
  }));
}

export function newLoanRecord(input: BookLoanInput, now: Date): LoanRecord {
  return {
    loanId: input.loanId,
    partnerId: input.partnerId,
    borrowerId: input.borrowerId,
    identityHash: input.identityHash,
    applicationId: input.applicationId,
    productId: input.productId,
    principal: input.terms.principal,
    aprBps: input.terms.aprBps,
    termMonths: input.terms.termMonths,
    repaymentMethod: input.terms.repaymentMethod,
    disbursedOn: input.terms.disbursedOn,
    status: 'active',
    creditBalance: 0,
    version: 1,
    createdAt: now.toISOString(),
  };
}

/** Builds the schedule and books loan and installments together (the installments enter the due index). */
export async function bookLoan(deps: BookLoanDeps, input: BookLoanInput, now: Date): Promise<LoanRecord> {
  const loan = newLoanRecord(input, now);
  const installments = newInstallmentRecords(loan, buildSchedule(input.terms, deps.rules));
  await deps.repos.loans.book(loan, installments);
  await deps.events.publish([
    {
      type: 'LoanBooked',
      at: loan.createdAt,
      detail: {
        loanId: loan.loanId,
        partnerId: loan.partnerId,
        borrowerId: loan.borrowerId,
        principal: loan.principal,
        aprBps: loan.aprBps,
        termMonths: loan.termMonths,
        repaymentMethod: loan.repaymentMethod,
        firstDueDate: installments[0]?.dueDate ?? null,
      },
    },
  ]);
  return loan;
}
