import type { Rules } from '#shared/config/rules.ts';
import { ApplicationNotFound } from '#shared/errors/domain-errors.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { LoanRecord } from '#shared/ports/records.ts';
import type { Stores } from '#shared/ports/stores.ts';
import type { BookLoanRequest } from '#shared/schemas/servicing.ts';
import { saveBooking } from './book-loan.ts';
import { decideBooking } from './decide-booking.ts';

export interface BookingDeps {
  repos: Pick<Stores, 'applications' | 'loans' | 'borrowers'>;
  clock: Clock;
  ids: IdGenerator;
  rules: Rules;
}

/**
 * Booking: a loan from the partner's own application. The application is marked booked in the same
 * write as the loan, so two racing requests book it once (the other gets `ApplicationAlreadyBooked`).
 */
export async function bookFromApplication(
  deps: BookingDeps,
  partnerId: string,
  request: BookLoanRequest,
): Promise<LoanRecord> {
  const app = await deps.repos.applications.get(request.applicationId);
  if (!app || app.partnerId !== partnerId) throw new ApplicationNotFound();
  const plan = decideBooking(app, request, deps.ids.next('loan'), deps.clock.now(), deps.rules);
  return saveBooking(deps, plan);
}
