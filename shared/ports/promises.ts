import type { EarlyWarning } from '#shared/collection/early-warning.ts';
import type { EscalationState } from '#shared/collection/ladder.ts';
import type { OpenPromise, PaymentMade, PromiseVerdict } from '#shared/collection/promises.ts';
import type { LocalDate } from '#shared/lending/types.ts';
import type { DomainEvent } from '#shared/schemas/events.ts';
import type { PromiseToPay } from './desk.ts';

/** An open promise waiting for its judgment, as the ageing job finds it. */
export interface PromiseDue {
  loanId: string;
  promiseId: string;
  date: LocalDate;
}

/** A partner's promise: stored, and held on the loan (still at `expectedVersion`) with its events. */
export interface PartnerPromiseWrite {
  promise: PromiseToPay;
  open: OpenPromise;
  expectedVersion: number;
  events: DomainEvent[];
}

/** A judgment: the promise closed, the loan's state after it (under the version check), the event. */
export interface PromiseJudgmentWrite {
  loanId: string;
  /** The borrower's identity: a broken promise is kept on it for the behaviour score and its suspension. */
  identityHash: string;
  promise: OpenPromise;
  verdict: PromiseVerdict;
  judgedOn: LocalDate;
  expectedVersion: number;
  /** The loan's escalation after the judgment (a broken promise is counted in it). */
  escalation?: EscalationState;
  /** A broken promise on a loan still current or in grace raises `PROMISE_BROKEN` (its event is in `events`). */
  warning?: EarlyWarning;
  /** Who the loan's watch entry names. */
  partnerId: string;
  borrowerId: string;
  events: DomainEvent[];
}

/**
 * Promises to pay beyond the desk's outcome write: a partner's promise, the open promises due for judgment
 * and the payments that judge them, and the judgment. Each write is one transaction with the loan's
 * change under its version (`LoanVersionConflict` when it moved) and the events in the outbox.
 */
export interface PromiseStore {
  recordPartnerPromise(write: PartnerPromiseWrite): Promise<void>;
  /** Open promises dated before `businessDate`, oldest first. */
  promisesDue(businessDate: LocalDate): Promise<PromiseDue[]>;
  /** Every payment of the loan (amount and when it was paid). */
  paymentsOf(loanId: string): Promise<PaymentMade[]>;
  recordJudgment(write: PromiseJudgmentWrite): Promise<void>;
}
