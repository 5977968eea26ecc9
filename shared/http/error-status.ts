import {
  AlreadyRestructured,
  ApplicationAlreadyBooked,
  ApplicationNotApproved,
  BorrowerIdentityMismatch,
  CallCapReached,
  DecisionNotDeclined,
  DeferralTooLong,
  DeskTaskChanged,
  DomainError,
  FieldRefused,
  HardshipPlanDecided,
  IdempotencyKeyInProgress,
  IdempotencyKeyReused,
  InvalidCursor,
  LifetimeDeferralExceeded,
  LoanAlreadyExists,
  LoanBusy,
  LoanNotActive,
  LoansNotClosed,
  NoOpenDispute,
  NoteCarriesPersonalData,
  NotFoundError,
  OfferExpired,
  PaymentIdConflict,
  ReviewAlreadyRequested,
  ReviewNotRequested,
  TaskDone,
  TaskHeldByAnother,
  TaskNotHeld,
  TermsOutsideOffer,
  TooManyLoans,
} from '#shared/errors/domain-errors.ts';
import { HttpError } from './errors.ts';

type ErrorClass = abstract new (...args: never[]) => DomainError;

/** The one table from domain errors to HTTP statuses; the first class an error is an instance of wins. */
const STATUS_OF: readonly [ErrorClass, number][] = [
  [NotFoundError, 404],
  [ApplicationAlreadyBooked, 409],
  [PaymentIdConflict, 409],
  [LoanBusy, 409],
  [BorrowerIdentityMismatch, 409],
  [LoanAlreadyExists, 409],
  [IdempotencyKeyReused, 409],
  [IdempotencyKeyInProgress, 409],
  [ApplicationNotApproved, 422],
  [OfferExpired, 422],
  [TermsOutsideOffer, 422],
  [LoanNotActive, 422],
  [DeferralTooLong, 422],
  [LifetimeDeferralExceeded, 422],
  [InvalidCursor, 400],
  [TaskHeldByAnother, 409],
  [TaskDone, 409],
  [TaskNotHeld, 409],
  [DeskTaskChanged, 409],
  [CallCapReached, 422],
  [NoteCarriesPersonalData, 422],
  [FieldRefused, 422],
  [ReviewAlreadyRequested, 409],
  [ReviewNotRequested, 409],
  [DecisionNotDeclined, 422],
  [LoansNotClosed, 409],
  [HardshipPlanDecided, 409],
  [AlreadyRestructured, 409],
  [TooManyLoans, 422],
  [NoOpenDispute, 409],
];

/** The answer for a domain error, or undefined for one no partner should see (it is a 500 then). */
export function httpErrorFor(err: DomainError): HttpError | undefined {
  const status = STATUS_OF.find(([type]) => err instanceof type)?.[1];
  if (status === undefined) return undefined;
  return new HttpError(status, err.code, err.message, err.issues ? [...err.issues] : undefined);
}

/** The contract answer an error stands for: an `HttpError` as it is, a domain error by the table above. */
export function httpErrorOf(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  return err instanceof DomainError ? httpErrorFor(err) : undefined;
}
