/**
 * What the core, the use cases and the stores throw when a request cannot be carried out. Each has a
 * stable `code` (the `error` field partners see); `shared/http/error-status.ts` alone decides its status.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  /** The request's fields at fault, when the refusal is about some (the contract's `issues`). */
  readonly issues?: readonly { path: string; message: string }[];
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

export class DeskTaskNotFound extends NotFoundError {
  constructor() {
    super('task was not found');
  }
}
export class ComplaintNotFound extends NotFoundError {
  constructor() {
    super('complaint was not found');
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

/** Another agent holds the desk task under a live lease. */
export class TaskHeldByAnother extends DomainError {
  readonly code = 'task_claimed';
  constructor(leaseUntil: string) {
    super(`another agent holds this task until ${leaseUntil}`);
  }
}
/** An outcome is recorded already: the task is closed. */
export class TaskDone extends DomainError {
  readonly code = 'task_done';
  constructor() {
    super('an outcome is recorded for this task already');
  }
}
/** Only the agent holding a live claim releases a task or records its outcome. */
export class TaskNotHeld extends DomainError {
  readonly code = 'task_not_claimed';
  constructor() {
    super('claim the task first (your claim is missing or its lease is over)');
  }
}

// --- refused by a business rule ----------------------------------------------------------------------

/** The borrower has had the day's agent calls (domain rules: at most 3 a day); the task waits for tomorrow. */
export class CallCapReached extends DomainError {
  readonly code = 'call_cap_reached';
  constructor(cap: number) {
    super(`the borrower has had ${cap} agent calls today, the most a day allows`);
  }
}
/** A business rule refused one field of the request: its own code, and the field named (422). */
export abstract class FieldRefused extends DomainError {
  readonly code: string;
  override readonly issues: readonly { path: string; message: string }[];
  constructor(code: string, path: string, message: string) {
    super(message);
    this.code = code;
    this.issues = [{ path, message }];
  }
}
/** A promise to pay outside the rules (date, amount, one open at a time). */
export class PromiseRefused extends FieldRefused {}
/** A desk note (or reason) with a phone number, an email or an ID number (it names the kind, never the text). */
export class NoteCarriesPersonalData extends DomainError {
  readonly code = 'personal_data_in_note';
  override readonly issues: readonly { path: string; message: string }[];
  constructor(path: string, kind: string) {
    super(`the ${path} must carry no personal data`);
    this.issues = [{ path, message: `remove the ${kind.replace('_', ' ')} from the ${path}` }];
  }
}

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
/** The request's Idempotency-Key answered another request (another body) before. */
export class IdempotencyKeyReused extends DomainError {
  readonly code = 'idempotency_key_reused';
  constructor() {
    super('this Idempotency-Key was used with a different request');
  }
}
/** A request with this Idempotency-Key is still being processed. */
export class IdempotencyKeyInProgress extends DomainError {
  readonly code = 'idempotency_in_progress';
  constructor() {
    super('a request with this Idempotency-Key is still being processed');
  }
}
/** A loan with this id is booked already. */
export class LoanAlreadyExists extends DomainError {
  readonly code = 'loan_exists';
}
/** The desk task changed between its read and the write decided on it (another agent got there first). */
/** A review of this decision was asked for already (one per application). */
export class ReviewAlreadyRequested extends DomainError {
  readonly code = 'review_already_requested';
  constructor() {
    super('a review of this decision was requested already');
  }
}
/** Only an automated decline is reviewed by a person on request (PIPL Art. 24). */
export class DecisionNotDeclined extends DomainError {
  readonly code = 'decision_not_declined';
  constructor(decision: string) {
    super(`only a declined application is reviewed on request; this one was ${decision}`);
  }
}
/** A supervisor answers only a review that was requested and not answered yet. */
export class ReviewNotRequested extends DomainError {
  readonly code = 'review_not_requested';
  constructor() {
    super('no review of this decision is waiting for an answer');
  }
}
/** A person's data is erased only once every loan is repaid (PIPL Art. 47 and the lender's duty to collect). */
export class LoansNotClosed extends DomainError {
  readonly code = 'loans_not_closed';
  constructor(loanIds: readonly string[]) {
    super(`the person's data is kept while a loan is open or owed: ${loanIds.join(', ')}`);
  }
}
export class DeskTaskChanged extends DomainError {
  readonly code = 'task_changed';
}
/** A task list cursor this store did not give (or for another status). */
export class InvalidCursor extends DomainError {
  readonly code = 'invalid_cursor';
  override readonly issues = [{ path: 'cursor', message: 'not a cursor this list gave' }];
  constructor() {
    super('the cursor is not one this list gave');
  }
}
/** Another invocation took the sweep slice over (this one's lease ran out): stop, queue nothing more. */
export class SliceLeaseLost extends DomainError {
  readonly code = 'slice_lease_lost';
}
/** Another invocation holds the sweep slice under a live lease: deliver the slice again later. */
export class SliceBusy extends DomainError {
  readonly code = 'slice_busy';
}

// --- the supervisor's desk actions ----------------------------------------------------------------------

export class HardshipPlanNotFound extends NotFoundError {
  constructor() {
    super('hardship plan was not found');
  }
}
/** Only a referred plan waits for the desk's decision. */
export class HardshipPlanDecided extends DomainError {
  readonly code = 'hardship_plan_decided';
  constructor(status: string) {
    super(`the plan is ${status} already; only a referred plan is decided on the desk`);
  }
}
/** A loan is restructured once: a second restructuring is refused (409). */
export class AlreadyRestructured extends DomainError {
  readonly code = 'already_restructured';
  constructor(on: string) {
    super(`the loan was restructured on ${on}; a loan is restructured once`);
  }
}
/** A restructuring outside the rules (term, APR) or of a loan that owes nothing (422, naming the field). */
export class RestructureRefused extends FieldRefused {}
/** A waiver above what may be waived (422, naming the amount at fault and the most allowed). */
export class WaiverRefused extends FieldRefused {}
/** A bulk action's province has more active loans than one action takes. */
export class TooManyLoans extends DomainError {
  readonly code = 'too_many_loans';
  constructor(found: number, max: number) {
    super(`the action would cover ${found} loans; one action takes at most ${max}`);
  }
}
/** Store: the bulk action's result for this loan is written already (a retry, or a racing twin). */
export class BulkResultExists extends DomainError {
  readonly code = 'bulk_result_exists';
}
// --- promises to pay and disputes (collection desk) ------------------------------------------------------

/** A dispute resolution for a loan with no open dispute (none was raised, or it is resolved already). */
export class NoOpenDispute extends DomainError {
  readonly code = 'no_open_dispute';
  constructor() {
    super('the loan has no open dispute');
  }
}
