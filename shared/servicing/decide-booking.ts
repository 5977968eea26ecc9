import { oldestUnpaidDueDate } from '#shared/collection/ladder.ts';
import type { Rules } from '#shared/config/rules.ts';
import {
  ApplicationAlreadyBooked,
  ApplicationNotApproved,
  OfferExpired,
  TermsOutsideOffer,
} from '#shared/errors/domain-errors.ts';
import { unpaidInstallments } from '#shared/lending/allocation.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import { buildSchedule } from '#shared/lending/schedule.ts';
import type { LoanTerms, ScheduledInstallment } from '#shared/lending/types.ts';
import type { ApplicationRecord, InstallmentRecord, LoanRecord } from '#shared/ports/records.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { BookLoanRequest } from '#shared/schemas/servicing.ts';

export interface BookLoanInput {
  loanId: string;
  partnerId: string;
  borrowerId: string;
  identityHash: string;
  provinceCode?: string;
  applicationId?: string;
  productId?: string;
  terms: LoanTerms;
}

/** A loan to book: the loan, its schedule as installment records, and `LoanBooked`. */
export interface BookingPlan {
  loan: LoanRecord;
  installments: InstallmentRecord[];
  event: DomainEvent;
}

/** The loan, its fresh schedule (nothing paid, nothing accrued) and its event. */
export function planBooking(input: BookLoanInput, now: Date, rules: Rules): BookingPlan {
  const loan: LoanRecord = {
    loanId: input.loanId,
    partnerId: input.partnerId,
    borrowerId: input.borrowerId,
    identityHash: input.identityHash,
    ...(input.provinceCode ? { provinceCode: input.provinceCode } : {}),
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
  const installments = newInstallmentRecords(loan, buildSchedule(input.terms, rules));
  loan.oldestUnpaidDueDate = oldestUnpaidDueDate(installments);
  const event: DomainEvent = {
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
  };
  return { loan, installments, event };
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

/**
 * Booking's decision: a loan from an approved, unexpired application, on terms within the offer and
 * disbursed between the decision and today. The caller has checked the application is the partner's.
 */
export function decideBooking(
  app: ApplicationRecord,
  request: BookLoanRequest,
  loanId: string,
  now: Date,
  rules: Rules,
): BookingPlan {
  if (app.loanId) throw new ApplicationAlreadyBooked(app.loanId);
  if (app.decision !== 'approve' || !app.offer) throw new ApplicationNotApproved(app.decision);
  if (Date.parse(app.expiresAt) <= now.getTime()) throw new OfferExpired(app.expiresAt);

  const offer = app.offer;
  const today = localDateOf(now, rules.timezone);
  const terms = {
    principal: request.amount ?? offer.amount,
    termMonths: request.termMonths ?? offer.termMonths,
    aprBps: request.aprBps ?? offer.aprBps,
    repaymentMethod: offer.repaymentMethod,
    disbursedOn: request.disbursedOn ?? today,
  };
  const outside: string[] = [];
  if (terms.principal > offer.amount) outside.push(`amount above the offered ${offer.amount}`);
  if (terms.termMonths > offer.termMonths) outside.push(`termMonths above the offered ${offer.termMonths}`);
  if (terms.aprBps > offer.aprBps) outside.push(`aprBps above the offered ${offer.aprBps}`);
  if (terms.disbursedOn < localDateOf(app.createdAt, rules.timezone) || terms.disbursedOn > today) {
    outside.push('disbursedOn must fall between the decision and today');
  }
  if (outside.length > 0) throw new TermsOutsideOffer(outside);

  const input = {
    loanId,
    partnerId: app.partnerId,
    borrowerId: app.borrowerId,
    identityHash: app.identityHash,
    ...(app.provinceCode ? { provinceCode: app.provinceCode } : {}),
    applicationId: app.applicationId,
    terms,
  };
  return planBooking(input, now, rules);
}
