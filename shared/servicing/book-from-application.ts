import type { Rules } from '#shared/config/rules.ts';
import { conflict, notFound, unprocessable } from '#shared/http/errors.ts';
import { localDateOf } from '#shared/lending/calendar.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { EventBus } from '#shared/ports/event-bus.ts';
import type { IdGenerator } from '#shared/ports/ids.ts';
import type { BookLoanRequest } from '#shared/schemas/servicing.ts';
import { bookLoan } from '#shared/servicing/book-loan.ts';
import { ApplicationAlreadyBookedError } from '#shared/storage/loan-repository.ts';
import type { LoanRecord } from '#shared/storage/records.ts';
import type { Repositories } from '#shared/storage/repositories.ts';

export interface BookingDeps {
  repos: Pick<Repositories, 'applications' | 'loans'>;
  events: EventBus;
  clock: Clock;
  ids: IdGenerator;
  rules: Rules;
}

/**
 * Flow 2: a loan from an approved, unexpired application of the same partner, on terms within
 * the offer. The application is marked booked in the same transaction, so it books at most once.
 */
export async function bookFromApplication(
  deps: BookingDeps,
  partnerId: string,
  request: BookLoanRequest,
): Promise<LoanRecord> {
  const app = await deps.repos.applications.get(request.applicationId);
  if (!app || app.partnerId !== partnerId) throw notFound('application');
  if (app.loanId)
    throw conflict('application_already_booked', `application is already booked as loan ${app.loanId}`);
  if (app.decision !== 'approve' || !app.offer) {
    throw unprocessable(
      'application_not_approved',
      `application was decided "${app.decision}"; only approved offers book`,
    );
  }
  const now = deps.clock.now();
  if (Date.parse(app.expiresAt) <= now.getTime())
    throw unprocessable('offer_expired', `the offer expired at ${app.expiresAt}`);

  const offer = app.offer;
  const terms = {
    principal: request.amount ?? offer.amount,
    termMonths: request.termMonths ?? offer.termMonths,
    aprBps: request.aprBps ?? offer.aprBps,
    repaymentMethod: offer.repaymentMethod,
    disbursedOn: request.disbursedOn ?? localDateOf(now, deps.rules.timezone),
  };
  const outside: string[] = [];
  if (terms.principal > offer.amount) outside.push(`amount above the offered ${offer.amount}`);
  if (terms.termMonths > offer.termMonths) outside.push(`termMonths above the offered ${offer.termMonths}`);
  if (terms.aprBps > offer.aprBps) outside.push(`aprBps above the offered ${offer.aprBps}`);
  const today = localDateOf(now, deps.rules.timezone);
  if (terms.disbursedOn < localDateOf(app.createdAt, deps.rules.timezone) || terms.disbursedOn > today) {
    outside.push('disbursedOn must fall between the decision and today');
  }
  if (outside.length > 0) throw unprocessable('terms_outside_offer', outside.join('; '));

  try {
    return await bookLoan(
      deps,
      {
        loanId: deps.ids.next('loan'),
        partnerId,
        borrowerId: app.borrowerId,
        identityHash: app.identityHash,
        applicationId: app.applicationId,
        terms,
      },
      now,
    );
  } catch (err) {
    if (err instanceof ApplicationAlreadyBookedError) {
      throw conflict('application_already_booked', 'application is already booked');
    }
    throw err;
  }
}
