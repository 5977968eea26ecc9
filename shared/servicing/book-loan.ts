import type { Rules } from '#shared/config/rules.ts';
import { exposureOf } from '#shared/lending/exposure.ts';
import { loanDelta } from '#shared/lending/portfolio-tally.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { LoanRecord } from '#shared/ports/records.ts';
import type { Stores } from '#shared/ports/stores.ts';
import { loanHistoryOf } from '#shared/scoring/behaviour.ts';
import { refreshCreditLimit } from './credit-limit.ts';
import { type BookingPlan, type BookLoanInput, planBooking } from './decide-booking.ts';

export interface BookLoanDeps {
  repos: Pick<Stores, 'loans' | 'borrowers'>;
  clock: Clock;
  rules: Rules;
}

/** Books loan, installments (they enter the due index), the person's exposure, `LoanBooked` and the portfolio totals in one write. */
export async function saveBooking(deps: BookLoanDeps, plan: BookingPlan): Promise<LoanRecord> {
  await deps.repos.loans.book(plan.loan, plan.installments, {
    exposure: exposureOf(plan.loan, plan.installments),
    history: loanHistoryOf(plan.loan, plan.installments),
    events: [plan.event],
    portfolio: loanDelta(undefined, plan),
  });
  await refreshCreditLimit(deps, plan.loan);
  return plan.loan;
}

/** A loan booked as given (a lender's existing book): no application, no offer to check. */
export async function bookLoan(deps: BookLoanDeps, input: BookLoanInput, now: Date): Promise<LoanRecord> {
  return saveBooking(deps, planBooking(input, now, deps.rules));
}
