import type { Rules } from '#shared/config/rules.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { LoanRecord } from '#shared/ports/records.ts';
import type { Stores } from '#shared/ports/stores.ts';
import { type BookingPlan, type BookLoanInput, planBooking } from './decide-booking.ts';

export interface BookLoanDeps {
  repos: Pick<Stores, 'loans'>;
  events: EventBus;
  rules: Rules;
}

/** Books loan and installments in one write (the installments enter the due index), then `LoanBooked`. */
export async function saveBooking(deps: BookLoanDeps, plan: BookingPlan): Promise<LoanRecord> {
  await deps.repos.loans.book(plan.loan, plan.installments);
  await deps.events.publish([plan.event]);
  return plan.loan;
}

/** A loan booked as given (a lender's existing book): no application, no offer to check. */
export async function bookLoan(deps: BookLoanDeps, input: BookLoanInput, now: Date): Promise<LoanRecord> {
  return saveBooking(deps, planBooking(input, now, deps.rules));
}
