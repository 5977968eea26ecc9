/**
 * What the core, the use cases and the stores throw when a request cannot be carried out. Each has a
 * stable `code` (the `error` field partners see); `shared/http/error-status.ts` alone decides its status.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

// --- not found -----------------------------------------------------------------------------------

/** A resource does not exist, or belongs to another partner (the same answer, so ids cannot be probed). */
export abstract class NotFoundError extends DomainError {
  override readonly code = 'not_found';
}
export class LoanNotFound extends NotFoundError {
  constructor() {
    super('loan was not found');
  }
}
export class ApplicationNotFound extends NotFoundError {
  constructor() {
    super('application was not found');
  }
}
export class BorrowerNotFound extends NotFoundError {
  constructor() {
    super('borrower was not found');
  }
}

// --- conflicts with what is stored -----------------------------------------------------------------

export class ApplicationAlreadyBooked extends DomainError {
  readonly code = 'application_already_booked';
  constructor(loanId?: string, options?: { cause?: unknown }) {
    super(
      loanId ? `application is already booked as loan ${loanId}` : 'application is already booked',
      options,
    );
  }
}
export class PaymentIdConflict extends DomainError {
  readonly code = 'payment_id_reused';
  constructor(paymentId: string) {
    super(`paymentId ${paymentId} was already used for another payment`);
  }
}
/** Other requests kept changing the loan while this one tried to apply; the caller may retry. */
export class LoanBusy extends DomainError {
  readonly code = 'loan_busy';
  constructor(options?: { cause?: unknown }) {
    super('the loan is being changed by other requests; retry', options);
  }
}
export class BorrowerIdentityMismatch extends DomainError {
  readonly code = 'borrower_identity_mismatch';
  constructor() {
    super('borrowerId is already registered with another idNumber');
  }
}

// --- refused by a business rule ----------------------------------------------------------------------

export class ApplicationNotApproved extends DomainError {
  readonly code = 'application_not_approved';
  constructor(decision: string) {
    super(`application was decided "${decision}"; only approved offers book`);
  }
}
export class OfferExpired extends DomainError {
  readonly code = 'offer_expired';
  constructor(expiresAt: string) {
    super(`the offer expired at ${expiresAt}`);
  }
}
export class TermsOutsideOffer extends DomainError {
  readonly code = 'terms_outside_offer';
  constructor(readonly outside: string[]) {
    super(outside.join('; '));
  }
}
export class LoanNotActive extends DomainError {
  readonly code = 'loan_not_active';
  constructor(status: string) {
    super(`the loan is ${status}`);
  }
}
export class DeferralTooLong extends DomainError {
  readonly code = 'deferral_too_long';
  constructor(maxDays: number) {
    super(`a plan defers at most ${maxDays} days`);
  }
}
export class LifetimeDeferralExceeded extends DomainError {
  readonly code = 'lifetime_deferral_exceeded';
  constructor(usedDays: number, maxDays: number) {
    super(`${usedDays} of ${maxDays} lifetime deferral days are used on this loan`);
  }
}

// --- what a store reports to the use case that called it (never reaches a partner as such) ------------

/** Another writer changed the loan since it was read; read again and retry. */
export class LoanVersionConflict extends DomainError {
  readonly code = 'loan_version_conflict';
}
/** The payment id is recorded already (by this request's earlier try, or another request). */
export class PaymentAlreadyApplied extends DomainError {
  readonly code = 'payment_already_applied';
}
/** A decision with this application id is stored already. */
export class ApplicationExists extends DomainError {
  readonly code = 'application_exists';
}
/** A loan with this id is booked already. */
export class LoanAlreadyExists extends DomainError {
  readonly code = 'loan_exists';
}
/** Another invocation took the sweep slice over (this one's lease ran out): stop, queue nothing more. */
export class SliceLeaseLost extends DomainError {
  readonly code = 'slice_lease_lost';
}
/** Another invocation holds the sweep slice under a live lease: deliver the slice again later. */
export class SliceBusy extends DomainError {
  readonly code = 'slice_busy';
}
